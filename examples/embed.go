// Package examples embeds the bundled example, so that `backstop serve`
// with no arguments has a record to serve without any file beside the
// binary.
package examples

import "embed"

// Ukraine2025 holds examples/ukraine-2025: its framework, declarations and
// scenarios (the keys and README stay on disk).
//
//go:embed ukraine-2025/*.yaml ukraine-2025/declarations/*.yaml ukraine-2025/record/*.yaml ukraine-2025/options/*.yaml
var Ukraine2025 embed.FS
