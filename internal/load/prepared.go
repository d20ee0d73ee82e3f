package load

import (
	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/expr"
)

// Prepared is a framework document decoded and validated once, next to
// which other documents are then loaded and validated without decoding
// the framework again or re-running the rules that concern only it. The
// server validates every submission next to the framework in force:
// decoding the framework and checking its own rules was most of a
// submission's check, and its answer never changes for one version.
//
// A Prepared is read only once made: any number of goroutines may load
// documents next to it at once.
type Prepared struct {
	doc      *Document
	exprs    map[exprKey]*expr.Expression
	diags    diag.Diagnostics
	partyIDs []string // the framework's, sorted
}

// Prepare decodes and validates a parsed framework file alone. It returns
// nil when the file is not exactly one Framework document (then there is
// nothing to prepare, and callers load it with Files).
func Prepare(p *Parsed) *Prepared {
	if len(p.roots) != 1 || p.roots[0] == nil {
		return nil
	}
	set, ds := Files(p)
	if len(set.Docs) != 1 || set.Docs[0].Framework == nil {
		return nil
	}
	fw := set.Docs[0].Framework
	return &Prepared{doc: set.Docs[0], exprs: set.exprs, diags: ds, partyIDs: fw.PartyIDs()}
}

// Prepared returns the file prepared as a framework (Prepare), once for
// the life of the Parsed however many callers ask, or nil when it is not
// one Framework document. The server keeps a framework's parse for each
// version of it, so this decodes each version once.
func (p *Parsed) Prepared() *Prepared {
	p.prepOnce.Do(func() { p.prep = Prepare(p) })
	return p.prep
}

// Diagnostics are the framework's own diagnostics, as Files gives them
// for the framework loaded alone.
func (pr *Prepared) Diagnostics() diag.Diagnostics { return pr.diags }

// Name is the framework's file name.
func (pr *Prepared) Name() string { return pr.doc.File.Name }

// Files loads parsed files next to the prepared framework and validates
// them as one set with it: Files(framework, files...), but for the
// framework's diagnostics, which are left out (its own are Diagnostics;
// those it has next to these files, such as a guarantor without a pledge,
// are about the framework and not about them). Every diagnostic of the
// other files is the one Files gives, at the same place, and the set is
// the one Files gives: the framework first, then their documents, with
// the framework's compiled expressions.
func (pr *Prepared) Files(files ...*Parsed) (*Set, diag.Diagnostics) {
	l := &Loader{docs: []*Document{pr.doc}, prepared: pr}
	for _, p := range files {
		l.AddParsed(p)
	}
	return l.Finish()
}

// preparedExprs are the compiled expressions a set loaded next to a
// prepared framework starts with: the framework's, compiled when it was
// prepared. Each set gets its own map and Expressions, as from a full
// load (compileCached): the map is added to for any other framework
// loaded, and the checked ASTs are shared, read only.
func (l *Loader) preparedExprs() map[exprKey]*expr.Expression {
	out := make(map[exprKey]*expr.Expression)
	if l.prepared != nil {
		for k, x := range l.prepared.exprs {
			c := *x
			out[k] = &c
		}
	}
	return out
}
