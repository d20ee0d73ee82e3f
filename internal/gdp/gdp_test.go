package gdp_test

import (
	"errors"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/gdp"
)

const realFile = "../../../shared/data/gdp-worldbank/gdp.csv"

func readRealFile(t *testing.T) *gdp.Table {
	t.Helper()
	f, err := os.Open(realFile)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s not found: the World Bank GDP data set (shared/data/gdp-worldbank) is not checked out beside the repository", realFile)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tab, ds := gdp.Read(realFile, f)
	for _, d := range ds {
		t.Errorf("unexpected diagnostic: %s", d)
	}
	return tab
}

// TestRealFile reads the World Bank file of shared/data. The expected
// values were read from the file with
//
//	grep -E ',(USA|GBR|FRA|DEU|UKR|EUU),2023,' gdp.csv
//
// and are compared to 6 significant digits, in billions of US dollars.
func TestRealFile(t *testing.T) {
	tab := readRealFile(t)
	if got := tab.LatestYear(); got != 2023 {
		t.Errorf("LatestYear() = %d, want 2023", got)
	}
	if got := len(tab.Codes()); got != 262 {
		t.Errorf("%d codes, want 262 (SOURCE.md)", got)
	}
	for _, tc := range []struct {
		party string
		want  string // 6 significant digits, USD bn
	}{
		{"US", "27360.9"}, // United States,USA,2023,27360935000000.0
		{"GB", "3340.03"}, // United Kingdom,GBR,2023,3340032380668.0356
		{"FR", "3030.9"},  // France,FRA,2023,3030904089607.8965
		{"DE", "4456.08"}, // Germany,DEU,2023,4456081016705.961
		{"UA", "178.757"}, // Ukraine,UKR,2023,178757021386.80896
		{"EU", "18349.4"}, // European Union,EUU,2023,18349388450765.61
	} {
		t.Run(tc.party, func(t *testing.T) {
			v, year, ok := tab.Latest(tc.party)
			if !ok || year != 2023 {
				t.Fatalf("Latest(%q) = %v, %d, %v; want a 2023 value", tc.party, v, year, ok)
			}
			if got := strconv.FormatFloat(v, 'g', 6, 64); got != tc.want {
				t.Errorf("Latest(%q) = %s (%v), want %s", tc.party, got, v, tc.want)
			}
		})
	}
	for _, party := range []string{"TW", "XX", "USA", ""} {
		// Taiwan is not in the World Bank's data; USA is a code, not a party id.
		if v, year, ok := tab.Latest(party); ok {
			t.Errorf("Latest(%q) = %v, %d, true; want no value", party, v, year)
		}
	}
	if got, want := tab.Source(), "gdp.csv (World Bank NY.GDP.MKTP.CD), latest year per party"; got != want {
		t.Errorf("Source() = %q, want %q", got, want)
	}
}

// TestLatestPerParty checks that the latest year is the party's own, not
// the file's, and that EU is found under the World Bank's EUU.
func TestLatestPerParty(t *testing.T) {
	const in = "Country Name,Country Code,Year,Value\r\n" +
		"Ukraine,UKR,2021,199765859571.5\r\n" +
		"Ukraine,UKR,2022,161990000000\r\n" +
		"Eritrea,ERI,2011,2065001626.0\r\n" +
		"European Union,EUU,2023,18349388450765.61\r\n"
	tab, ds := gdp.Read("t.csv", strings.NewReader(in))
	if len(ds) != 0 {
		t.Fatalf("diagnostics: %v", ds)
	}
	for _, tc := range []struct {
		party string
		usd   float64
		year  int
	}{
		{"UA", 161990000000, 2022},
		{"ER", 2065001626.0, 2011},
		{"EU", 18349388450765.61, 2023},
	} {
		v, year, ok := tab.Latest(tc.party)
		if want := tc.usd / 1e9; !ok || year != tc.year || v != want {
			t.Errorf("Latest(%q) = %v, %d, %v; want %v, %d, true", tc.party, v, year, ok, want, tc.year)
		}
	}
	if tab.LatestYear() != 2023 {
		t.Errorf("LatestYear() = %d, want 2023", tab.LatestYear())
	}
}

