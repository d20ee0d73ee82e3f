package watch

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
)

const (
	example       = "../../examples/ukraine-2025"
	incidentsFile = "../cli/testdata/incidents.jsonl"
)

// TestRunErrors checks that each way a monitoring can stop says which
// flag to fix and whether the fix is on the command line (Usage) or in
// the input.
func TestRunErrors(t *testing.T) {
	date := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	tests := []struct {
		name      string
		req       Request
		usage     bool
		diags     bool
		errSubstr string
	}{
		{"missing incidents", Request{Paths: []string{example}, Incidents: []string{"no/such.csv"}}, true, false, "--incidents no/such.csv: no such file or folder"},
		{"no framework documents", Request{Paths: []string{"no/such"}, Incidents: []string{incidentsFile}}, false, true, "nothing monitored"},
		{"unknown framework", Request{Paths: []string{example}, Framework: "nope", Incidents: []string{incidentsFile}}, true, false, "--framework ID"},
		{"period before ceasefire", Request{Paths: []string{example}, Incidents: []string{incidentsFile}, Until: date("2025-08-01")}, true, false, "before the framework is in force"},
		{"rules without rules", Request{Paths: []string{example}, Incidents: []string{incidentsFile}, Corroborate: incidentsFile}, false, true, ""},
		{"no oblasts file", Request{Paths: []string{example}, Incidents: []string{incidentsFile}, Oblasts: "no/such.geojson"}, true, false, "--oblasts"},
		{"territory without snapshots", Request{Paths: []string{example}, Incidents: []string{incidentsFile}, Territory: "../cli/testdata"}, true, false, "no snapshots"},
		{"follow without input", Request{Paths: []string{example}, Follow: true}, true, false, "--follow"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seen diag.Diagnostics
			_, err := Run(tt.req, Hooks{Diagnostics: func(ds diag.Diagnostics) { seen = append(seen, ds...) }})
			var we *Error
			if !errors.As(err, &we) {
				t.Fatalf("err = %v, want a *watch.Error", err)
			}
			if we.Usage != tt.usage || (len(we.Diagnostics) > 0) != tt.diags {
				t.Errorf("usage %v, %d diagnostics; want usage %v, diagnostics %v (%v)", we.Usage, len(we.Diagnostics), tt.usage, tt.diags, err)
			}
			if tt.errSubstr != "" && (we.Err == nil || !strings.Contains(we.Err.Error(), tt.errSubstr)) {
				t.Errorf("err = %v, want it to say %q", we.Err, tt.errSubstr)
			}
		})
	}
}

// TestRunBatch runs the README's small monitoring and checks that what
// the hooks saw and the result agree.
func TestRunBatch(t *testing.T) {
	files := 0
	res, err := Run(Request{Paths: []string{example}, Incidents: []string{incidentsFile}, Quiet: 72 * time.Hour},
		Hooks{FileRead: func(string, feeds.Summary) { files++ }})
	if err != nil {
		t.Fatal(err)
	}
	if files != 1 || res.Failed || len(res.Report.Episodes) == 0 || len(res.Evaluated) == 0 {
		t.Errorf("files %d, failed %v, %d breaches, %d evaluated", files, res.Failed, len(res.Report.Episodes), len(res.Evaluated))
	}
}
