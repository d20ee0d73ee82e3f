package kiel

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"

	"github.com/backstop-dev/backstop/internal/csvpos"
	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/iso3166"
	"github.com/backstop-dev/backstop/internal/model"
)

// Citation is the reference every imported pledge's note gives, as the Kiel
// Institute asks users to cite the tracker.
const Citation = "Kiel Institute, Ukraine Support Tracker, Release 29 (data through 04/2026), Trebesch et al. (2023)"

// releaseEnd is the last month of the release Citation names; a file that
// runs past it is a later release, and the import warns that the notes
// cite the wrong one.
var releaseEnd = Month{2026, 4}

// Unit is the unit of every imported pledge: a one-off amount in EUR
// billion, as the tracker counts.
const Unit = "EUR-bn"

// Diagnostic codes of Import.
const (
	// CodeIO is the code internal/load uses for input that cannot be read
	// (load.CodeIO); commands exit 2 on it.
	CodeIO = csvpos.CodeIO
	// CodeInvalidID: Options.FrameworkID is not a slug.
	CodeInvalidID = "invalid-id"
	// CodeCSV: bad CSV quoting.
	CodeCSV = csvpos.CodeCSV
	// CodeFieldCount: a row with more or fewer fields than the header.
	CodeFieldCount = csvpos.CodeFieldCount
	// CodeMissingColumn: the header lacks a required column or has one twice.
	CodeMissingColumn = "missing-column"
	// CodeNoRows: the file has a header and no rows.
	CodeNoRows = "no-rows"
	// CodeEncoding: a field that is not UTF-8.
	CodeEncoding = "encoding"
	// CodeUnknownCode: an iso value that is neither ISO 3166-1 alpha-3 nor EU.
	CodeUnknownCode = "unknown-code"
	// CodeInvalidValue: a malformed year, month or amount.
	CodeInvalidValue = "invalid-value"
	// CodeInconsistentRow: a row whose columns break the tracker's identities.
	CodeInconsistentRow = "inconsistent-row"
	// CodeNegativeToBeAllocated: a donor whose to_be_allocated sums below 0
	// (a warning: its pledges record the allocations).
	CodeNegativeToBeAllocated = "negative-to-be-allocated"
	// CodeNegativeSum: a donor whose military, or financial and
	// humanitarian, aid sums below 0.
	CodeNegativeSum = "negative-sum"
	// CodeInconsistentTotals: a donor whose pledges would not sum to its
	// commitments and allocations.
	CodeInconsistentTotals = "inconsistent-totals"
	// CodeNegativeValue (warning): a month with a negative amount in a
	// column other than to_be_allocated.
	CodeNegativeValue = "negative-value"
	// CodeDuplicateRow (warning): a donor and month given twice.
	CodeDuplicateRow = "duplicate-row"
	// CodeNameMismatch (warning): one code with two country names.
	CodeNameMismatch = "name-mismatch"
	// CodeNewerRelease (warning): data past the release Citation names.
	CodeNewerRelease = "newer-release"
)

const (
	// rowTolerance is how far a row's columns may disagree with the
	// tracker's identities (the file rounds to 1e-6 EUR bn).
	rowTolerance = 1e-6
	// sumTolerance is how far a donor's pledges may be from its sums, and
	// below which a sum counts as 0.
	sumTolerance = 1e-9
	// maxAmount bounds a plausible monthly amount (EUR bn); larger values are
	// refused, which also keeps sums finite.
	maxAmount = 1e6
)

// The columns Import reads, found in the header by name (case and
// surrounding spaces do not matter, order neither); others (gdp, pct_gdp)
// are ignored.
const (
	colCountry = iota
	colISO
	colYear
	colMonth
	colTotal
	colFinancial
	colHumanitarian
	colMilitary
	colCommitments
	colToBeAllocated
	nColumns
)

var columnNames = [nColumns]string{"country", "iso", "year", "month", "total", "financial",
	"humanitarian", "military", "commitments", "to_be_allocated"}

// Options configure Import.
type Options struct {
	// FrameworkID is the framework the declarations are made to (a slug).
	FrameworkID string
	// WithFramework adds, before the declarations, a minimal Framework
	// with that id naming every imported donor as a guarantor and UA as
	// the beneficiary, so that the output validates on its own.
	WithFramework bool
}

