package sim

import (
	"testing"

	"github.com/backstop-dev/backstop/internal/model"
)

// TestAssuranceBringsNoForce: a pledge that is only an assurance is a
// promise to talk; every other class of an otherwise equal pledge counts.
func TestAssuranceBringsNoForce(t *testing.T) {
	p := &Plan{Start: model.MustDate("2026-03-01")}
	pt := &model.Party{Role: model.Guarantor}
	sc := &model.Scenario{}
	for _, b := range append(model.Bindings, "") {
		pl := &model.Pledge{ID: "x", Layer: 2, Domain: model.Land, Quantity: 1000, Binding: b, Available: model.Availability{Now: true}}
		if got, want := p.counts(pl, pt, sc), b != model.Assurance; got != want {
			t.Errorf("binding %q: counts %v, want %v", b, got, want)
		}
	}
}