// malformed are inputs with bad rows and the exact diagnostics they give;
// want lists what is still read from the good rows.
var malformed = []struct {
	name  string
	in    string
	diags []string
	codes []string // the codes read
}{
	{
		name: "short row",
		in:   "Country Name,Country Code,Year,Value\r\nFrance,FRA,2023\r\nGermany,DEU,2023,4456081016705.961\r\n",
		diags: []string{
			"t.csv:2:1: error: row has 3 fields, the header 4; row skipped",
		},
		codes: []string{"DEU"},
	},
	{
		name: "long row",
		in:   "Country Name,Country Code,Year,Value\nFrance,FRA,2023,3030904089607.8965,extra\nGermany,DEU,2023,4456081016705.961\n",
		diags: []string{
			"t.csv:2:36: error: row has 5 fields, the header 4; row skipped",
		},
		codes: []string{"DEU"},
	},
	{
		name: "bad number",
		in: "Country Name,Country Code,Year,Value\r\n" +
			"France,FRA,2023,3.0e12x\r\n" +
			"\"Korea, Rep.\",KOR,2023,NA\r\n" +
			"Côte d'Ivoire,CIV,2023,\r\n" +
			"Chad,TCD,2023,-1\r\n" +
			"Peru,PER,2023,NaN\r\n" +
			"Germany,DEU,2023,4456081016705.961\r\n",
		diags: []string{
			`t.csv:2:17: error: Value "3.0e12x" is not a number of US dollars (such as 27360935000000.0); row skipped`,
			`t.csv:3:24: error: Value "NA" is not a number of US dollars (such as 27360935000000.0); row skipped`,
			`t.csv:4:24: error: Value "" is not a number of US dollars (such as 27360935000000.0); row skipped`, // a character column: ô is two bytes
			`t.csv:5:15: error: Value "-1" is not a number of US dollars (such as 27360935000000.0); row skipped`,
			`t.csv:6:15: error: Value "NaN" is not a number of US dollars (such as 27360935000000.0); row skipped`,
		},
		codes: []string{"DEU"},
	},
	{
		name: "bad year",
		in: "Country Name,Country Code,Year,Value\r\n" +
			"France,FRA,20x3,3030904089607.8965\r\n" +
			"France,FRA,2023.0,3030904089607.8965\r\n" +
			"France,FRA,,3030904089607.8965\r\n" +
			"France,FRA, 2023,3030904089607.8965\r\n" +
			"France,FRA,2023,3030904089607.8965\r\n",
		diags: []string{
			`t.csv:2:12: error: Year "20x3" is not a year (a whole number such as 2023); row skipped`,
			`t.csv:3:12: error: Year "2023.0" is not a year (a whole number such as 2023); row skipped`,
			`t.csv:4:12: error: Year "" is not a year (a whole number such as 2023); row skipped`,
			`t.csv:5:12: error: Year " 2023" is not a year (a whole number such as 2023); row skipped`,
		},
		codes: []string{"FRA"},
	},
	{
		name: "bad year and value in one row",
		in:   "Country Name,Country Code,Year,Value\nFrance,,year,value\n",
		diags: []string{
			`t.csv:2:8: error: empty Country Code; row skipped`,
			`t.csv:2:9: error: Year "year" is not a year (a whole number such as 2023); row skipped`,
			`t.csv:2:14: error: Value "value" is not a number of US dollars (such as 27360935000000.0); row skipped`,
		},
	},
	{
		name: "missing column in header",
		in:   "Country Name,Country Code,Year\r\nFrance,FRA,2023\r\n",
		diags: []string{
			"t.csv:1:1: error: the header has no Value column; expected Country Name,Country Code,Year,Value",
		},
	},
	{
		name: "column twice in header",
		in:   "Country Code,Year,Value,year\r\nFRA,2023,1,2024\r\n",
		diags: []string{
			"t.csv:1:1: error: the header has the column Year twice",
		},
	},
	{
		name:  "empty file",
		in:    "",
		diags: []string{"t.csv:1:1: error: empty file; expected the header Country Name,Country Code,Year,Value"},
	},
	{
		name: "stray quote",
		in:   "Country Name,Country Code,Year,Value\nKorea, \"Rep.\",KOR,2023,1\nFrance,FRA,2023,3030904089607.8965\n",
		diags: []string{
			`t.csv:2:8: error: CSV syntax: bare " in non-quoted-field; row skipped`,
		},
		codes: []string{"FRA"},
	},
	{
		name: "duplicate row",
		in:   "Country Name,Country Code,Year,Value\nFrance,FRA,2023,1\nFrance,FRA,2022,1\nFrance,FRA,2023,2\n",
		diags: []string{
			`t.csv:4:12: error: FRA 2023 given twice (first on line 2); this row is skipped`,
		},
		codes: []string{"FRA"},
	},
}

