package load

import (
	"encoding"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v4"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/yamlnode"
)

// decoder turns a yaml.Node tree into model values strictly: unknown
// fields, duplicate keys, wrong shapes and unparsable scalars are all
// reported (never the first one only), each at the node it concerns. It
// also records the node of every path it visits, so that rules running
// later on the model can be located in the file.
type decoder struct {
	doc   *Document
	diags diag.Diagnostics
	// decoded holds the anchored values already decoded through an alias,
	// by the type they were decoded into: the diagnostics of an anchored
	// value are reported at its first use only, since every use would
	// report the same nodes (quiet counts the uses being decoded again;
	// their failed paths are still marked, so that later rules stay
	// silent on them too).
	decoded map[aliasUse]bool
	quiet   int
}

type aliasUse struct {
	value *yaml.Node
	into  reflect.Type
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// errorf reports a problem with the value at path; later rules skip
// that path, so one mistake gives one diagnostic.
func (d *decoder) errorf(n *yaml.Node, path, code, format string, args ...any) {
	d.doc.failed[path] = true
	if !d.report(diag.Error) {
		return
	}
	d.diags = d.diags.Append(diag.Diagnostic{Severity: diag.Error, Code: code, Summary: fmt.Sprintf(format, args...),
		Range: d.doc.nodeRange(n), Doc: d.doc.Key})
}

// report says whether a diagnostic is to be reported: not when an
// anchored value is decoded again, nor past the document's
// MaxDiagnosticsPerDocument. Ask before formatting the message.
func (d *decoder) report(sev diag.Severity) bool {
	return d.quiet == 0 && d.doc.admit(sev)
}

// decode fills v (a pointer) from n; path is n's document path.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	d.doc.record(path, n)
	if n.Kind == yaml.AliasNode {
		use := aliasUse{resolveAlias(n), v.Type()}
		if d.decoded[use] {
			d.quiet++
			defer func() { d.quiet-- }()
		} else {
			if d.decoded == nil {
				d.decoded = map[aliasUse]bool{}
			}
			d.decoded[use] = true
		}
	}
	n = resolveAlias(n)
	if isNull(n) {
		return // an empty value is the same as an absent one
	}
	if v.CanAddr() && v.Addr().Type().Implements(textUnmarshaler) {
		if !d.expectScalar(n, path) {
			return
		}
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(n.Value)); err != nil {
			d.errorf(n, path, "invalid-value", "%s: %s", fieldName(path), err)
		}
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(n, v.Elem(), path)
	case reflect.Struct:
		d.decodeStruct(n, v, path)
	case reflect.Slice:
		d.decodeSlice(n, v, path)
	case reflect.Map:
		d.decodeMap(n, v, path)
	case reflect.String:
		if d.expectScalar(n, path) {
			v.SetString(n.Value)
		}
	case reflect.Float64:
		if !d.expectScalar(n, path) {
			return
		}
		f, err := parseNumber(n.Value)
		if err != nil {
			d.errorf(n, path, "invalid-value", "%s: expected a number, got %q", fieldName(path), n.Value)
			return
		}
		v.SetFloat(f)
	case reflect.Int, reflect.Int64:
		if !d.expectScalar(n, path) {
			return
		}
		i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 10, 64)
		if err != nil {
			d.errorf(n, path, "invalid-value", "%s: expected a whole number, got %q", fieldName(path), n.Value)
			return
		}
		v.SetInt(i)
	case reflect.Bool:
		if !d.expectScalar(n, path) {
			return
		}
		b, err := strconv.ParseBool(n.Value)
		if err != nil || (n.Value != "true" && n.Value != "false") {
			d.errorf(n, path, "invalid-value", "%s: expected true or false, got %q", fieldName(path), n.Value)
			return
		}
		v.SetBool(b)
	default:
		panic(fmt.Sprintf("load: no decoder for %s", v.Type())) // a programming error in model, not user input
	}
}

func parseNumber(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("not a finite number")
	}
	return f, nil
}

func (d *decoder) expectScalar(n *yaml.Node, path string) bool {
	if n.Kind == yaml.ScalarNode {
		return true
	}
	d.errorf(n, path, "wrong-type", "%s: expected a single value, got %s", fieldName(path), describe(n))
	return false
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "wrong-type", "%s: expected a mapping of fields, got %s", fieldName(path), describe(n))
		return
	}
	fields := structFields(v.Type())
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		name := key.Value
		if prev, dup := seen[name]; dup {
			d.errorf(key, join(path, name), "duplicate-key", "duplicate field %q (first given at line %d)", name, prev.Line)
			continue
		}
		seen[name] = key
		f, ok := fields.byName[name]
		if !ok {
			if path == "" && (name == "backstop" || name == "kind") {
				continue // the header, read before decoding
			}
			d.unknownField(key, name, path, fields)
			continue
		}
		d.doc.recordKey(join(path, name), key)
		if f.required && isNull(val) {
			d.errorf(key, join(path, name), "missing-field", "%sfield %q has no value", inPrefix(path), name)
			continue
		}
		d.decode(val, v.Field(f.index), join(path, name))
	}
	for _, f := range fields.list {
		if f.required && seen[f.name] == nil {
			d.errorf(n, join(path, f.name), "missing-field", "%smissing required field %q", inPrefix(path), f.name)
		}
	}
}

