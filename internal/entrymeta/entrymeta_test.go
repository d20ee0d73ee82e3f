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
