package diag

import (
	"cmp"
	"fmt"
	"slices"
)

// Severity says whether a diagnostic makes the input invalid.
type Severity int

const (
	// Error makes the input invalid: the command exits 1.
	Error Severity = iota + 1
	// Warning is worth reading but leaves the input valid.
	Warning
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// Pos is a position in a source file. Line and Column are 1-based; Column
// counts characters, as YAML parsers do. Byte is the 0-based byte offset.
type Pos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Byte   int `json:"byte"`
}

// Range is a span of a source file. A zero Start means "the whole file".
type Range struct {
	File  string `json:"file"`
	Start Pos    `json:"start"`
	End   Pos    `json:"end"`
}

// Diagnostic is one problem found in the input.
type Diagnostic struct {
	Severity Severity
	// Code is a stable, kebab-case name of the rule that fired
	// (for example "unknown-field"), for filtering and documentation.
	Code string
	// Summary is the one-line message shown after "error:"; hints such as
	// "did you mean" belong in it, so that one line says everything.
	Summary string
	// Range locates the problem; set by the loader when the rule
	// reported only a Path.
	Range Range
	// Path is the document path of the offending node, when known.
	Path string
	// Doc identifies the document the path is relative to; it is an
	// opaque key owned by internal/load.
	Doc int
}

// Diagnostics is a list of problems. A nil Diagnostics means none.
type Diagnostics []Diagnostic

// Errorf returns an error diagnostic with the given code at r.
func Errorf(r Range, code, format string, args ...any) Diagnostic {
	return Diagnostic{Severity: Error, Code: code, Summary: fmt.Sprintf(format, args...), Range: r}
}

// Warningf returns a warning diagnostic with the given code at r.
func Warningf(r Range, code, format string, args ...any) Diagnostic {
	return Diagnostic{Severity: Warning, Code: code, Summary: fmt.Sprintf(format, args...), Range: r}
}

// Append adds diagnostics and returns the extended list.
func (ds Diagnostics) Append(more ...Diagnostic) Diagnostics {
	return append(ds, more...)
}

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	return slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Severity == Error })
}

// Errors are the diagnostics of ds that are errors, in order: what a
// command shows when it stops on invalid input.
func (ds Diagnostics) Errors() Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == Error {
			out = append(out, d)
		}
	}
	return out
}

// Count returns the number of errors and of warnings.
func (ds Diagnostics) Count() (errors, warnings int) {
	for _, d := range ds {
		switch d.Severity {
		case Error:
			errors++
		case Warning:
			warnings++
		}
	}
	return errors, warnings
}

// Sort orders diagnostics by file, then position, then severity (errors
// first), then message, so that output is stable whatever order the rules
// ran in.
func (ds Diagnostics) Sort() {
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.Range.File, b.Range.File),
			cmp.Compare(a.Range.Start.Line, b.Range.Start.Line),
			cmp.Compare(a.Range.Start.Column, b.Range.Start.Column),
			cmp.Compare(a.Severity, b.Severity),
			cmp.Compare(a.Summary, b.Summary),
		)
	})
}

// String formats the diagnostic as one line, the way compilers do:
// "FILE:LINE:COL: error: message", or "FILE: error: message" when the
// problem concerns the whole file.
func (d Diagnostic) String() string {
	loc := d.Range.File
	if d.Range.Start.Line > 0 {
		loc = fmt.Sprintf("%s:%d:%d", d.Range.File, d.Range.Start.Line, d.Range.Start.Column)
	}
	return fmt.Sprintf("%s: %s: %s", loc, d.Severity, d.Summary)
}
