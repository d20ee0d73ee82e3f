package load

import (
	"fmt"

	"github.com/backstop-dev/backstop/internal/model"
)

// The adversary's commitments (backstop addition, docs/language.md): a
// Declaration's promises about the party's own conduct, each with a
// history of statuses, the last in force. Any party may declare them; a
// party that is neither a guarantor nor the beneficiary declares nothing
// else (checkReferences refuses its pledges).

// checkCommitments validates the commitments of every declaration: ids
// unique within it, a history that is not empty and in date order,
// nothing after `withdrawn`, a breach on a violation and on nothing else,
// and the breach's trigger a trigger of the framework.
func checkCommitments(v *validator) {
	for _, d := range v.set.Docs {
		decl := d.Declaration
		if decl == nil || len(decl.Commitments) == 0 {
			continue
		}
		v.checkUniqueIDs(d, "commitments", "commitment", len(decl.Commitments), func(i int) string { return decl.Commitments[i].ID })
		f := v.frameworkOf(decl.Framework) // nil: checkReferences reported it
		for i := range decl.Commitments {
			v.checkCommitment(d, f, fmt.Sprintf("commitments[%d]", i), &decl.Commitments[i])
		}
	}
}

func (v *validator) checkCommitment(d *Document, f *model.Framework, path string, c *model.Commitment) {
	if d.Failed(path) || d.Failed(path+".history") {
		return
	}
	if len(c.History) == 0 {
		if d.Node(path+".history") != nil {
			v.errorf(d, path+".history", "empty-history",
				"commitment %q: its history needs at least one status with its date (proposed, enacted, violated, withdrawn)", c.ID)
		}
		return
	}
	for j, e := range c.History {
		at := fmt.Sprintf("%s.history[%d]", path, j)
		if j > 0 {
			prev := c.History[j-1]
			if !e.Date.IsZero() && !prev.Date.IsZero() && e.Date.Before(prev.Date.Time) {
				v.errorf(d, at+".date", "history-order",
					"commitment %q: %s on %s comes before the %s of %s above it; list the history oldest first", c.ID, e.Status, e.Date, prev.Status, prev.Date)
			}
			if prev.Status == model.Withdrawn {
				v.errorf(d, at+".status", "after-withdrawn",
					"commitment %q was withdrawn on %s: nothing follows a withdrawal (declare a new commitment instead)", c.ID, prev.Date)
			}
		}
		if d.Failed(at + ".status") {
			continue
		}
		switch {
		case e.Status == model.Violated && e.Breach == nil:
			v.errorf(d, at+".status", "violation-without-breach",
				"commitment %q: a violation names the breach that violated it: add `breach` with its `id` (B-…, as `backstop monitor` prints it) or its `trigger` and `incidents` or `map_date`", c.ID)
		case e.Status != model.Violated && e.Breach != nil:
			v.keyErrorf(d, at+".breach", "breach-without-violation",
				"commitment %q: status %s names no breach (only a violation does): remove `breach` or make the status violated", c.ID, e.Status)
		case e.Breach != nil && f != nil:
			v.checkBreachAt(d, f, at+".breach", *e.Breach)
		}
	}
}

// checkAcceptedOptions checks that the territorial options a declaration
// accepts are options of its framework among the loaded documents. With
// no option loaded at all (a declaration validated alone) it says nothing:
// the server validates a declaration next to its framework only.
func checkAcceptedOptions(v *validator) {
	ids := map[string]map[string]bool{}
	for _, o := range v.set.Options() {
		if ids[o.Framework] == nil {
			ids[o.Framework] = map[string]bool{}
		}
		ids[o.Framework][o.ID] = true
	}
	if len(ids) == 0 {
		return
	}
	for _, d := range v.set.Docs {
		decl := d.Declaration
		if decl == nil {
			continue
		}
		for i, id := range decl.AcceptsOptions {
			if !ids[decl.Framework][id] {
				v.errorf(d, fmt.Sprintf("accepts_options[%d]", i), "unknown-reference",
					"%s accepts territorial option %q, which is not an option of framework %s among the loaded documents", decl.Party, id, decl.Framework)
			}
		}
	}
}
