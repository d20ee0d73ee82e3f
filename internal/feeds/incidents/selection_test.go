package incidents

import (
	"strings"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/model"
)

func TestSelection(t *testing.T) {
	at := func(id string, day int) model.Incident {
		return model.Incident{ID: id, Type: "strike", Time: model.Timestamp{Time: time.Date(2025, 9, day, 0, 0, 0, 0, time.UTC)},
			Fields: map[string]string{"headline": id}}
	}
	sel := Selection{From: time.Date(2025, 9, 2, 0, 0, 0, 0, time.UTC), Until: time.Date(2025, 9, 5, 0, 0, 0, 0, time.UTC), NoFields: true}
	kept, ds := sel.Add("a.jsonl", []model.Incident{at("late", 4), at("early", 1), at("mid", 3), at("end", 5)})
	if kept != 2 || len(ds) != 0 {
		t.Fatalf("a.jsonl: kept %d, %v; want 2, none", kept, ds)
	}
	var dups []model.Incident
	for range NamedDuplicates + 2 {
		dups = append(dups, at("mid", 3))
	}
	kept, ds = sel.Add("b.jsonl", append(dups, at("first", 2)))
	if kept != 1 || len(ds) != NamedDuplicates || sel.Duplicates() != NamedDuplicates+2 {
		t.Fatalf("b.jsonl: kept %d, %d warnings, %d duplicates", kept, len(ds), sel.Duplicates())
	}
	if got, want := ds[0].String(), "b.jsonl: warning: incident mid was read from a.jsonl already; kept once"; got != want {
		t.Errorf("warning %q, want %q", got, want)
	}
	var ids []string
	for _, inc := range sel.Incidents() {
		ids = append(ids, inc.ID)
		if inc.Fields != nil {
			t.Errorf("%s kept its fields with NoFields", inc.ID)
		}
	}
	if got := strings.Join(ids, " "); got != "first mid late" {
		t.Errorf("incidents %q, want them in time order: first mid late", got)
	}
}

func TestDocuments(t *testing.T) {
	var incs []model.Incident
	for i := range 5 {
		incs = append(incs, model.Incident{ID: string(rune('a' + i)), Type: "strike", Time: model.Timestamp{Time: time.Date(2025, 9, 1+i, 0, 0, 0, 0, time.UTC)}})
	}
	data, docs, err := Documents(incs, 2)
	if err != nil || docs != 3 || strings.Count(string(data), "---\n") != 2 {
		t.Fatalf("Documents: %d documents, %d separators, %v; want 3, 2", docs, strings.Count(string(data), "---\n"), err)
	}
	if data, docs, err := Documents(nil, 2); err != nil || docs != 0 || len(data) != 0 {
		t.Errorf("Documents(nil) = %q, %d, %v; want nothing", data, docs, err)
	}
}