// Month is a calendar month of the tracker.
type Month struct{ Year, Month int }

func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, m.Month) }

// IsZero reports whether m is the zero Month ("none").
func (m Month) IsZero() bool { return m == Month{} }

func (m Month) compare(o Month) int {
	return cmp.Or(cmp.Compare(m.Year, o.Year), cmp.Compare(m.Month, o.Month))
}

// FirstDay returns the first day of the month.
func (m Month) FirstDay() model.Date {
	return model.Date{Time: time.Date(m.Year, time.Month(m.Month), 1, 0, 0, 0, 0, time.UTC)}
}

// LastDay returns the last day of the month.
func (m Month) LastDay() model.Date {
	return model.Date{Time: time.Date(m.Year, time.Month(m.Month)+1, 0, 0, 0, 0, 0, time.UTC)}
}

// Donor is one donor's months summed, in EUR bn.
type Donor struct {
	Party string // party id: ISO 3166-1 alpha-2, or EU
	Code  string // as in the file's iso column: AUS, EU
	Name  string // the file's country column

	Committed     float64 // Σ commitments: pledged
	Allocated     float64 // Σ total: allocated
	Military      float64 // Σ military
	Financial     float64 // Σ financial
	Humanitarian  float64 // Σ humanitarian
	ToBeAllocated float64 // Σ to_be_allocated: committed, not yet allocated
	// OverAllocated is what the donor allocated beyond its commitments
	// (−ToBeAllocated when that is negative, else 0). Its pledges then sum
	// to Committed + OverAllocated = Allocated: a pledge cannot deliver
	// more than it pledges.
	OverAllocated float64

	Months      int   // rows summed
	First, Last Month // the first and last of them
	FirstActive Month // the first with a non-zero amount; zero if none

	// Declared is false when the donor's declaration was left out because
	// of an error (see the diagnostics).
	Declared bool
	// Omitted lists the pledges left out because their sum is 0.
	Omitted []string
}

// Rows counts the data rows of the file (the header excluded).
type Rows struct {
	Read    int // every row
	Used    int // rows summed into a donor
	Skipped int // rows with an error, not summed
	// SkippedBy counts skipped rows by the code of their first error.
	SkippedBy map[string]int
}

// Result is what Import produced.
type Result struct {
	File    string
	Options Options
	// Latest is the latest month of the file; Date, its last day, is the
	// date of every declaration.
	Latest Month
	Date   model.Date
	// Donors are every donor with a used row, sorted by party id, those
	// left out included (Declared false).
	Donors []Donor
	Rows   Rows
	// Framework is the minimal framework of Options.WithFramework, or nil.
	Framework *model.Framework
	// Declarations are the declarations written, one per declared donor,
	// sorted by party id.
	Declarations []*model.Declaration
}

// Import reads the tracker's data_explorer.csv from r (name is used in
// diagnostics) and returns the donors' sums and declarations. Every problem
// is a diagnostic; rows with errors are skipped and the rest is imported.
// The Result is never nil.
func Import(name string, r io.Reader, opts Options) (*Result, diag.Diagnostics) {
	res := &Result{File: name, Options: opts, Rows: Rows{SkippedBy: map[string]int{}}}
	im := &importer{res: res, donors: map[string]*donorAcc{}}
	if !model.ValidSlug(opts.FrameworkID) {
		im.ds = im.ds.Append(diag.Errorf(diag.Range{File: name}, CodeInvalidID,
			"framework id %q is not a slug (lower-case letters, digits and single dashes, such as ukraine-2025)", opts.FrameworkID))
		return res, im.ds
	}
	src, err := io.ReadAll(r)
	if err != nil {
		im.ds = im.ds.Append(diag.Errorf(diag.Range{File: name}, CodeIO, "reading: %v", err))
		return res, im.ds
	}
	im.src = csvpos.New(name, src)
	im.read(src)
	im.finish()
	im.ds.Sort()
	return res, im.ds
}

type importer struct {
	res    *Result
	src    *csvpos.Source
	ds     diag.Diagnostics
	cols   [nColumns]int
	donors map[string]*donorAcc // by party id
}

