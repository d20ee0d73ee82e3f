// Package feeds turns incident data sets into the language's incidents.
// Each source has its own reader in a subpackage (acled, ucdp, missile,
// alerts, viina), implementing Reader; this package holds what they share:
// the Reader contract, the decoded Source, the Options every reader honours
// (category overrides, oblast normalisation, strictness) and the Summary
// that accounts for every row. internal/feeds/all lists the readers and
// detects a file's format; internal/monitor evaluates the incidents.
//
// Rules every reader keeps: a row that cannot be read is a diagnostic
// FILE:LINE[:COL] and is counted as skipped with its reason; the rest is
// still read; nothing is dropped silently. Times are UTC.
package feeds

import (
	"io"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/model"
)

// Reader reads one source's format.
type Reader interface {
	// Format is the name users give to --input-format ("acled").
	Format() string
	// Detect reports whether the start of a file (decoded to UTF-8, BOM
	// removed, at most the first 64 KiB) is in this format, usually from
	// its header line.
	Detect(head []byte) bool
	// Read reads every row of src.
	Read(src *Source, opts Options) (*Result, diag.Diagnostics)
}

// Source is one input file, decompressed (gzip), with a UTF-8 byte order
// mark removed and, when it was not valid UTF-8, decoded from
// Windows-1252. Decoding keeps line breaks, so line numbers are the file's.
type Source struct {
	// Name is the file name diagnostics carry.
	Name string
	// Data is the UTF-8 text. Nothing may modify it once Open or
	// NewSource returned it: Text may share its bytes.
	Data []byte
	// Decoded names the encoding Data was converted from ("" for UTF-8).
	Decoded string

	// text is Data as a string sharing its bytes, when Data is a buffer
	// Open or NewSource made and nobody else holds (see Text).
	text string
}

// Oblasts normalises Ukraine's first-level units to ISO 3166-2:UA codes
// ("UA-14" for Donetsk oblast). internal/oblast implements it. It must be
// safe for concurrent use: a reader may read a file in parts at once
// (VIINA does).
type Oblasts interface {
	// ByName maps a spelling used by a data set ("Donetsk", "Донецька
	// область", "Kyiv City") to its code.
	ByName(name string) (code string, ok bool)
	// ByPoint finds the unit containing a point, when polygons are loaded.
	ByPoint(lat, lon float64) (code string, ok bool)
}

// Options are the inputs of every reader besides the file.
type Options struct {
	// Categories overrides the readers' default category tables: format →
	// source category → backstop incident type (docs/feeds.md).
	Categories map[string]map[string]string
	// Oblasts normalises admin1 to ISO 3166-2:UA; nil leaves admin1 as written.
	Oblasts Oblasts
	// Strict makes every skipped row an error instead of a warning.
	Strict bool
	// Stdin is read for the path "-" (nil: "-" cannot be read).
	Stdin io.Reader
}

// Result is what a reader made of a file.
type Result struct {
	Incidents []model.Incident
	Summary   Summary
}

// Summary accounts for every row of a file.
type Summary struct {
	File   string `json:"file"`
	Format string `json:"format"`
	// Read is the number of data rows (header excluded).
	Read int `json:"read"`
	// Mapped rows became incidents whose type comes from the category
	// table; Unmapped rows became incidents of type "other" because their
	// category is not in the table (UnmappedBy counts them by category).
	Mapped     int            `json:"mapped"`
	Unmapped   int            `json:"unmapped"`
	UnmappedBy map[string]int `json:"unmapped_by"`
	// Skipped rows could not be read; SkippedBy counts them by reason.
	Skipped   int            `json:"skipped"`
	SkippedBy map[string]int `json:"skipped_by"`
}

// NewSummary returns an empty summary for a file.
func NewSummary(file, format string) Summary {
	return Summary{File: file, Format: format, UnmappedBy: map[string]int{}, SkippedBy: map[string]int{}}
}

// Skip counts a skipped row and returns its diagnostic: a warning, or an
// error under Options.Strict. reason is a short, stable phrase used as the
// key of SkippedBy ("bad date"); message is the full explanation.
func (s *Summary) Skip(opts Options, at diag.Range, reason, message string) diag.Diagnostic {
	s.Skipped++
	s.SkippedBy[reason]++
	d := diag.Warningf(at, "skipped-row", "%s; row skipped", message)
	if opts.Strict {
		d.Severity = diag.Error
	}
	return d
}

// Category maps a source category to a backstop type through the
// override table first, then the reader's defaults; ok is false when
// neither knows it (the caller then uses TypeOther and counts it with
// Unmap).
func Category(opts Options, format, category string, defaults map[string]string) (typ string, ok bool) {
	if t, ok := opts.Categories[format][category]; ok {
		return t, true
	}
	t, ok := defaults[category]
	return t, ok
}

// Classify is the type of a row of the given category: Category's when a
// table maps it, else TypeOther. It counts the row in the Summary, as
// mapped or with Unmap (under NoCategory when the category is empty); ok
// is whether a table mapped it.
func (s *Summary) Classify(opts Options, format, category string, defaults map[string]string) (typ string, ok bool) {
	typ, ok = Category(opts, format, category, defaults)
	switch {
	case category == "":
		s.Unmap(NoCategory)
		return TypeOther, false
	case !ok:
		s.Unmap(category)
		return TypeOther, false
	}
	s.Mapped++
	return typ, true
}

// Add adds the counts of o, the summary of another part of the same
// file.
func (s *Summary) Add(o Summary) {
	s.Read += o.Read
	s.Mapped += o.Mapped
	s.Unmapped += o.Unmapped
	s.Skipped += o.Skipped
	for k, n := range o.UnmappedBy {
		s.UnmappedBy[k] += n
	}
	for k, n := range o.SkippedBy {
		s.SkippedBy[k] += n
	}
}

// Unmap counts a row whose category no table maps.
func (s *Summary) Unmap(category string) {
	s.Unmapped++
	s.UnmappedBy[category]++
}

// Incident types shared by the readers, the example's triggers and the
// documentation (docs/feeds.md has the full vocabulary and each source's
// table).
const (
	TypeMissileStrike   = "missile_strike"
	TypeDroneStrike     = "drone_strike"
	TypeAirStrike       = "air_strike"
	TypeShelling        = "shelling"
	TypeGroundAssault   = "ground_assault"
	TypeBattle          = "battle"
	TypeExplosion       = "explosion"
	TypeAirRaidAlert    = "air_raid_alert"
	TypeCivilianHarm    = "violence_against_civilians"
	TypeProtest         = "protest"
	TypeStrategicChange = "strategic_development"
	TypeOther           = "other"
)
