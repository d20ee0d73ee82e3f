// Package api holds the wire types of the backstop HTTP API (/v1): what
// internal/server writes and internal/client reads, so that the two cannot
// drift apart. docs/serve.md and the server's /v1/openapi.json describe
// the same shapes for other clients.
package api
