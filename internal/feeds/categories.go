package feeds

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/yamlnode"
)

// Types returns the incident type vocabulary: the Type constants, in the
// order docs/feeds.md lists them.
func Types() []string {
	return []string{
		TypeMissileStrike, TypeDroneStrike, TypeAirStrike, TypeShelling, TypeGroundAssault,
		TypeBattle, TypeExplosion, TypeAirRaidAlert, TypeCivilianHarm, TypeProtest,
		TypeStrategicChange, TypeOther,
	}
}

// IsType reports whether t is in the vocabulary.
func IsType(t string) bool { return slices.Contains(Types(), t) }

// Diagnostic codes of the configuration files (category overrides,
// mapping files).
const (
	CodeIO           = "io"
	CodeSyntax       = "syntax"
	CodeUnknownField = "unknown-field"
	CodeMissingField = "missing-field"
	CodeWrongType    = "wrong-type"
	CodeDuplicateKey = "duplicate-key"
	CodeInvalidValue = "invalid-value"
	CodeUnknownType  = "unknown-type"
)

// ReadCategories reads a category override file:
//
//	categories:
//	  acled: {"Shelling/artillery/missile attack": shelling}
//	  ucdp: {one-sided: violence_against_civilians}
//
// format → source category → incident type, the value of
// Options.Categories. Unknown keys, duplicate keys and types outside the
// vocabulary are errors at their line and column.
func ReadCategories(path string) (map[string]map[string]string, diag.Diagnostics) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, diag.Diagnostics{diag.Errorf(diag.Range{File: path}, CodeIO, "%v", unwrapPathError(err))}
	}
	return ParseCategories(path, data)
}

// ParseCategories is ReadCategories on a file's contents.
func ParseCategories(name string, data []byte) (map[string]map[string]string, diag.Diagnostics) {
	c, root := ParseYAMLConfig(name, data)
	if root == nil {
		return nil, c.Diags
	}
	top := c.Mapping(root, "the category file", "categories")
	out := map[string]map[string]string{}
	cats, ok := top["categories"]
	if !ok {
		if !c.Diags.HasErrors() {
			c.Errorf(root, CodeMissingField, "missing `categories`: a mapping of format → source category → incident type")
		}
		return out, c.Diags
	}
	for _, f := range c.Pairs(cats, "categories") {
		if f.Key == "" {
			c.Errorf(f.KeyNode, CodeInvalidValue, "empty format name")
			continue
		}
		table := map[string]string{}
		for _, e := range c.Pairs(f.Value, "categories."+f.Key) {
			if t, ok := c.Type(e.Value, fmt.Sprintf("categories.%s[%q]", f.Key, e.Key)); ok {
				table[e.Key] = t
			}
		}
		out[f.Key] = table
	}
	c.Diags.Sort()
	return out, c.Diags
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ---- strict YAML for configuration files ----------------------------------

// YAMLConfig reads a small configuration file strictly from its yaml.Node
// tree, so that every problem is a diagnostic at its line and column and
// none stops the reading (the Prometheus rulefmt way). The mapping files
// of internal/feeds/mapped use it too.
type YAMLConfig struct {
	Name       string
	Diags      diag.Diagnostics
	src        []byte
	lineStarts []int
}

// ParseYAMLConfig parses a one-document YAML file; root is nil (and Diags
// says why) when there is no document to read.
func ParseYAMLConfig(name string, data []byte) (c *YAMLConfig, root *yaml.Node) {
	c = &YAMLConfig{Name: name, src: data, lineStarts: []int{0}}
	for i, b := range data {
		if b == '\n' {
			c.lineStarts = append(c.lineStarts, i+1)
		}
	}
	if !utf8.Valid(data) {
		c.Diags = c.Diags.Append(diag.Errorf(c.at(1, 1), CodeSyntax, "the file is not valid UTF-8"))
		return c, nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			c.Diags = c.Diags.Append(diag.Errorf(diag.Range{File: name}, CodeSyntax, "the file is empty"))
		} else {
			c.Diags = c.Diags.Append(c.syntaxError(err))
		}
		return c, nil
	}
	var more yaml.Node
	if err := dec.Decode(&more); err == nil && len(more.Content) > 0 {
		c.Errorf(&more, CodeSyntax, "a second YAML document; the file must hold one")
	} else if err != nil && !errors.Is(err, io.EOF) {
		c.Diags = c.Diags.Append(c.syntaxError(err))
	}
	if len(doc.Content) == 0 {
		c.Diags = c.Diags.Append(diag.Errorf(diag.Range{File: name}, CodeSyntax, "the file is empty"))
		return c, nil
	}
	return c, doc.Content[0]
}

func (c *YAMLConfig) syntaxError(err error) diag.Diagnostic {
	var le *yaml.LoadError
	if errors.As(err, &le) && le.Mark.Line > 0 {
		line := min(le.Mark.Line, len(c.lineStarts))
		return diag.Errorf(c.at(line, max(le.Mark.Column, 1)), CodeSyntax, "YAML syntax: %s", le.Message)
	}
	return diag.Errorf(c.at(1, 1), CodeSyntax, "YAML syntax: %s", strings.TrimPrefix(err.Error(), "yaml: "))
}

