package load

import (
	"fmt"

	"github.com/backstop-dev/backstop/internal/model"
)

// checkBindings checks how binding the promises say they are (backstop
// addition, docs/language.md): a pledge cannot snap in before the vote it
// waits on (automatic-before-vote, an error), and a response's class
// should not contradict its mode (binding-mismatch, a warning): an
// automatic response that needs a decision, or a consultation or a
// decision said to snap in.
func checkBindings(v *validator) {
	for _, d := range v.set.Docs {
		switch {
		case d.Declaration != nil:
			for i := range d.Declaration.Pledges {
				p := &d.Declaration.Pledges[i]
				if p.Binding == model.SnapsIn && p.AwaitsVote() {
					v.errorf(d, fmt.Sprintf("pledges[%d].binding", i), "automatic-before-vote",
						"pledge %q is automatic but requires %s approval, which is %s: it cannot snap in before the vote; make it conditional, or record the approval",
						p.ID, p.Requires, approvalState(p.Approval))
				}
			}
		case d.Framework != nil && !v.again(d):
			for i := range d.Framework.Responses {
				r := &d.Framework.Responses[i]
				if r.Binding == "" || r.Mode == "" || (r.Mode == model.Automatic) == (r.Binding == model.SnapsIn) {
					continue
				}
				path := fmt.Sprintf("responses[%d].binding", i)
				if r.Mode == model.Automatic {
					v.warnf(d, path, "binding-mismatch",
						"response %q is automatic but its binding is %s: what snaps in needs no further decision; drop `binding` or change the mode", r.ID, r.Binding)
				} else {
					v.warnf(d, path, "binding-mismatch",
						"response %q is a %s but its binding is automatic: a %s waits on the guarantors, it does not snap in", r.ID, r.Mode, r.Mode)
				}
			}
		}
	}
}

// approvalState names a pledge's approval for a message.
func approvalState(a model.Approval) string {
	if a == "" {
		return "not yet given"
	}
	return string(a)
}
