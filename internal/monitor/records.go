package monitor

import (
	"cmp"
	"slices"

	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/record"
)

// Each party's record as a guarantor, from the account of a monitoring
// run (docs/record.md). It lives here, next to Account, so that the
// record's types (internal/record) stay below every view.

// account (Account); f may be nil, leaving names and roles empty.
func Records(r *Report, f *model.Framework) *record.Record {
	rec := &record.Record{FormatVersion: record.FormatVersion, Rule: record.Rule, Parties: []record.Party{}}
	if r == nil {
		return rec
	}
	rec.Framework = r.Framework
	if r.Account != nil {
		rec.AsOf = r.Account.AsOf
	}
	ts := partyTallies{f: f, by: map[string]*partyTally{}}
	if f != nil {
		for _, id := range f.PartiesWithRole(model.Guarantor) {
			ts.of(id)
		}
	}
	for _, e := range r.Episodes {
		ts.episode(e)
	}
	for _, c := range r.Commitments {
		t := ts.of(c.Party)
		t.Commitments = append(t.Commitments, record.Commitment{ID: c.ID, Title: c.Title, Status: c.Status,
			Since: c.Since, ViolatedBy: append([]string{}, c.ViolatedBy...)})
	}
	for _, t := range ts.by {
		rec.Parties = append(rec.Parties, t.party())
	}
	slices.SortFunc(rec.Parties, func(a, b record.Party) int { return cmp.Compare(a.Party, b.Party) })
	return rec
}

// partyTally is one party's record as the breaches are counted.
type partyTally struct {
	record.Party
	pledges   map[string]bool
	delivered map[string]float64
	ratios    []float64
}

// partyTallies are the parties' partyTallies, made as parties appear.
type partyTallies struct {
	f  *model.Framework
	by map[string]*partyTally
}

func (ts *partyTallies) of(id string) *partyTally {
	if t := ts.by[id]; t != nil {
		return t
	}
	t := &partyTally{Party: record.Party{Party: id, Delivered: []record.Delivery{}}, pledges: map[string]bool{}, delivered: map[string]float64{}}
	if ts.f != nil {
		if p := ts.f.Parties[id]; p != nil {
			t.Name, t.Role = p.Name, string(p.Role)
		}
	}
	ts.by[id] = t
	return t
}

// episode counts one breach: the pledges its responses activate (unless
// it was rejected as a false alarm) and each party's state on each.
func (ts *partyTallies) episode(e Episode) {
	rejected := e.Status == string(model.FalseAlarm)
	for _, d := range e.Responses {
		if !rejected {
			for _, p := range d.Pledges {
				ts.of(p.Party).pledges[p.Pledge] = true
			}
		}
		for _, pr := range d.Parties {
			t := ts.of(pr.Party)
			for _, x := range pr.Delivered {
				t.delivered[x.Pledge] += x.Quantity
			}
			if rejected || pr.State == StateNotDue {
				t.NotDue++
				continue
			}
			t.Due++
			switch pr.State {
			case StateOnTime:
				t.OnTime++
			case StateLate:
				t.Late++
			case StateDeclined:
				t.Declined++
			case StatePending:
				t.Pending++
			default: // overdue, or a state this package does not know
				t.Overdue++
			}
			if (pr.State == StateOnTime || pr.State == StateLate) && pr.At != nil {
				if ratio, ok := record.DelayRatio(e.Start, d.Due, *pr.At); ok {
					t.ratios = append(t.ratios, ratio)
				}
			}
		}
	}
}

// party is the finished record of one party: delivered quantities in
// pledge order, the share acted, the median delay, the score and grade.
func (t *partyTally) party() record.Party {
	p := t.Party
	p.PledgesActivated = len(t.pledges)
	for _, id := range sortedKeys(t.delivered) {
		p.Delivered = append(p.Delivered, record.Delivery{Pledge: id, Quantity: t.delivered[id]})
	}
	if n := p.OnTime + p.Late + p.Declined + p.Overdue; n > 0 {
		p.ActedShare = ptr(float64(p.OnTime+p.Late) / float64(n))
	}
	p.Samples = len(t.ratios)
	if m, ok := median(t.ratios); ok {
		p.MedianDelayRatio = ptr(m)
	}
	p.Grade = record.NoGrade
	if s, ok := record.Score(p); ok {
		p.Score, p.Grade = ptr(s), record.Grade(s)
	}
	return p
}

func median(xs []float64) (float64, bool) {
	if len(xs) == 0 {
		return 0, false
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2], true
	}
	return (s[n/2-1] + s[n/2]) / 2, true
}

func sortedKeys(m map[string]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func ptr(v float64) *float64 { return &v }