// donorAcc accumulates one donor's rows.
type donorAcc struct {
	d      *Donor
	sums   [nColumns]float64    // indexed by the amount columns
	first  [nColumns]diag.Range // the fields of the donor's first row
	negTBA []diag.Range         // rows whose to_be_allocated is negative
	months map[Month]int        // line of each month, for duplicates
	nameAt int                  // line the name was taken from
}

func (im *importer) read(src []byte) {
	cr := csv.NewReader(bytes.NewReader(src))
	cr.FieldsPerRecord = 0 // set by the header
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		im.ds = im.ds.Append(diag.Errorf(im.src.Range(1, 1), CodeMissingColumn,
			"empty file; expected the header %s", strings.Join(columnNames[:], ",")))
		return
	}
	if err != nil {
		im.ds = im.ds.Append(im.src.Error(cr, err, nil))
		return
	}
	if err := im.findColumns(header); err != nil {
		im.ds = im.ds.Append(diag.Errorf(im.src.Field(cr, 0), CodeMissingColumn, "%v", err))
		return
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		im.res.Rows.Read++
		if err != nil {
			d := im.src.Error(cr, err, rec)
			im.skip(d)
			continue
		}
		im.row(cr, rec)
	}
	if im.res.Rows.Read == 0 {
		im.ds = im.ds.Append(diag.Errorf(diag.Range{File: im.src.Name()}, CodeNoRows, "no rows after the header: nothing to import"))
	}
}

func (im *importer) skip(first diag.Diagnostic, more ...diag.Diagnostic) {
	im.ds = im.ds.Append(first).Append(more...)
	im.res.Rows.Skipped++
	im.res.Rows.SkippedBy[first.Code]++
}

func (im *importer) findColumns(header []string) error {
	for i := range im.cols {
		im.cols[i] = -1
	}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		for c, want := range columnNames {
			if strings.EqualFold(h, want) {
				if im.cols[c] >= 0 {
					return fmt.Errorf("the header has the column %s twice", want)
				}
				im.cols[c] = i
			}
		}
	}
	var missing []string
	for c, i := range im.cols {
		if i < 0 {
			missing = append(missing, columnNames[c])
		}
	}
	if missing != nil {
		return fmt.Errorf("the header has no %s column; expected %s", strings.Join(missing, ", "), strings.Join(columnNames[:], ","))
	}
	return nil
}

// row checks one record and adds it to its donor.
func (im *importer) row(cr *csv.Reader, rec []string) {
	field := func(c int) (string, diag.Range) { return rec[im.cols[c]], im.src.Field(cr, im.cols[c]) }
	party, m, v, errs, warns := im.parse(field)
	if errs != nil {
		im.skip(errs[0], errs[1:]...)
		return
	}
	im.ds = im.ds.Append(warns...)
	im.identities(field, v)
	im.accumulate(field, party, m, v)
}

// rowField gives a column's value and where it is.
type rowField func(c int) (string, diag.Range)

// parse reads a row's values: the party, the month and the amounts, with
// the errors that skip the row and the warnings that keep it.
func (im *importer) parse(field rowField) (party string, m Month, v [nColumns]float64, errs, warns diag.Diagnostics) {
	for c := range nColumns {
		if s, at := field(c); !utf8.ValidString(s) {
			errs = errs.Append(diag.Errorf(at, CodeEncoding, "%s is not valid UTF-8 (save the file as UTF-8); row skipped", columnNames[c]))
		}
	}
	if errs != nil {
		return "", m, v, errs, nil
	}
	code, codeAt := field(colISO)
	party, ok := iso3166.PartyID(code)
	if !ok {
		errs = errs.Append(diag.Errorf(codeAt, CodeUnknownCode,
			"unknown country code %q: neither an ISO 3166-1 alpha-3 code nor EU; row skipped", code))
	}
	year, yearAt := field(colYear)
	month, monthAt := field(colMonth)
	var err error
	if m.Year, err = strconv.Atoi(year); err != nil || m.Year < 1900 || m.Year > 9999 {
		errs = errs.Append(diag.Errorf(yearAt, CodeInvalidValue, "year %q is not a year from 1900 to 9999; row skipped", year))
	}
	if m.Month, err = strconv.Atoi(month); err != nil || m.Month < 1 || m.Month > 12 {
		errs = errs.Append(diag.Errorf(monthAt, CodeInvalidValue, "month %q is not a month from 1 to 12; row skipped", month))
	}
	for c := colTotal; c < nColumns; c++ {
		s, at := field(c)
		x, err := strconv.ParseFloat(s, 64)
		switch {
		case err != nil || math.IsNaN(x) || math.IsInf(x, 0):
			errs = errs.Append(diag.Errorf(at, CodeInvalidValue, "%s %q is not a number of EUR bn (such as 0.5 or -0.02); row skipped", columnNames[c], s))
		case math.Abs(x) > maxAmount:
			errs = errs.Append(diag.Errorf(at, CodeInvalidValue, "%s %s EUR bn in one month is not plausible (more than 1,000,000); row skipped", columnNames[c], s))
		case x < 0 && c != colToBeAllocated:
			warns = warns.Append(diag.Warningf(at, CodeNegativeValue,
				"%s is negative (%s EUR bn) in this month; only to_be_allocated is expected to be", columnNames[c], s))
		}
		v[c] = x
	}
	return party, m, v, errs, warns
}

