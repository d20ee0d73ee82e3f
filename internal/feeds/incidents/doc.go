// Package incidents reads backstop's own incident formats: JSON Lines
// (JSONL, one incident object per line) and YAML `kind: Incidents`
// documents (YAML, through internal/load, so that a file is checked the
// way `backstop validate` checks it). WriteJSONL and WriteYAML write what
// they read; AppendCompact writes YAML in the compact form (an incident a
// line, as a JSON object), which `backstop import incidents` writes
// (WriteDocuments) and internal/load reads without YAML's parser.
// docs/feeds.md describes both; internal/feeds/all detects the format
// and internal/monitor evaluates the incidents.
package incidents
