// Package dashboard is the web dashboard that `backstop serve` serves at
// its root: six pages (overview, coverage, map, breaches, stress test,
// record) drawn in the browser from the server's own API (/v1), so that
// the dashboard shows nothing the API does not give a script.
//
// The pages are hand-written ES modules, CSS and one HTML shell, embedded
// in the binary (web/): no CDN, no network at run time, and nothing to
// build — a Go build needs no Node, and editing a file in web/ and
// rebuilding is the whole workflow (docs/dashboard.md). Charts are SVG
// made by the modules; the map is drawn on canvas, so that 100,000
// incidents stay responsive.
//
// Handler serves the files, with the page paths answered by the HTML
// shell; internal/server mounts it under every path the API does not own.
package dashboard