// identities reports the tracker's own identities a row breaks: reported,
// not corrected.
func (im *importer) identities(field rowField, v [nColumns]float64) {
	if d := v[colCommitments] - (v[colTotal] + v[colToBeAllocated]); math.Abs(d) > rowTolerance {
		_, at := field(colCommitments)
		im.ds = im.ds.Append(diag.Errorf(at, CodeInconsistentRow,
			"commitments %s ≠ total %s + to_be_allocated %s (off by %s EUR bn); reported, not corrected",
			num(v[colCommitments]), num(v[colTotal]), num(v[colToBeAllocated]), num(d)))
	}
	if d := v[colTotal] - (v[colMilitary] + v[colFinancial] + v[colHumanitarian]); math.Abs(d) > rowTolerance {
		_, at := field(colTotal)
		im.ds = im.ds.Append(diag.Errorf(at, CodeInconsistentRow,
			"total %s ≠ military %s + financial %s + humanitarian %s (off by %s EUR bn); reported, not corrected",
			num(v[colTotal]), num(v[colMilitary]), num(v[colFinancial]), num(v[colHumanitarian]), num(d)))
	}
}

// accumulate adds a row to its donor's sums and months.
func (im *importer) accumulate(field rowField, party string, m Month, v [nColumns]float64) {
	code, _ := field(colISO)
	name, nameAt := field(colCountry)
	line := nameAt.Start.Line
	a := im.donors[party]
	if a == nil {
		a = &donorAcc{d: &Donor{Party: party, Code: code, Name: name, First: m, Last: m}, months: map[Month]int{}, nameAt: line}
		for c := range nColumns {
			_, a.first[c] = field(c)
		}
		im.donors[party] = a
	} else if name != a.d.Name || code != a.d.Code {
		im.ds = im.ds.Append(diag.Warningf(nameAt, CodeNameMismatch,
			"%s %q differs from %s %q on line %d for party %s; the first is used", code, name, a.d.Code, a.d.Name, a.nameAt, party))
	}
	if first, dup := a.months[m]; dup {
		_, at := field(colYear)
		im.ds = im.ds.Append(diag.Warningf(at, CodeDuplicateRow, "%s %s given twice (first on line %d); both rows are summed", code, m, first))
	} else {
		a.months[m] = line
	}
	for c := colTotal; c < nColumns; c++ {
		a.sums[c] += v[c]
	}
	if v[colToBeAllocated] < 0 {
		_, at := field(colToBeAllocated)
		a.negTBA = append(a.negTBA, at)
	}
	d := a.d
	d.Months++
	if m.compare(d.First) < 0 {
		d.First = m
	}
	if m.compare(d.Last) > 0 {
		d.Last = m
	}
	if slices.ContainsFunc(v[colTotal:], func(x float64) bool { return x != 0 }) && (d.FirstActive.IsZero() || m.compare(d.FirstActive) < 0) {
		d.FirstActive = m
	}
	if m.compare(im.res.Latest) > 0 {
		im.res.Latest = m
	}
	im.res.Rows.Used++
}

// pledgeKind is one of the three pledges a donor declares.
type pledgeKind struct {
	suffix    string
	domain    model.Domain
	delivered bool   // delivered = quantity (allocated), else 0
	what      string // for the note
}

