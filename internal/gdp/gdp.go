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

	"github.com/backstop-dev/backstop/internal/csvpos"
	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/iso3166"
)

// Diagnostic codes of Read.
const (
	// CodeIO is the code internal/load uses for input that cannot be read
	// (load.CodeIO); commands exit 2 on it.
	CodeIO = csvpos.CodeIO
	// CodeCSV: the file is not well-formed CSV (a stray quote).
	CodeCSV = csvpos.CodeCSV
	// CodeFieldCount: a row with more or fewer fields than the header.
	CodeFieldCount = csvpos.CodeFieldCount
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
	f := csvpos.New(name, src)
	cr := csv.NewReader(bytes.NewReader(src))
	cr.FieldsPerRecord = 0 // the header sets the count

	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return t, ds.Append(diag.Errorf(f.Range(1, 1), CodeMissingColumn,
			"empty file; expected the header %s", strings.Join([]string{colName, colCode, colYear, colValue}, ",")))
	}
	if err != nil {
		return t, ds.Append(f.Error(cr, err, nil))
	}
	cols, missing := findColumns(header)
	if missing != nil {
		return t, ds.Append(diag.Errorf(f.Field(cr, 0), CodeMissingColumn, "%s", missing.Error()))
	}

	firstLine := map[string]map[int]int{} // code → year → line, for duplicates
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			ds = ds.Append(f.Error(cr, err, rec))
			continue
		}
		line, _ := cr.FieldPos(0)
		code := rec[cols[colCode]]
		var rowDiags diag.Diagnostics
		if code == "" {
			rowDiags = rowDiags.Append(diag.Errorf(f.Field(cr, cols[colCode]), CodeInvalidValue, "empty %s; row skipped", colCode))
		}
		year, err := strconv.Atoi(rec[cols[colYear]])
		if err != nil || year < 1 || year > 9999 {
			rowDiags = rowDiags.Append(diag.Errorf(f.Field(cr, cols[colYear]), CodeInvalidValue,
				"%s %q is not a year (a whole number such as 2023); row skipped", colYear, rec[cols[colYear]]))
		}
		value, err := strconv.ParseFloat(rec[cols[colValue]], 64)
		if err != nil || math.IsNaN(value) || math.IsInf(value, 0) || value < 0 {
			rowDiags = rowDiags.Append(diag.Errorf(f.Field(cr, cols[colValue]), CodeInvalidValue,
				"%s %q is not a number of US dollars (such as 27360935000000.0); row skipped", colValue, rec[cols[colValue]]))
		}
		if rowDiags != nil {
			ds = ds.Append(rowDiags...)
			continue
		}
		if first, dup := firstLine[code][year]; dup {
			ds = ds.Append(diag.Errorf(f.Field(cr, cols[colYear]), CodeDuplicateRow,
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
// into the file's code through internal/iso3166 (UKR, USA, EUU); ok is false
// when the file has no value for it.
func (t *Table) Latest(partyID string) (usdBn float64, year int, ok bool) {
	if t == nil {
		return 0, 0, false
	}
	for _, code := range iso3166.Codes(partyID) {
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
