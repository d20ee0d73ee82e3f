package sim

import "fmt"

// Measured is one party's political behaviour as its record shows it
// (`backstop record`): the share of the responses due on which it acted,
// and the median ratio of the time it took to the time it had.
type Measured struct {
	Acted      float64
	DelayRatio float64
	Samples    int
}

// MinSamples is the fewest responses a record must hold before the
// simulation takes a party's behaviour from it instead of the scenario.
const MinSamples = 3

// PoliticsSource says where a party's behaviour in the runs came from.
type PoliticsSource struct {
	Party  string  `json:"party"`
	Decide float64 `json:"decide"`
	Delay  float64 `json:"delay"`
	Spread float64 `json:"spread"`
	// Source is "scenario", or "record (N responses)".
	Source string `json:"source"`
}

// UseMeasured takes each party's chance of deciding and its delay from
// its record where the record holds at least MinSamples responses; the
// others keep the scenario's (or the defaults). It returns where each
// party's behaviour came from, also kept for the Result.
func (p *Plan) UseMeasured(m map[string]Measured) []PoliticsSource {
	p.politics = p.politics[:0]
	for i := range p.parties {
		pt := &p.parties[i]
		src := "scenario"
		if r, ok := m[pt.id]; ok && r.Samples >= MinSamples {
			pt.decide = r.Acted
			if r.DelayRatio > 0 {
				pt.delay = r.DelayRatio
			}
			src = fmt.Sprintf("record (%d responses)", r.Samples)
		}
		p.politics = append(p.politics, PoliticsSource{Party: pt.id, Decide: pt.decide, Delay: pt.delay, Spread: pt.spread, Source: src})
	}
	return p.politics
}