var pledgeKinds = []pledgeKind{
	{"military", model.Equipment, true, "military aid allocated (column military)"},
	{"financial", model.Funding, true, "financial and humanitarian aid allocated (columns financial + humanitarian)"},
	{"to-be-allocated", model.Funding, false, "aid committed and not yet allocated (column to_be_allocated)"},
}

// finish sums each donor, checks the identities and builds the documents.
func (im *importer) finish() {
	res := im.res
	if len(im.donors) == 0 {
		return
	}
	res.Date = res.Latest.LastDay()
	if res.Latest.compare(releaseEnd) > 0 {
		im.ds = im.ds.Append(diag.Warningf(diag.Range{File: im.src.Name()}, CodeNewerRelease,
			"the data run to %s, past the release the notes cite (%s)", res.Latest, Citation))
	}
	parties := make([]string, 0, len(im.donors))
	for p := range im.donors {
		parties = append(parties, p)
	}
	slices.Sort(parties)
	unit, err := model.ParseUnit(Unit)
	if err != nil {
		panic(err) // a constant of this package
	}
	for _, p := range parties {
		a := im.donors[p]
		d := a.d
		d.Committed, d.Allocated = a.sums[colCommitments], a.sums[colTotal]
		d.Military, d.Financial, d.Humanitarian = a.sums[colMilitary], a.sums[colFinancial], a.sums[colHumanitarian]
		d.ToBeAllocated = a.sums[colToBeAllocated]
		quantities := []float64{clean(d.Military), clean(d.Financial + d.Humanitarian), clean(math.Max(d.ToBeAllocated, 0))}
		d.Declared = im.checkDonor(a, quantities)
		if !d.Declared {
			res.Donors = append(res.Donors, *d)
			continue
		}
		decl := &model.Declaration{
			Framework: res.Options.FrameworkID, Party: d.Party, Date: res.Date,
			Note: fmt.Sprintf("Imported from the Kiel Ukraine Support Tracker: %s (%s), %s; committed %s EUR bn, allocated %s EUR bn. %s.",
				d.Name, d.Code, monthsCovered(d), num(d.Committed), num(d.Allocated), Citation),
			Pledges: []model.Pledge{},
		}
		for i, k := range pledgeKinds {
			id := strings.ToLower(d.Party) + "-" + k.suffix
			if quantities[i] == 0 {
				d.Omitted = append(d.Omitted, id)
				continue
			}
			pl := model.Pledge{
				ID: id, Layer: 1, Domain: k.domain, Quantity: quantities[i], Unit: unit,
				Available: model.Availability{Date: d.FirstActive.FirstDay()},
				Requires:  model.SignOffNone, Approval: model.NotRequired,
				Note: fmt.Sprintf("%s: %s, summed over %s.", Citation, k.what, monthsCovered(d)),
			}
			if k.delivered {
				pl.Delivered = quantities[i]
			}
			decl.Pledges = append(decl.Pledges, pl)
		}
		res.Declarations = append(res.Declarations, decl)
		res.Donors = append(res.Donors, *d)
	}
	if res.Options.WithFramework {
		res.Framework = im.framework()
	}
}

