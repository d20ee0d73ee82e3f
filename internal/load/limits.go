package load

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"

	"github.com/backstop-dev/backstop/internal/diag"
)

// Limits on what one document may cost to load (issue 16). A YAML alias
// (*name) stands for the whole value of its anchor (&name), and the
// decoder reads that value again at every use: without a limit, a few
// kilobytes of aliases expand into millions of nodes and diagnostics.
const (
	// MaxDiagnosticsPerDocument is the most diagnostics reported for one
	// document; the rest are counted, and one more diagnostic at the end
	// of the document says how many there were ("… and 100,999 more
	// errors in this document"). A hundred is more than anyone reads
	// before fixing the first ones, and it bounds the size of an answer
	// (the server returns every diagnostic of a refused submission).
	MaxDiagnosticsPerDocument = 100

	// AliasBudgetMin and AliasBudgetPerNode bound how many nodes a
	// document's aliases may expand to, counting every use of an alias as
	// the nodes of the value it names (aliases inside that value
	// included): at most max(AliasBudgetMin, AliasBudgetPerNode × the
	// nodes written in the document). A document past it is refused with
	// one CodeAliasBudget error, before it is decoded. The budget lets a
	// document's aliases double it at most (or add 10,000 nodes to a small
	// one), so loading any document costs at most about twice what a
	// document of the same size written out costs; documents share a few
	// small values (a restriction, a source) and stay far below it.
	AliasBudgetMin     = 10_000
	AliasBudgetPerNode = 1

	// CodeAliasBudget refuses a document whose aliases expand past the
	// budget, or an alias used inside the value it names.
	CodeAliasBudget = "alias-budget"
	// CodeTooManyDiagnostics says how many diagnostics of a document were
	// left out past MaxDiagnosticsPerDocument.
	CodeTooManyDiagnostics = "too-many-diagnostics"
)

// aliasBudget returns the most nodes the aliases of a document with
// written nodes may expand to.
func aliasBudget(written int) int { return max(AliasBudgetMin, AliasBudgetPerNode*written) }

// aliasCheck measures a document's tree without expanding it: the nodes
// written, the nodes its aliases stand for, and its last line.
type aliasCheck struct {
	budget int
	// size holds the number of nodes a value expands to (itself, its
	// content, and what the aliases in it stand for), saturated at
	// budget+1; inProgress while the value is being measured, so an alias
	// inside the value it names is found.
	size     map[*yaml.Node]int
	written  int
	lastLine int
}

const inProgress = -1

// expansion returns the number of nodes n expands to, saturated at
// budget+1, or inProgress for a value that contains an alias of itself.
func (c *aliasCheck) expansion(n *yaml.Node) int {
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return 1
		}
		n = n.Alias
	}
	if s, ok := c.size[n]; ok {
		return s
	}
	c.size[n] = inProgress
	total := 1
	for _, child := range n.Content {
		s := c.expansion(child)
		if s == inProgress {
			delete(c.size, n) // measured again from the alias that closes the loop
			return inProgress
		}
		total = min(total+s, c.budget+1)
	}
	c.size[n] = total
	return total
}

// checkAliases refuses a document whose aliases expand to more nodes
// than its budget allows, or that uses an alias inside the value it
// names. The error is at the alias where the budget is passed. It also
// returns the document's last line, where the count of diagnostics left
// out is reported.
func checkAliases(doc *Document) (bad *diag.Diagnostic, lastLine int) {
	c := &aliasCheck{size: map[*yaml.Node]int{}}
	var aliases []*yaml.Node
	var count func(n *yaml.Node)
	count = func(n *yaml.Node) {
		c.written++
		c.lastLine = max(c.lastLine, n.Line)
		if n.Kind == yaml.AliasNode {
			aliases = append(aliases, n)
			return
		}
		for _, child := range n.Content {
			count(child)
		}
	}
	count(doc.Root)
	if len(aliases) == 0 {
		return nil, c.lastLine
	}
	c.budget = aliasBudget(c.written)
	// Aliases in document order: the error names the one that passes the
	// budget, as the decoder would meet them.
	expanded := 0
	for _, a := range aliases {
		s := c.expansion(a)
		if s == inProgress {
			d := diag.Errorf(doc.nodeRange(a), CodeAliasBudget,
				"alias *%s is used inside the value of &%s, so it never ends; write the value out", a.Value, a.Value)
			return &d, c.lastLine
		}
		expanded += s
		if expanded > c.budget {
			d := diag.Errorf(doc.nodeRange(a), CodeAliasBudget,
				"alias *%s: the aliases of this document stand for more than %s nodes, the limit for a document of %s nodes written (max(%s, %d × the nodes written)); write repeated values out or use fewer aliases",
				a.Value, thousands(c.budget), thousands(c.written), thousands(AliasBudgetMin), AliasBudgetPerNode)
			return &d, c.lastLine
		}
	}
	return nil, c.lastLine
}

// admit counts a diagnostic of the document and reports whether it is
// among the first MaxDiagnosticsPerDocument, to be reported; the others
// are only counted. Callers ask before formatting the message.
func (d *Document) admit(sev diag.Severity) bool {
	if d.shown < MaxDiagnosticsPerDocument {
		d.shown++
		return true
	}
	if sev == diag.Error {
		d.moreErrors++
	} else {
		d.moreWarnings++
	}
	return false
}

// leftOut returns the diagnostic saying how many of the document's
// diagnostics were left out, at the end of its last line; ok is false
// when none were.
func (d *Document) leftOut() (diag.Diagnostic, bool) {
	if d.moreErrors == 0 && d.moreWarnings == 0 {
		return diag.Diagnostic{}, false
	}
	var parts []string
	sev := diag.Warning
	if d.moreErrors > 0 {
		parts = append(parts, more(d.moreErrors, "error"))
		sev = diag.Error // the document stays invalid whatever was left out
	}
	if d.moreWarnings > 0 {
		parts = append(parts, more(d.moreWarnings, "warning"))
	}
	line := max(d.lastLine, 1)
	p := d.File.pos(line, utf8.RuneCountInString(d.File.Line(line))+1)
	return diag.Diagnostic{Severity: sev, Code: CodeTooManyDiagnostics, Doc: d.Key,
		Range: diag.Range{File: d.File.Name, Start: p, End: p},
		Summary: fmt.Sprintf("… and %s in this document (only the first %d diagnostics of a document are shown)",
			strings.Join(parts, " and "), MaxDiagnosticsPerDocument)}, true
}

// more says "1 more error" or "100,999 more errors".
func more(n int, what string) string {
	if n == 1 {
		return "1 more " + what
	}
	return thousands(n) + " more " + what + "s"
}

// thousands formats n with commas between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