func TestMalformed(t *testing.T) {
	for _, tc := range malformed {
		t.Run(tc.name, func(t *testing.T) {
			tab, ds := gdp.Read("t.csv", strings.NewReader(tc.in))
			got := diagStrings(ds)
			if !slices.Equal(got, tc.diags) {
				t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.diags, "\n"))
			}
			if codes := tab.Codes(); !slices.Equal(codes, tc.codes) {
				t.Errorf("codes read = %q, want %q", codes, tc.codes)
			}
		})
	}
}

// TestDuplicateKeepsFirst checks which of two rows for one year counts.
func TestDuplicateKeepsFirst(t *testing.T) {
	tab, _ := gdp.Read("t.csv", strings.NewReader("Country Code,Year,Value\nFRA,2023,1e9\nFRA,2023,2e9\n"))
	if v, _, _ := tab.Latest("FR"); v != 1 {
		t.Errorf("Latest(FR) = %v, want 1 (the first row)", v)
	}
}

// TestFormat checks what the file's format allows: CRLF line ends, a quoted
// name with a comma, columns found by name in any order and case, a BOM, and
// a last line with no line end.
func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		party    string
		usd      float64
	}{
		{"CRLF", "Country Name,Country Code,Year,Value\r\nFrance,FRA,2023,3030904089607.8965\r\n", "FR", 3030904089607.8965},
		{"quoted comma", "Country Name,Country Code,Year,Value\r\n\"Korea, Rep.\",KOR,2023,1712792854202.4\r\n", "KR", 1712792854202.4},
		{"order and case", " value ,YEAR,country code\n1e12,2020,TWN\n", "TW", 1e12},
		{"BOM", "\ufeffCountry Code,Year,Value\nGBR,2023,3340032380668.0356", "GB", 3340032380668.0356},
		{"LF", "Country Name,Country Code,Year,Value\nEuropean Union,EUU,2023,18349388450765.61\n", "EU", 18349388450765.61},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab, ds := gdp.Read("t.csv", strings.NewReader(tc.in))
			if len(ds) != 0 {
				t.Fatalf("diagnostics: %v", ds)
			}
			if v, _, ok := tab.Latest(tc.party); !ok || v != tc.usd/1e9 {
				t.Errorf("Latest(%q) = %v, %v; want %v", tc.party, v, ok, tc.usd/1e9)
			}
		})
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestReadError(t *testing.T) {
	_, ds := gdp.Read("t.csv", failingReader{})
	if got := diagStrings(ds); !slices.Equal(got, []string{"t.csv: error: reading: disk on fire"}) || ds[0].Code != gdp.CodeIO {
		t.Errorf("diagnostics = %q (code %q)", got, ds[0].Code)
	}
}

func diagStrings(ds diag.Diagnostics) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.String())
	}
	return out
}