// checkDonor reports what keeps a donor's sums from being written as
// pledges, and says whether they can be.
func (im *importer) checkDonor(a *donorAcc, q []float64) bool {
	d := a.d
	who := fmt.Sprintf("%s (%s)", d.Party, d.Name)
	ok := true
	if d.ToBeAllocated < -sumTolerance {
		at := a.first[colToBeAllocated]
		var lines []string
		for _, r := range a.negTBA {
			lines = append(lines, strconv.Itoa(r.Start.Line))
		}
		if len(a.negTBA) > 0 {
			at = a.negTBA[0]
		}
		d.OverAllocated = -d.ToBeAllocated
		im.ds = im.ds.Append(diag.Warningf(at, CodeNegativeToBeAllocated,
			"%s: to_be_allocated sums to %s EUR bn over %d months (negative on %s): it allocated %s, more than the %s it committed; its pledges record the allocations, since nothing is delivered beyond what is pledged",
			who, num(d.ToBeAllocated), d.Months, listLines(lines), num(d.Allocated), num(d.Committed)))
	}
	for _, s := range []struct {
		what string
		col  int
		sum  float64
	}{{"military", colMilitary, d.Military}, {"financial + humanitarian", colFinancial, d.Financial + d.Humanitarian}} {
		if s.sum < -sumTolerance {
			im.ds = im.ds.Append(diag.Errorf(a.first[s.col], CodeNegativeSum,
				"%s: %s sums to %s EUR bn over %d months; its declaration is left out", who, s.what, num(s.sum), d.Months))
			ok = false
		}
	}
	if !ok {
		return false
	}
	// The pledges as written must give back the file's sums.
	if pledged := q[0] + q[1] + q[2]; math.Abs(pledged-(d.Committed+d.OverAllocated)) > sumTolerance {
		im.ds = im.ds.Append(diag.Errorf(a.first[colCommitments], CodeInconsistentTotals,
			"%s: its pledges would sum to %s EUR bn but its commitments sum to %s (off by %s); its declaration is left out",
			who, num(pledged), num(d.Committed), num(pledged-d.Committed)))
		ok = false
	}
	if delivered := q[0] + q[1]; math.Abs(delivered-d.Allocated) > sumTolerance {
		im.ds = im.ds.Append(diag.Errorf(a.first[colTotal], CodeInconsistentTotals,
			"%s: its deliveries would sum to %s EUR bn but its allocations (total) sum to %s (off by %s); its declaration is left out",
			who, num(delivered), num(d.Allocated), num(delivered-d.Allocated)))
		ok = false
	}
	return ok
}

func (im *importer) framework() *model.Framework {
	res := im.res
	fw := &model.Framework{
		ID:          res.Options.FrameworkID,
		Title:       "Kiel Ukraine Support Tracker donors (imported)",
		Beneficiary: "UA",
		Status:      "draft",
		Parties:     map[string]*model.Party{"UA": {Name: "Ukraine", Role: model.Beneficiary}},
		Note: "Written by backstop import kiel: every donor with a declaration is a guarantor; no requirements, triggers or responses. " +
			Citation + ".",
	}
	for _, d := range res.Donors {
		if !d.Declared {
			continue
		}
		if d.Party == "UA" {
			fw.Parties["UA"].Name = d.Name
			continue
		}
		fw.Parties[d.Party] = &model.Party{Name: d.Name, Role: model.Guarantor}
	}
	return fw
}

// WriteYAML writes the framework (with Options.WithFramework) and the
// declarations as backstop v1 YAML documents separated by ---; nothing
// when there is neither.
func (r *Result) WriteYAML(w io.Writer) error {
	var docs []*yaml.Node
	if r.Framework != nil {
		docs = append(docs, r.frameworkNode())
	}
	donors := map[string]*Donor{}
	for i := range r.Donors {
		donors[r.Donors[i].Party] = &r.Donors[i]
	}
	for _, decl := range r.Declarations {
		docs = append(docs, r.declarationNode(decl, donors[decl.Party]))
	}
	if len(docs) == 0 {
		return nil
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	for _, doc := range docs {
		if err := enc.Encode(doc); err != nil {
			return err
		}
	}
	return enc.Close()
}

func (r *Result) frameworkNode() *yaml.Node {
	fw := r.Framework
	parties := mapping()
	for _, id := range fw.PartyIDs() {
		p := mapping("name", str(fw.Parties[id].Name), "role", plain(string(fw.Parties[id].Role)))
		p.Style = yaml.FlowStyle
		parties.Content = append(parties.Content, partyID(id), p)
	}
	reqKey := str("requirements")
	reqKey.HeadComment = "No requirements: the tracker says what was pledged, not what is needed."
	doc := mapping(
		"backstop", plain(model.Version),
		"kind", plain(string(model.KindFramework)),
		"id", str(fw.ID), // a slug may read as null or true
		"title", str(fw.Title),
		"beneficiary", partyID(fw.Beneficiary),
		"status", plain(string(fw.Status)),
		"note", str(fw.Note),
		"parties", parties,
	)
	doc.Content = append(doc.Content, reqKey, &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle, Tag: "!!seq"})
	doc.Content[0].HeadComment = fmt.Sprintf("Minimal framework for the donors of %s (backstop import kiel --with-framework).", commentText(r.File))
	return doc
}

