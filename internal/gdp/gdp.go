package gdp

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/iso"
)

// Diagnostic codes of Read.
const (
	// CodeIO is the code internal/load uses for input that cannot be read
	// (load.CodeIO); commands exit 2 on it.
	CodeIO = "io"
	// CodeCSV: the file is not well-formed CSV (a stray quote).
	CodeCSV = "csv-syntax"
	// CodeFieldCount: a row with more or fewer fields than the header.
	CodeFieldCount = "field-count"
	// CodeMissingColumn: the header lacks a column Read needs, or has one twice.
	CodeMissingColumn = "missing-column"
	// CodeInvalidValue: an empty code, a year that is not a whole number, a
	// value that is not a finite, non-negative number.
	CodeInvalidValue = "invalid-value"
	// CodeDuplicateRow: a code and year given twice.
	CodeDuplicateRow = "duplicate-row"
)

// The columns of the file, found by name (case and surrounding spaces do
// not matter); Country Name is optional, the others are required.
const (
	colName  = "Country Name"
	colCode  = "Country Code"
	colYear  = "Year"
	colValue = "Value"
)

var required = []string{colCode, colYear, colValue}

// Table is the GDP of every code of one file, by year.
type Table struct {
	name   string
	byCode map[string]map[int]float64 // code → year → US$
	latest int
}

// Read reads a World Bank GDP CSV. name is used in diagnostics and in
// Source. Bad rows are reported and skipped, the rest is read; a header
// that lacks a required column stops the reading. The Table is never nil.
func Read(name string, r io.Reader) (*Table, diag.Diagnostics) {
	t := &Table{name: name, byCode: map[string]map[int]float64{}}
	var ds diag.Diagnostics
	src, err := io.ReadAll(r)
	if err != nil {
		return t, ds.Append(diag.Errorf(diag.Range{File: name}, CodeIO, "reading: %v", err))
	}
	f := newSource(name, src)
	cr := csv.NewReader(bytes.NewReader(src))
	cr.FieldsPerRecord = 0 // the header sets the count

	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return t, ds.Append(diag.Errorf(f.rng(1, 1), CodeMissingColumn,
			"empty file; expected the header %s", strings.Join([]string{colName, colCode, colYear, colValue}, ",")))
	}
	if err != nil {
		return t, ds.Append(f.csvError(cr, err, nil, "header"))
	}
	cols, missing := findColumns(header)
	if missing != nil {
		return t, ds.Append(diag.Errorf(f.fieldRange(cr, 0), CodeMissingColumn, "%s", missing.Error()))
	}

	firstLine := map[string]map[int]int{} // code → year → line, for duplicates
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			ds = ds.Append(f.csvError(cr, err, rec, "header"))
			continue
		}
		line, _ := cr.FieldPos(0)
		code := rec[cols[colCode]]
		var rowDiags diag.Diagnostics
		if code == "" {
			rowDiags = rowDiags.Append(diag.Errorf(f.fieldRange(cr, cols[colCode]), CodeInvalidValue, "empty %s; row skipped", colCode))
		}
		year, err := strconv.Atoi(rec[cols[colYear]])
		if err != nil || year < 1 || year > 9999 {
			rowDiags = rowDiags.Append(diag.Errorf(f.fieldRange(cr, cols[colYear]), CodeInvalidValue,
				"%s %q is not a year (a whole number such as 2023); row skipped", colYear, rec[cols[colYear]]))
		}
		value, err := strconv.ParseFloat(rec[cols[colValue]], 64)
		if err != nil || math.IsNaN(value) || math.IsInf(value, 0) || value < 0 {
			rowDiags = rowDiags.Append(diag.Errorf(f.fieldRange(cr, cols[colValue]), CodeInvalidValue,
				"%s %q is not a number of US dollars (such as 27360935000000.0); row skipped", colValue, rec[cols[colValue]]))
		}
		if rowDiags != nil {
			ds = ds.Append(rowDiags...)
			continue
		}
		if first, dup := firstLine[code][year]; dup {
			ds = ds.Append(diag.Errorf(f.fieldRange(cr, cols[colYear]), CodeDuplicateRow,
				"%s %d given twice (first on line %d); this row is skipped", code, year, first))
			continue
		}
		if t.byCode[code] == nil {
			t.byCode[code] = map[int]float64{}
			firstLine[code] = map[int]int{}
		}
		t.byCode[code][year] = value
		firstLine[code][year] = line
		t.latest = max(t.latest, year)
	}
	return t, ds
}

