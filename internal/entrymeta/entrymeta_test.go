package entrymeta

import (
	"strings"
	"testing"
)

const declaration = `kind: Declaration
backstop: v1
framework: fw
party: GB
date: 2025-09-15
revision: 2
pledges: []
`

func TestFromText(t *testing.T) {
	m, err := FromText([]byte(declaration))
	if err != nil {
		t.Fatal(err)
	}
	if m.Kind != "Declaration" || m.Framework != "fw" || m.Subject != "GB" || m.Date != "2025-09-15" || m.Revision != 2 {
		t.Fatalf("Meta = %+v", m)
	}
	if cs := m.Compare("Declaration", "fw", "GB", "2025-09-15", 2); len(cs) != 0 {
		t.Errorf("the stored columns as derived differ: %v", cs)
	}
	cs := m.Compare("Declaration", "fw", "GB", "2025-12-31", 9)
	if len(cs) != 2 || cs[0].Name != "date" || cs[1].Name != "revision" || !strings.Contains(cs[0].String(), `"2025-12-31" in the log but "2025-09-15" in the document`) {
		t.Errorf("Compare = %v", cs)
	}
	if _, err := FromText([]byte("kind: Declaration\n---\nkind: Declaration\n")); err == nil {
		t.Error("two documents give a Meta")
	}
}

func TestFindingAndAction(t *testing.T) {
	for _, c := range []struct {
		text                string
		kind, subject, date string
	}{
		{"backstop: v1\nkind: Finding\nid: f\nframework: fw\nparty: MON\ndate: 2025-09-16T01:00:00+02:00\n" +
			"breach: {trigger: strike, incidents: [i-1]}\nstatus: verified\n", "Finding", "strike", "2025-09-15"},
		{"backstop: v1\nkind: Finding\nid: f\nframework: fw\nparty: MON\ndate: 2025-09-15\n" +
			"breach: {id: B-3f09a1c2d4}\nstatus: rejected\n", "Finding", "B-3f09a1c2d4", "2025-09-15"},
		{"backstop: v1\nkind: Action\nid: a\nframework: fw\nparty: GB\ndate: 2025-09-16\n" +
			"breach: {id: B-3f09a1c2d4}\nresponse: consult\naction: declined\n", "Action", "B-3f09a1c2d4", "2025-09-16"},
	} {
		m, err := FromText([]byte(c.text))
		if err != nil {
			t.Fatal(err)
		}
		if m.Kind != c.kind || m.Framework != "fw" || m.Subject != c.subject || m.Date != c.date || m.Revision != 0 {
			t.Errorf("Meta = %+v, want %s %s %s", m, c.kind, c.subject, c.date)
		}
		if cs := m.Compare(c.kind, "fw", c.subject, c.date, 0); len(cs) != 0 {
			t.Errorf("the stored columns as derived differ: %v", cs)
		}
	}
}