// at returns the range of a 1-based line and character column.
func (c *YAMLConfig) at(line, col int) diag.Range {
	p := diag.Pos{Line: line, Column: col}
	if line >= 1 && line <= len(c.lineStarts) {
		off := c.lineStarts[line-1]
		for i := 1; i < col && off < len(c.src) && c.src[off] != '\n'; i++ {
			_, size := utf8.DecodeRune(c.src[off:])
			off += size
		}
		p.Byte = off
	}
	return diag.Range{File: c.Name, Start: p, End: p}
}

// Range returns the position of a node.
func (c *YAMLConfig) Range(n *yaml.Node) diag.Range {
	if n == nil || n.Line == 0 {
		return diag.Range{File: c.Name}
	}
	return c.at(n.Line, n.Column)
}

// Errorf records an error at n.
func (c *YAMLConfig) Errorf(n *yaml.Node, code, format string, args ...any) {
	c.Diags = c.Diags.Append(diag.Errorf(c.Range(n), code, format, args...))
}

// Pair is one key and value of a mapping.
type Pair struct {
	Key            string
	KeyNode, Value *yaml.Node
}

// Pairs returns the entries of a mapping node in order; duplicate keys
// and non-mapping nodes are errors (what names the node in messages).
func (c *YAMLConfig) Pairs(n *yaml.Node, what string) []Pair {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			return nil
		}
		c.Errorf(n, CodeWrongType, "%s: expected a mapping, got %s", what, describe(n))
		return nil
	}
	var out []Pair
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			c.Errorf(k, CodeWrongType, "%s: a key must be a string, got %s", what, describe(k))
			continue
		}
		if line, dup := seen[k.Value]; dup {
			c.Errorf(k, CodeDuplicateKey, "%s: duplicate key %q (first given at line %d)", what, k.Value, line)
			continue
		}
		seen[k.Value] = k.Line
		out = append(out, Pair{Key: k.Value, KeyNode: k, Value: v})
	}
	return out
}

// Mapping returns the values of a mapping whose keys must be among known;
// an unknown key is an error at the key, with a suggestion.
func (c *YAMLConfig) Mapping(n *yaml.Node, what string, known ...string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	for _, p := range c.Pairs(n, what) {
		if !slices.Contains(known, p.Key) {
			c.UnknownKey(p.KeyNode, what, known)
			continue
		}
		out[p.Key] = p.Value
	}
	return out
}

// UnknownKey records the error for a key that is not among known, with
// a suggestion when it looks like a typo of one.
func (c *YAMLConfig) UnknownKey(key *yaml.Node, what string, known []string) {
	msg := fmt.Sprintf("%s: unknown key %q; expected one of %s", what, key.Value, strings.Join(known, ", "))
	if s := model.Suggest(key.Value, known); s != "" {
		msg = fmt.Sprintf("%s: unknown key %q; did you mean %q?", what, key.Value, s)
	}
	c.Errorf(key, CodeUnknownField, "%s", msg)
}

// String returns a scalar's text; a mapping, list or null is an error.
func (c *YAMLConfig) String(n *yaml.Node, what string) (string, bool) {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		c.Errorf(n, CodeWrongType, "%s: expected a string, got %s", what, describe(n))
		return "", false
	}
	return n.Value, true
}

// Strings returns a list of scalars (a single scalar is a list of one).
func (c *YAMLConfig) Strings(n *yaml.Node, what string) ([]string, bool) {
	n = resolve(n)
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		return []string{n.Value}, true
	}
	if n.Kind != yaml.SequenceNode {
		c.Errorf(n, CodeWrongType, "%s: expected a list of strings, got %s", what, describe(n))
		return nil, false
	}
	out := make([]string, 0, len(n.Content))
	ok := true
	for i, item := range n.Content {
		s, good := c.String(item, fmt.Sprintf("%s[%d]", what, i))
		ok = ok && good
		out = append(out, s)
	}
	return out, ok
}

// Type returns an incident type, which must be in the vocabulary.
func (c *YAMLConfig) Type(n *yaml.Node, what string) (string, bool) {
	t, ok := c.String(n, what)
	if !ok {
		return "", false
	}
	if !IsType(t) {
		msg := fmt.Sprintf("%s: unknown incident type %q; expected one of %s", what, t, strings.Join(Types(), ", "))
		if s := model.Suggest(t, Types()); s != "" {
			msg = fmt.Sprintf("%s: unknown incident type %q; did you mean %q?", what, t, s)
		}
		c.Errorf(n, CodeUnknownType, "%s", msg)
		return "", false
	}
	return t, true
}

// The node helpers are internal/yamlnode's, shared with internal/load.
var (
	resolve  = yamlnode.Resolve
	describe = yamlnode.Describe
)