func (d *decoder) unknownField(key *yaml.Node, name, path string, fields *fieldSet) {
	if !d.report(diag.Error) {
		return
	}
	names := make([]string, len(fields.list))
	for i, f := range fields.list {
		names[i] = f.name
	}
	msg := fmt.Sprintf("%sunknown field %q", inPrefix(path), name)
	if s := model.Suggest(name, names); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	} else {
		msg += "; expected one of " + strings.Join(names, ", ")
	}
	d.diags = d.diags.Append(diag.Diagnostic{Severity: diag.Error, Code: "unknown-field", Summary: msg, Range: d.doc.nodeRange(key), Doc: d.doc.Key})
}

func (d *decoder) decodeSlice(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, path, "wrong-type", "%s: expected a list, got %s", fieldName(path), describe(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		p := fmt.Sprintf("%s[%d]", path, i)
		if d.emptyStruct(item, s.Index(i), p) {
			continue
		}
		d.decode(item, s.Index(i), p)
	}
	v.Set(s)
}

func (d *decoder) decodeMap(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "wrong-type", "%s: expected a mapping, got %s", fieldName(path), describe(n))
		return
	}
	if v.Type().Key().Kind() != reflect.String {
		panic("load: map keys must be strings")
	}
	m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := resolveAlias(n.Content[i]), n.Content[i+1]
		if key.Kind != yaml.ScalarNode {
			d.errorf(key, path, "wrong-type", "%s: keys must be single values, got %s", fieldName(path), describe(key))
			continue
		}
		if prev, dup := seen[key.Value]; dup {
			d.errorf(key, joinKey(path, key.Value), "duplicate-key", "duplicate key %q (first given at line %d)", key.Value, prev.Line)
			continue
		}
		seen[key.Value] = key
		p := joinKey(path, key.Value)
		d.doc.recordKey(p, key)
		elem := reflect.New(v.Type().Elem()).Elem()
		if !d.emptyStruct(val, elem, p) {
			d.decode(val, elem, p)
		}
		m.SetMapIndex(reflect.ValueOf(key.Value).Convert(v.Type().Key()), elem)
	}
	v.Set(m)
}

// emptyStruct handles an item of a list or map that should hold fields but
// is empty (`- ` or `UA:` with nothing after): an error, and a zero value
// (never a nil pointer) so that later rules need not check.
func (d *decoder) emptyStruct(n *yaml.Node, v reflect.Value, path string) bool {
	t := v.Type()
	if t.Kind() == reflect.Pointer {
		v.Set(reflect.New(t.Elem()))
		t = t.Elem()
	}
	if !isNull(n) || t.Kind() != reflect.Struct {
		return false
	}
	d.doc.record(path, n)
	d.errorf(n, path, "wrong-type", "%s: expected a mapping of fields, got an empty value", path)
	return true
}

// The node helpers are internal/yamlnode's, shared with the feeds'
// configuration readers.
var (
	isNull       = yamlnode.IsNull
	resolveAlias = yamlnode.Resolve
	describe     = yamlnode.Describe
)

type fieldInfo struct {
	name     string
	index    int
	required bool
}

type fieldSet struct {
	list   []fieldInfo
	byName map[string]fieldInfo
}

// fieldSets caches each struct type's fields: the server decodes every
// submission (and its framework) with them, and reading tags per decode
// was an eighth of a submission's cost. Keys are the model's Go types, a
// fixed set, so the cache is bounded; a fieldSet is never written after.
var fieldSets sync.Map // reflect.Type → *fieldSet

func structFields(t reflect.Type) *fieldSet {
	if fs, ok := fieldSets.Load(t); ok {
		return fs.(*fieldSet)
	}
	fs := readFields(t)
	actual, _ := fieldSets.LoadOrStore(t, fs)
	return actual.(*fieldSet)
}

func readFields(t reflect.Type) *fieldSet {
	fs := &fieldSet{byName: map[string]fieldInfo{}}
	for i := range t.NumField() {
		tag := t.Field(i).Tag.Get("yaml")
		if tag == "" || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		f := fieldInfo{name: name, index: i, required: opts == "required"}
		fs.list = append(fs.list, f)
		fs.byName[name] = f
	}
	return fs
}

// join appends a field name to a path.
func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

// joinKey appends a map key to a path, quoting keys that are not plain names.
func joinKey(path, key string) string {
	plain := key != ""
	for _, r := range key {
		if !(r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			plain = false
			break
		}
	}
	if plain {
		return join(path, key)
	}
	return fmt.Sprintf("%s[%s]", path, strconv.Quote(key))
}

// fieldName returns the last field name of a path for messages:
// "requirements[0].unit" → "unit", "tags[2]" → "tags".
func fieldName(path string) string {
	if path == "" {
		return "document"
	}
	last := path[strings.LastIndex(path, ".")+1:]
	if i := strings.Index(last, "["); i > 0 {
		last = last[:i]
	}
	return last
}

func inPrefix(path string) string {
	if path == "" {
		return ""
	}
	return path + ": "
}

// sortedKeys returns a map's keys in order, for deterministic iteration.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