// first50 is the first 50 lines of shared/data/gdp-worldbank/gdp.csv
// (datahub.io's copy of the World Bank's NY.GDP.MKTP.CD, ODC-PDDL-1.0: public
// domain), with its CRLF line ends.
const first50 = "" +
	"Country Name,Country Code,Year,Value\r\n" +
	"Afghanistan,AFG,2000,3521418059.923445\r\n" +
	"Afghanistan,AFG,2001,2813571753.8725324\r\n" +
	"Afghanistan,AFG,2002,3825701438.9996333\r\n" +
	"Afghanistan,AFG,2003,4520946818.545814\r\n" +
	"Afghanistan,AFG,2004,5224896718.67782\r\n" +
	"Afghanistan,AFG,2005,6203256538.709669\r\n" +
	"Afghanistan,AFG,2006,6971758282.293506\r\n" +
	"Afghanistan,AFG,2007,9747886187.393929\r\n" +
	"Afghanistan,AFG,2008,10109297047.543194\r\n" +
	"Afghanistan,AFG,2009,12416152732.056717\r\n" +
	"Afghanistan,AFG,2010,15856668555.833595\r\n" +
	"Afghanistan,AFG,2011,17805098206.314083\r\n" +
	"Afghanistan,AFG,2012,19907329777.587166\r\n" +
	"Afghanistan,AFG,2013,20146416757.598675\r\n" +
	"Afghanistan,AFG,2014,20497128555.69723\r\n" +
	"Afghanistan,AFG,2015,19134221644.732494\r\n" +
	"Afghanistan,AFG,2016,18116572395.077213\r\n" +
	"Afghanistan,AFG,2017,18753456497.815865\r\n" +
	"Afghanistan,AFG,2018,18053222687.412624\r\n" +
	"Afghanistan,AFG,2019,18799444490.11278\r\n" +
	"Afghanistan,AFG,2020,19955929052.149597\r\n" +
	"Afghanistan,AFG,2021,14266499429.874573\r\n" +
	"Afghanistan,AFG,2022,14502158192.090395\r\n" +
	"Africa Eastern and Southern,AFE,1960,21216962289.557568\r\n" +
	"Africa Eastern and Southern,AFE,1961,22307471355.677887\r\n" +
	"Africa Eastern and Southern,AFE,1962,23702472100.00225\r\n" +
	"Africa Eastern and Southern,AFE,1963,25779376632.721806\r\n" +
	"Africa Eastern and Southern,AFE,1964,28049537324.857388\r\n" +
	"Africa Eastern and Southern,AFE,1965,30374910059.50781\r\n" +
	"Africa Eastern and Southern,AFE,1966,33049155473.49756\r\n" +
	"Africa Eastern and Southern,AFE,1967,35933757401.763115\r\n" +
	"Africa Eastern and Southern,AFE,1968,38749864977.02208\r\n" +
	"Africa Eastern and Southern,AFE,1969,42964345101.172485\r\n" +
	"Africa Eastern and Southern,AFE,1970,43702318276.33526\r\n" +
	"Africa Eastern and Southern,AFE,1971,47632993912.839836\r\n" +
	"Africa Eastern and Southern,AFE,1972,51627511756.53952\r\n" +
	"Africa Eastern and Southern,AFE,1973,66610917871.45372\r\n" +
	"Africa Eastern and Southern,AFE,1974,81658052383.2557\r\n" +
	"Africa Eastern and Southern,AFE,1975,86883552689.31955\r\n" +
	"Africa Eastern and Southern,AFE,1976,88290755580.51631\r\n" +
	"Africa Eastern and Southern,AFE,1977,98868135189.60689\r\n" +
	"Africa Eastern and Southern,AFE,1978,110802408134.92651\r\n" +
	"Africa Eastern and Southern,AFE,1979,129780974539.91113\r\n" +
	"Africa Eastern and Southern,AFE,1980,168165164238.41312\r\n" +
	"Africa Eastern and Southern,AFE,1981,177750099368.1483\r\n" +
	"Africa Eastern and Southern,AFE,1982,169302766914.39493\r\n" +
	"Africa Eastern and Southern,AFE,1983,179897833535.12735\r\n" +
	"Africa Eastern and Southern,AFE,1984,166208098815.07916\r\n" +
	"Africa Eastern and Southern,AFE,1985,143249519478.30722\r\n"

// FuzzRead feeds arbitrary input to Read, seeded with the start of the real
// file and the malformed cases. Whatever the input, Read must not panic,
// every diagnostic must point inside the input, and every value read must be
// a finite, non-negative number of a year between 1 and 9999.
func FuzzRead(f *testing.F) {
	f.Add(first50)
	for _, tc := range malformed {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		tab, ds := gdp.Read("f.csv", strings.NewReader(in))
		lines := strings.Count(in, "\n") + 1
		for _, d := range ds {
			p := d.Range.Start
			if d.Range.File != "f.csv" || p.Line < 1 || p.Line > lines || p.Column < 1 || p.Byte < 0 || p.Byte > len(in) {
				t.Errorf("diagnostic outside the input: %s (%+v)", d, d.Range)
			}
			if d.Severity != diag.Error || d.Code == "" {
				t.Errorf("diagnostic without severity or code: %+v", d)
			}
		}
		if tab == nil {
			t.Fatal("nil Table")
		}
		for _, code := range tab.Codes() {
			if code == "" {
				t.Error("empty code read")
			}
		}
		for _, party := range []string{"US", "UA", "EU", "AF"} {
			v, year, ok := tab.Latest(party)
			if ok && (v < 0 || v != v || v > 1e300 || year < 1 || year > 9999 || year > tab.LatestYear()) {
				t.Errorf("Latest(%q) = %v, %d", party, v, year)
			}
		}
	})
}