func (r *Result) declarationNode(decl *model.Declaration, d *Donor) *yaml.Node {
	pledges := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	if len(decl.Pledges) == 0 {
		pledges.Style = yaml.FlowStyle
	}
	for _, p := range decl.Pledges {
		pledges.Content = append(pledges.Content, mapping(
			"id", plain(p.ID),
			"layer", plain(strconv.Itoa(int(p.Layer))),
			"domain", plain(string(p.Domain)),
			"quantity", float(p.Quantity),
			"unit", plain(p.Unit.String()),
			"available", plain(p.Available.Date.String()),
			"requires", plain(string(p.Requires)),
			"approval", plain(string(p.Approval)),
			"delivered", float(p.Delivered),
			"note", str(p.Note),
		))
	}
	pledgesKey := str("pledges")
	pledgesKey.HeadComment = "Quantities must be positive: a pledge whose sum over the months is 0 is left out"
	if d != nil && len(d.Omitted) > 0 {
		pledgesKey.HeadComment += fmt.Sprintf(" (here: %s).", strings.Join(d.Omitted, ", "))
	} else {
		pledgesKey.HeadComment += " (none here)."
	}
	doc := mapping(
		"backstop", plain(model.Version),
		"kind", plain(string(model.KindDeclaration)),
		"framework", str(decl.Framework),
		"party", partyID(decl.Party),
		"date", plain(decl.Date.String()),
		"note", str(decl.Note),
	)
	doc.Content = append(doc.Content, pledgesKey, pledges)
	if d != nil {
		doc.Content[0].HeadComment = fmt.Sprintf("%s: %s (%s in %s), %s.\nΣ quantity = Σ commitments = %s EUR bn; Σ delivered = Σ total (allocated) = %s EUR bn.",
			d.Party, commentText(d.Name), d.Code, commentText(r.File), monthsCovered(d), num(d.Committed), num(d.Allocated))
	}
	return doc
}

func mapping(kv ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for i := 0; i+1 < len(kv); i += 2 {
		n.Content = append(n.Content, str(kv[i].(string)), kv[i+1].(*yaml.Node))
	}
	return n
}

// commentText escapes what a YAML comment cannot hold (control characters,
// line breaks such as U+2028, a BOM) the way Go does: \x10.
func commentText(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsPrint(r) {
			b.WriteRune(r)
		} else {
			b.WriteString(strings.Trim(strconv.QuoteRune(r), "'"))
		}
	}
	return b.String()
}

// str is a string of any content: the encoder quotes it as needed.
func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

// plain is a value the language reads in its own syntax (a slug, a date, a
// unit, an enum value, a layer), written unquoted.
func plain(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: s} }

// partyID writes a party id unquoted, except NO (Norway), ON, OFF, YES and
// the like, which YAML 1.1 tools read as booleans.
func partyID(id string) *yaml.Node {
	n := plain(id)
	switch strings.ToLower(id) {
	case "y", "n", "yes", "no", "on", "off", "true", "false":
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

func float(x float64) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: strconv.FormatFloat(x, 'f', -1, 64)}
}

// clean returns x without the noise of float addition (0.9117140000000001
// → 0.911714) when that moves it by at most 1e-12, and 0 for |x| ≤ 1e-9 (a
// sum that is 0 up to that noise).
func clean(x float64) float64 {
	if math.Abs(x) <= sumTolerance {
		return 0
	}
	if y, err := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 15, 64), 64); err == nil && math.Abs(y-x) <= 1e-12 {
		return y
	}
	return x
}

// num formats an amount for a message.
func num(x float64) string { return strconv.FormatFloat(clean(x), 'f', -1, 64) }

func monthsCovered(d *Donor) string {
	if d.Months == 1 {
		return "1 month, " + d.First.String()
	}
	return fmt.Sprintf("%d months from %s to %s", d.Months, d.First, d.Last)
}

// listLines names lines: "line 21", "lines 484, 491 and 496", at most ten.
func listLines(lines []string) string {
	if len(lines) == 1 {
		return "line " + lines[0]
	}
	if len(lines) > 10 {
		return fmt.Sprintf("lines %s and %d more", strings.Join(lines[:10], ", "), len(lines)-10)
	}
	return fmt.Sprintf("lines %s and %s", strings.Join(lines[:len(lines)-1], ", "), lines[len(lines)-1])
}
