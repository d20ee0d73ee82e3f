package cli

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/model"
)

// TestSeveralValues: --incidents takes several data files after it, and
// leaves a framework folder or another flag where they are.
func TestSeveralValues(t *testing.T) {
	for _, tt := range []struct{ in, want []string }{
		{[]string{"fw", "--incidents", "a.csv", "b.jsonl", "c.csv.gz"}, []string{"fw", "--incidents", "a.csv", "--incidents", "b.jsonl", "--incidents", "c.csv.gz"}},
		{[]string{"--incidents", "a.csv", "examples/ukraine-2025"}, []string{"--incidents", "a.csv", "examples/ukraine-2025"}},
		{[]string{"--incidents", "dir", "b.csv", "--format", "json"}, []string{"--incidents", "dir", "--incidents", "b.csv", "--format", "json"}},
		{[]string{"--incidents=a.csv", "b.csv"}, []string{"--incidents=a.csv", "b.csv"}},
		{[]string{"--territory", "a.csv", "b.csv"}, []string{"--territory", "a.csv", "b.csv"}},
		{[]string{"--incidents"}, []string{"--incidents"}},
	} {
		if got := severalValues(tt.in, "incidents"); !slices.Equal(got, tt.want) {
			t.Errorf("severalValues(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestIncidentsFromStdin: `--incidents -` reads standard input, for
// monitor, corroborate and import incidents alike.
func TestIncidentsFromStdin(t *testing.T) {
	t.Chdir("../..")
	const line = `{"id": "s-1", "time": "2025-09-14T03:10:00Z", "type": "missile_strike", "admin1": "UA-30", "source": "monitor"}` + "\n"
	for _, args := range [][]string{
		{"monitor", "examples/ukraine-2025", "--incidents", "-", "--format", "json"},
		{"import", "incidents", "-"},
		{"record", "examples/ukraine-2025", "--incidents", "-", "--format", "json"},
		{"corroborate", "--rules", "examples/corroboration/firms-ground.yaml", "--incidents", "-", "--format", "json"},
	} {
		var out, errOut bytes.Buffer
		if exit := Main(args, strings.NewReader(line), &out, &errOut); exit != ExitOK {
			t.Errorf("%v: exit %d: %s", args, exit, errOut.String())
			continue
		}
		if !strings.Contains(out.String(), "s-1") && !strings.Contains(errOut.String(), "-: jsonl, 1 rows") {
			t.Errorf("%v: standard input was not read:\n%s%s", args, out.String(), errOut.String())
		}
	}
}

func TestParseDay(t *testing.T) {
	cases := []struct {
		in, want string // want "" for an error
	}{
		{"2025-09-01", "2025-09-01"},
		{"2025-09-01T12:00:00Z", "2025-09-01"},
		{"2025-09-01T01:30:00+03:00", "2025-08-31"}, // its day in UTC
		{"2025-09-01T23:30:00-02:00", "2025-09-02"},
		{"2026-02-30", ""},
		{"1 Sep 2025", ""},
		{"", ""},
	}
	for _, tc := range cases {
		d, err := parseDay(tc.in)
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("parseDay(%q) = %s, want an error", tc.in, d)
		case tc.want != "" && (err != nil || d.String() != tc.want):
			t.Errorf("parseDay(%q) = %s, %v; want %s", tc.in, d, err, tc.want)
		}
	}
}

// FuzzCommandLineValues: the readers of command-line values never panic,
// a day they accept prints back as a date, and takeQuiet keeps every
// argument but the ones it takes.
func FuzzCommandLineValues(f *testing.F) {
	for _, s := range []string{"2025-09-01", "2025-09-01T01:30:00+03:00", "--quiet", "72h", "-q", "--quiet=1h", "--", "9999-12-31T23:59:59-23:59"} {
		f.Add(s, "monitor")
	}
	f.Fuzz(func(t *testing.T, value, cmd string) {
		if d, err := parseDay(value); err == nil {
			if _, err := model.ParseDate(d.String()); err != nil {
				t.Fatalf("parseDay(%q) = %s, which does not read back: %v", value, d, err)
			}
		}
		_, _ = parseInstant(value)
		args := []string{value, "--quiet", value}
		var s Streams
		s.Err = io.Discard
		out := takeQuiet(cmd, args, &s)
		if cmd == "monitor" {
			return // it may rewrite --quiet DURATION
		}
		var want []string
		wantQuiet := false
		for i, a := range args {
			if a == "--" {
				want = append(want, args[i:]...)
				break
			}
			if name := strings.TrimLeft(a, "-"); !strings.HasPrefix(a, "-") || (name != "quiet" && name != "q") {
				want = append(want, a)
			} else {
				wantQuiet = true
			}
		}
		if !slices.Equal(out, want) || s.quiet != wantQuiet {
			t.Fatalf("takeQuiet(%q, %q) = %q, quiet %v; want %q, quiet %v", cmd, args, out, s.quiet, want, wantQuiet)
		}
	})
}
