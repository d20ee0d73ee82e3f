package load

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/expr"
	"github.com/backstop-dev/backstop/internal/model"
)

// MaxWindow is the longest duration window() may cover.
const MaxWindow = 366 * 24 * model.Duration(3600e9)

func checkExpressions(v *validator) {
	// The shared environments are built once (a server validates every
	// submission).
	triggerEnv, err1 := expr.Shared(expr.Trigger)
	gateEnv, err2 := expr.Shared(expr.Gate)
	if err1 != nil || err2 != nil {
		panic(fmt.Sprint(err1, err2)) // the environments are fixed by the code, not by input
	}
	for _, d := range v.set.Docs {
		f := d.Framework
		if f == nil || v.again(d) {
			continue // a prepared framework's were compiled when it was prepared
		}
		for i, t := range f.Triggers {
			path := fmt.Sprintf("triggers[%d].when", i)
			if x := v.compile(d, path, triggerEnv, t.When); x != nil {
				v.checkWindowCalls(d, path, x)
				v.set.exprs[exprKey{f.ID, expr.Trigger, t.ID}] = x
			}
		}
		steps := map[string]bool{}
		for _, s := range f.Sequence {
			steps[s.ID] = true
		}
		for i, s := range f.Sequence {
			if strings.TrimSpace(s.Gate) == "" {
				continue
			}
			path := fmt.Sprintf("sequence[%d].gate", i)
			if x := v.compile(d, path, gateEnv, s.Gate); x != nil {
				v.checkGateCalls(d, path, f, s, steps, x)
				v.set.exprs[exprKey{f.ID, expr.Gate, s.ID}] = x
			}
		}
	}
}

func (v *validator) compile(d *Document, path string, env *expr.Env, src string) *expr.Expression {
	if strings.TrimSpace(src) == "" {
		v.errorf(d, path, "expression-syntax", "empty expression")
		return nil
	}
	x, issues := compileCached(env, src)
	for _, is := range issues {
		r := d.Range(path)
		if is.Line > 0 {
			r = d.exprRange(path, is.Line, is.Column)
		}
		v.diags = v.diags.Append(diag.Diagnostic{Severity: diag.Error, Code: is.Code, Range: r, Path: path, Doc: d.Key,
			Summary: fmt.Sprintf("%s expression: %s", env.Kind(), is.Message)})
	}
	return x
}

// checkWindowCalls requires window()'s duration to be a constant, so that
// the monitor knows at load time how much history it must keep.
func (v *validator) checkWindowCalls(d *Document, path string, x *expr.Expression) {
	for _, c := range x.Calls("window") {
		r := d.exprOffsetRange(path, c.Offset)
		if !c.Constant {
			v.diags = v.diags.Append(diag.Errorf(r, "window-duration", "window() takes a constant duration such as \"24h\""))
			continue
		}
		dur, err := model.ParseDuration(c.Arg)
		switch {
		case err != nil:
			v.diags = v.diags.Append(diag.Errorf(r, "window-duration", "window(): %v", err))
		case dur <= 0 || dur > MaxWindow:
			v.diags = v.diags.Append(diag.Errorf(r, "window-duration", "window(): duration must be more than 0 and at most 366d, got %s", c.Arg))
		}
	}
}

// checkGateCalls checks the constant arguments of gate functions against
// the framework: coverage() of a known domain, signed() of a known party,
// done() of another step of the sequence.
func (v *validator) checkGateCalls(d *Document, path string, f *model.Framework, s model.Step, steps map[string]bool, x *expr.Expression) {
	domains := make([]string, len(model.Domains))
	for i, dm := range model.Domains {
		domains[i] = string(dm)
	}
	for _, c := range x.Calls("coverage", "signed", "done") {
		if !c.Constant {
			continue
		}
		r := d.exprOffsetRange(path, c.Offset)
		var msg string
		switch c.Function {
		case "coverage":
			if !slices.Contains(domains, c.Arg) {
				msg = fmt.Sprintf("coverage(): unknown domain %q%s", c.Arg, suggestion(c.Arg, domains))
			}
		case "signed":
			if f.Parties[c.Arg] == nil {
				msg = fmt.Sprintf("signed(): %q is not a party of %s%s", c.Arg, f.ID, suggestion(c.Arg, f.PartyIDs()))
			}
		case "done":
			switch {
			case c.Arg == s.ID:
				msg = fmt.Sprintf("done(): step %q cannot wait for itself", c.Arg)
			case !steps[c.Arg]:
				msg = fmt.Sprintf("done(): unknown step %q%s", c.Arg, suggestion(c.Arg, keysOf(steps)))
			}
		}
		if msg != "" {
			v.diags = v.diags.Append(diag.Diagnostic{Severity: diag.Error, Code: "unknown-reference", Summary: msg, Range: r, Path: path, Doc: d.Key})
		}
	}
}

