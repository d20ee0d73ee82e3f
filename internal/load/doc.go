// Package load reads backstop documents (YAML or JSON, several per file)
// into the model, and validates them.
//
// Loading happens in stages, each a named function over the whole set of
// documents (see stages in validate.go): syntax and schema while decoding,
// then ids, references, sequence, expressions, restrictions and units. A
// stage reports every problem it finds and the next stages still run on
// whatever could be decoded, so one run shows all the problems. Rules
// report document paths; this package, which keeps the YAML nodes, turns
// them into file positions.
//
// The result, a Set, is what every command works on: internal/assess,
// internal/monitor and internal/sim take their documents and compiled
// expressions from it.
package load
