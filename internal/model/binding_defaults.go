package model

// How binding a promise is when its document does not say (backstop
// addition, docs/language.md). The defaults live in DefaultBinding alone;
// every reader of a class asks EffectiveBinding.

// DefaultBinding is the class a response or a pledge has when its
// `binding` is not set:
//
//   - a response, by its mode: a consultation is an assurance (a promise
//     to talk, as the Budapest Memorandum's), a decision is discretionary
//     (each decides "such action as it deems necessary", as NATO's
//     Article 5), an automatic response is automatic (it snaps in, as
//     UNSCR 2231's snapback);
//   - a pledge that `requires` a vote not yet approved is conditional (it
//     waits on that vote); any other pledge is discretionary: a political
//     promise whose use is decided when the time comes.
//
// A commitment has no default: "" unless its document sets one. Any other
// value gives "".
func DefaultBinding(promise any) Binding {
	switch x := promise.(type) {
	case *Response:
		switch x.Mode {
		case Consultation:
			return Assurance
		case Decision:
			return Discretionary
		case Automatic:
			return SnapsIn
		}
		return Discretionary
	case *Pledge:
		if x.AwaitsVote() {
			return Conditional
		}
		return Discretionary
	}
	return ""
}

// AwaitsVote reports whether the pledge requires a vote that has not
// approved it (pending, not yet given, or rejected).
func (p *Pledge) AwaitsVote() bool {
	return p.NeedsSignOff() && p.Approval != Approved
}

// EffectiveBinding is the response's class: its `binding`, or the default
// by mode.
func (r *Response) EffectiveBinding() Binding {
	if r.Binding != "" {
		return r.Binding
	}
	return DefaultBinding(r)
}

// EffectiveBinding is the pledge's class: its `binding`, or the default
// from its sign-off.
func (p *Pledge) EffectiveBinding() Binding {
	if p.Binding != "" {
		return p.Binding
	}
	return DefaultBinding(p)
}