// findColumns maps each column name Read knows to its index in header.
func findColumns(header []string) (map[string]int, error) {
	cols := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		for _, want := range []string{colName, colCode, colYear, colValue} {
			if strings.EqualFold(h, want) {
				if _, dup := cols[want]; dup {
					return nil, fmt.Errorf("the header has the column %s twice", want)
				}
				cols[want] = i
			}
		}
	}
	for _, want := range required {
		if _, ok := cols[want]; !ok {
			return nil, fmt.Errorf("the header has no %s column; expected %s", want, strings.Join([]string{colName, colCode, colYear, colValue}, ","))
		}
	}
	return cols, nil
}

// Latest returns the GDP of a party in the latest year the file gives it,
// in billions of current US dollars. The party id (UA, US, EU) is turned
// into the file's code through internal/iso (UKR, USA, EUU); ok is false
// when the file has no value for it.
func (t *Table) Latest(partyID string) (usdBn float64, year int, ok bool) {
	if t == nil {
		return 0, 0, false
	}
	for _, code := range iso.Codes(partyID) {
		years := t.byCode[code]
		if len(years) == 0 {
			continue
		}
		for y := range years {
			year = max(year, y)
		}
		return years[year] / 1e9, year, true
	}
	return 0, 0, false
}

// LatestYear returns the latest year of any value in the file, 0 if none.
func (t *Table) LatestYear() int { return t.latest }

// Codes returns the file's country codes in sorted order (ISO alpha-3
// codes and World Bank aggregates such as EUU and WLD).
func (t *Table) Codes() []string {
	codes := make([]string, 0, len(t.byCode))
	for c := range t.byCode {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	return codes
}

// Source says where the values come from, for reports:
// "gdp.csv (World Bank NY.GDP.MKTP.CD), latest year per party".
func (t *Table) Source() string {
	return filepath.Base(t.name) + " (World Bank NY.GDP.MKTP.CD), latest year per party"
}

// source locates byte positions of one file for diagnostics: encoding/csv
// counts lines by LF and columns in bytes, diagnostics count columns in
// characters.
type source struct {
	name       string
	src        []byte
	lineStarts []int // byte offset of each line's start; lineStarts[0] is line 1
}

func newSource(name string, src []byte) *source {
	s := &source{name: name, src: src, lineStarts: []int{0}}
	for i, b := range src {
		if b == '\n' {
			s.lineStarts = append(s.lineStarts, i+1)
		}
	}
	return s
}

// rng returns the range of line and byte column (both 1-based), with the
// column converted to characters.
func (s *source) rng(line, byteCol int) diag.Range {
	line = min(max(line, 1), len(s.lineStarts))
	start := s.lineStarts[line-1]
	off := min(start+max(byteCol, 1)-1, len(s.src))
	p := diag.Pos{Line: line, Column: utf8.RuneCount(s.src[start:off]) + 1, Byte: off}
	return diag.Range{File: s.name, Start: p, End: p}
}

// fieldRange locates field i of the record cr returned last.
func (s *source) fieldRange(cr *csv.Reader, i int) diag.Range {
	line, col := cr.FieldPos(i)
	return s.rng(line, col)
}

// csvError turns an error of csv.Reader.Read into a diagnostic. rec is the
// record returned with it (encoding/csv returns the record with
// ErrFieldCount); header names what the count is compared with.
func (s *source) csvError(cr *csv.Reader, err error, rec []string, header string) diag.Diagnostic {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return diag.Errorf(diag.Range{File: s.name}, CodeIO, "reading: %v", err)
	}
	if errors.Is(pe.Err, csv.ErrFieldCount) {
		want := cr.FieldsPerRecord
		if len(rec) > want {
			return diag.Errorf(s.fieldRange(cr, want), CodeFieldCount,
				"row has %d fields, the %s %d; row skipped", len(rec), header, want)
		}
		return diag.Errorf(s.rng(pe.StartLine, 1), CodeFieldCount,
			"row has %d fields, the %s %d; row skipped", len(rec), header, want)
	}
	return diag.Errorf(s.rng(pe.Line, pe.Column), CodeCSV, "CSV syntax: %v; row skipped", pe.Err)
}
