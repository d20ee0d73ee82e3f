// Package schema generates a JSON Schema (draft 2020-12) for each kind of
// backstop document from the Go types of internal/model, so that editors
// can complete and check documents as they are typed. The schemas are
// reflected from the same types and struct tags the loader decodes into;
// docs/schema/ holds them as files, and a test fails when those files
// differ from what this package generates.
//
// A schema is a first check only: the loader (backstop validate) also
// checks what a schema cannot say, such as references between documents,
// expressions and the sums of shares.
package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unicode"

	"github.com/invopop/jsonschema"
	orderedmap "github.com/pb33f/ordered-map/v2"

	"github.com/backstop-dev/backstop/internal/model"
)

const modulePath = "github.com/backstop-dev/backstop"

// BaseID is the base of the schemas' $id. An $id is an identifier, not a
// download location: nothing is served there. The files themselves are in
// docs/schema/ (FileName gives each one's name).
const BaseID = "https://backstop.dev/schema/v1/"

// documents maps each kind to the model type a document of it decodes
// into (internal/load does the same); TestKindsCoverModel checks that it
// covers model.Kinds.
var documents = map[model.Kind]reflect.Type{
	model.KindFramework:         typeOf[model.Framework](),
	model.KindDeclaration:       typeOf[model.Declaration](),
	model.KindIncidents:         typeOf[model.Incidents](),
	model.KindScenario:          typeOf[model.Scenario](),
	model.KindCorroboration:     typeOf[model.Corroboration](),
	model.KindFinding:           typeOf[model.Finding](),
	model.KindAction:            typeOf[model.Action](),
	model.KindTerritorialOption: typeOf[model.TerritorialOption](),
}

// Kinds returns the document kinds in the order docs/language.md presents
// them (which is the order of model.Kinds; a test checks both).
func Kinds() []string {
	out := make([]string, len(model.Kinds))
	for i, k := range model.Kinds {
		out[i] = string(k)
	}
	return out
}

// FileName is the name of a kind's schema file in docs/schema/: the kind
// in lower case with dashes between its words ("territorial-option.json").
// All's file is "backstop.json".
func FileName(kind string) string {
	var b strings.Builder
	for i, r := range kind {
		if unicode.IsUpper(r) && i > 0 {
			b.WriteByte('-')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String() + ".json"
}

// AllFileName is the file name of the schema accepting every kind.
const AllFileName = "backstop.json"

// JSON returns the indented JSON Schema of one kind of document. The kind
// is matched ignoring case ("framework" is Framework), so that a command
// line can take it as typed; an unknown kind is an error listing the kinds.
func JSON(kind string) ([]byte, error) {
	k, err := lookupKind(kind)
	if err != nil {
		return nil, err
	}
	s, err := kindSchema(k, runtimeComments)
	if err != nil {
		return nil, err
	}
	return marshal(s)
}

// All returns one schema that accepts a document of any kind: it checks
// `backstop` and `kind`, then applies the schema of the kind given. It
// suits editors that map one schema to every file.
func All() ([]byte, error) {
	s, err := allSchema(runtimeComments)
	if err != nil {
		return nil, err
	}
	return marshal(s)
}

func lookupKind(kind string) (model.Kind, error) {
	for _, k := range model.Kinds {
		if strings.EqualFold(string(k), kind) {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown document kind %q; expected one of %s", kind, strings.Join(Kinds(), ", "))
}

// runtimeComments looks descriptions up in the Go doc comments captured in
// comments.go (the model's source is not there when backstop runs).
func runtimeComments(key string) string { return goComments[key] }

// marshal writes a schema indented, with a final newline, as the files
// in docs/schema/ hold it. HTML escaping is off so that patterns keep
// their < and & readable.
func marshal(s *jsonschema.Schema) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// kindSchema is the schema of one kind: a reference to its document
// type's definition, with every type it uses in $defs.
func kindSchema(k model.Kind, comments func(string) string) (*jsonschema.Schema, error) {
	defs, err := reflectKind(k, comments)
	if err != nil {
		return nil, err
	}
	return &jsonschema.Schema{
		Version:     jsonschema.Version,
		ID:          jsonschema.ID(BaseID + FileName(string(k))),
		Title:       "backstop " + string(k),
		Description: fmt.Sprintf("A backstop document of kind %s (docs/language.md). Generated from internal/model by internal/schema: do not edit.", k),
		Ref:         "#/$defs/" + documents[k].Name(),
		Definitions: defs,
	}, nil
}

// allSchema is the schema of any kind: the header checked first (kind
// among the kinds, so that editors complete it), then one if/then per
// kind. if/then rather than oneOf: a document of a kind is checked
// against that kind's schema alone, so an error names its field instead
// of "matches none of eight alternatives".
func allSchema(comments func(string) string) (*jsonschema.Schema, error) {
	defs := jsonschema.Definitions{}
	var branches []*jsonschema.Schema
	for _, k := range model.Kinds {
		kd, err := reflectKind(k, comments)
		if err != nil {
			return nil, err
		}
		if err := mergeDefs(defs, kd); err != nil {
			return nil, err
		}
		branches = append(branches, &jsonschema.Schema{
			If:   &jsonschema.Schema{Properties: props("kind", &jsonschema.Schema{Const: string(k)}), Required: []string{"kind"}},
			Then: &jsonschema.Schema{Ref: "#/$defs/" + documents[k].Name()},
		})
	}
	return &jsonschema.Schema{
		Version:     jsonschema.Version,
		ID:          jsonschema.ID(BaseID + AllFileName),
		Title:       "backstop document",
		Description: "A backstop document of any kind (docs/language.md), checked against the schema of its kind. Generated from internal/model by internal/schema: do not edit.",
		Type:        "object",
		Properties:  props("backstop", versionSchema(), "kind", kindEnum()),
		Required:    []string{"backstop", "kind"},
		AllOf:       branches,
		Definitions: defs,
	}, nil
}

// mergeDefs adds src's definitions to dst. Every kind is reflected with
// the same rules, so a type reached from two kinds has one definition;
// a difference would be a bug here, reported rather than hidden.
func mergeDefs(dst, src jsonschema.Definitions) error {
	for name, s := range src {
		if prev, ok := dst[name]; ok {
			a, _ := json.Marshal(prev)
			b, _ := json.Marshal(s)
			if !bytes.Equal(a, b) {
				return fmt.Errorf("schema: two definitions of %s", name)
			}
			continue
		}
		dst[name] = s
	}
	return nil
}

func versionSchema() *jsonschema.Schema {
	return &jsonschema.Schema{Type: "string", Const: model.Version,
		Description: "The version of the document language: v1."}
}

func kindEnum() *jsonschema.Schema {
	s := &jsonschema.Schema{Type: "string", Description: "The kind of the document."}
	for _, k := range Kinds() {
		s.Enum = append(s.Enum, k)
	}
	return s
}

// props builds an ordered properties map from name, schema pairs.
func props(pairs ...any) *orderedmap.OrderedMap[string, *jsonschema.Schema] {
	m := jsonschema.NewProperties()
	for i := 0; i+1 < len(pairs); i += 2 {
		m.Set(pairs[i].(string), pairs[i+1].(*jsonschema.Schema))
	}
	return m
}

// sortedNames returns a definitions map's names in order, so that every
// pass over them is deterministic.
func sortedNames(defs jsonschema.Definitions) []string {
	names := make([]string, 0, len(defs))
	for n := range defs {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
