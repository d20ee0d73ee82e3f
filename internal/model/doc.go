// Package model defines the backstop documents as plain Go values: the
// Framework (the guarantee), a party's Declaration of pledges, Incidents and
// the Scenario of a stress test, with the small value types they are made of
// (dates, durations, units, domains, postures).
//
// The package does no I/O and knows nothing of YAML: internal/load decodes
// files into these types and validates them; assessment, monitoring and
// simulation read them. Value types implement encoding.TextUnmarshaler so that
// every parser of a document field lives next to the type it parses.
package model
