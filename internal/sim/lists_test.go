package sim

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestListsNeverNull: every list of a Result is [] in JSON when it is
// empty, never null, with or without the analysis, for a scenario in which
// the guarantors bring no force (the bundled layer 1 alone) and for one in
// which they do. The dashboard draws the lists without guarding each.
func TestListsNeverNull(t *testing.T) {
	const dir = "../../examples/ukraine-2025/"
	for _, s := range []string{"a-layer1", "b-reassurance"} {
		p := loadPlan(t, dir+"scenario-"+s+".yaml", dir+"framework.yaml", dir+"declarations")
		for _, analysis := range []bool{false, true} {
			r := Simulate(p, Options{Runs: 200, AnalysisRuns: 100, Workers: 2, Analysis: analysis})
			b, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			var fields map[string]any
			if err := json.Unmarshal(b, &fields); err != nil {
				t.Fatal(err)
			}
			rt := reflect.TypeOf(*r)
			for i := range rt.NumField() {
				f := rt.Field(i)
				if f.Type.Kind() != reflect.Slice {
					continue
				}
				name := f.Tag.Get("json")
				if v, ok := fields[name]; !ok || v == nil {
					t.Errorf("%s (analysis %v): %q is %v in JSON, want a list", s, analysis, name, v)
				}
			}
			if s == "a-layer1" && len(r.InPlace) != 0 {
				t.Errorf("%s: %d groups in place, want none (the scenario has no guarantor force)", s, len(r.InPlace))
			}
		}
	}
}
