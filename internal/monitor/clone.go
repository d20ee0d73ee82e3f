package monitor

import (
	"context"
	"slices"
)

// Clone returns a monitor that has seen every event m has, and goes on
// from there on its own: events added to one do not reach the other, and
// finishing one does not change the other. The clone's runs are bounded
// by ctx (nil: not bounded), whatever bounded m.
//
// A clone is built by New, so that its triggers' window functions are its
// own (the engine calls back into the monitor that built it), and then
// given a deep copy of m's per-event state. Incremental keeps a monitor of
// the settled past and finishes a clone of it with the latest incidents.
func (m *Monitor) Clone(ctx context.Context) (*Monitor, error) {
	opts := m.opts
	opts.Context = ctx
	c, err := New(m.set, m.f.ID, opts)
	if err != nil {
		return nil, err
	}
	// The buffered incidents and their CEL values are never changed once
	// stored: the clone shares them, in slices of its own.
	c.buffer = slices.Clone(m.buffer[m.head:])
	c.values = slices.Clone(m.values[m.head:])
	for i, sc := range m.counters {
		c.counters[i].q = sc.q.clone()
	}
	for i, ss := range m.sums {
		c.sums[i].q = ss.q.clone()
		c.sums[i].total = ss.total
	}
	c.added = m.added
	c.report = m.report.clone()
	// New made the same triggers in the same order: the clone's i-th is
	// m's.
	for i := range m.triggers {
		for kind, ep := range m.triggers[i].open {
			if ep != nil {
				cp := ep.clone()
				c.triggers[i].open[kind] = &cp
			}
		}
	}
	for id, n := range m.counts {
		cp := *n
		c.counts[id] = &cp
	}
	c.weekly = make(map[[2]string]*WeekCount, len(m.weekly))
	for k, w := range m.weekly {
		cp := *w
		c.weekly[k] = &cp
	}
	c.last, c.lastSeen, c.to, c.toSeen = m.last, m.lastSeen, m.to, m.toSeen
	c.weekFrom, c.weekUntil, c.weekKey = m.weekFrom, m.weekUntil, m.weekKey
	return c, nil
}

// clone copies the live part of a queue.
func (q *timed[T]) clone() timed[T] {
	return timed[T]{times: slices.Clone(q.times[q.head:]), vals: slices.Clone(q.vals[q.head:])}
}

// clone copies a report as far as Finish and Account change it: its
// lists, and each breach's own lists.
func (r Report) clone() Report {
	c := r
	c.Inputs = slices.Clone(r.Inputs)
	c.Triggers = slices.Clone(r.Triggers)
	c.Weekly = slices.Clone(r.Weekly)
	c.Commitments = slices.Clone(r.Commitments)
	c.Episodes = make([]Episode, len(r.Episodes), cap(r.Episodes))
	for i := range r.Episodes {
		c.Episodes[i] = r.Episodes[i].clone()
	}
	if r.Account != nil {
		a := *r.Account
		c.Account = &a
	}
	return c
}

// clone copies a breach with its lists: an open breach grows (record), and
// Account fills in the responses' states.
func (ep *Episode) clone() Episode {
	c := *ep
	c.Incidents = slices.Clone(ep.Incidents)
	c.Sources = slices.Clone(ep.Sources)
	c.Days = slices.Clone(ep.Days)
	c.Violates = slices.Clone(ep.Violates)
	c.referenced = slices.Clone(ep.referenced)
	c.Responses = make([]ResponseDue, len(ep.Responses))
	for i, r := range ep.Responses {
		r.Pledges = slices.Clone(r.Pledges)
		r.Parties = slices.Clone(r.Parties)
		c.Responses[i] = r
	}
	return c
}