// exprRange maps a position inside an expression (CEL's 1-based line and
// 0-based column) to the file. CEL sees the scalar's value; the file
// holds it quoted, folded or as a block, so the mapping depends on the
// scalar's style.
func (d *Document) exprRange(path string, line, col int) diag.Range {
	n := d.Node(path)
	if n == nil {
		return d.Range(path)
	}
	if n.Style&yaml.LiteralStyle != 0 {
		// A literal block keeps lines: expression line L is file line
		// n.Line+L, shifted by the block's indentation (that of its first line).
		first := d.File.Line(n.Line + 1)
		indent := len(first) - len(strings.TrimLeft(first, " "))
		p := d.File.pos(n.Line+line, indent+col+1)
		return diag.Range{File: d.File.Name, Start: p, End: p}
	}
	// Other styles put the whole value on CEL's line 1 (folding newlines).
	return d.exprOffsetRange(path, offsetInValue(n.Value, line, col))
}

func offsetInValue(value string, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(value, '\n')
		if i < 0 {
			break
		}
		off += utf8.RuneCountInString(value[:i+1])
		value = value[i+1:]
	}
	return off + col
}

// exprOffsetRange maps a character offset in a scalar's value to the
// file. Plain, quoted and folded scalars are walked segment by segment:
// the value continues on the next source line, after its indentation,
// where a line break was folded into one space. Escapes in double-quoted
// scalars are not undone, so positions after one may be off by a few
// columns; the line is right.
func (d *Document) exprOffsetRange(path string, offset int) diag.Range {
	n := d.Node(path)
	if n == nil {
		return d.Range(path)
	}
	line, col := n.Line, n.Column
	switch {
	case n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
		col++
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		line++
		text := d.File.Line(line)
		col = len(text) - len(strings.TrimLeft(text, " ")) + 1
	}
	for remaining := offset; ; {
		text := []rune(d.File.Line(line))
		avail := len(text) - (col - 1)
		if remaining <= avail || line >= n.Line+strings.Count(n.Value, "\n")+64 || line >= len(d.File.lineStarts) {
			p := d.File.pos(line, col+remaining)
			return diag.Range{File: d.File.Name, Start: p, End: p}
		}
		remaining -= avail + 1 // the folded line break counts as one space
		line++
		next := d.File.Line(line)
		col = len(next) - len(strings.TrimLeft(next, " \t")) + 1
	}
}

// compiled caches env.Compile by environment and source. The server
// validates every submission next to its framework, whose expressions
// are the same from one submission to the next: compiling them each time
// was a fifth of a submission's cost. The environments are shared per
// kind (expr.Shared), an expression's check depends on nothing else,
// and the cache is emptied when it reaches maxCompiled entries, so that
// hostile frameworks cannot grow it.
var compiled = struct {
	sync.Mutex
	m map[compileKey]compileResult
}{m: map[compileKey]compileResult{}}

const maxCompiled = 4096

type compileKey struct {
	env *expr.Env
	src string
}

type compileResult struct {
	x      *expr.Expression
	issues []expr.Issue
}

func compileCached(env *expr.Env, src string) (*expr.Expression, []expr.Issue) {
	k := compileKey{env, src}
	compiled.Lock()
	r, ok := compiled.m[k]
	compiled.Unlock()
	if !ok {
		r.x, r.issues = env.Compile(src)
		compiled.Lock()
		if len(compiled.m) >= maxCompiled {
			clear(compiled.m)
		}
		compiled.m[k] = r
		compiled.Unlock()
	}
	if r.x == nil {
		return nil, r.issues
	}
	x := *r.x // each document gets its own Expression; the checked AST is shared, read only
	return &x, r.issues
}
