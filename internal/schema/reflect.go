package schema

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/invopop/jsonschema"

	"github.com/backstop-dev/backstop/internal/model"
)

// reflectKind reflects the document type of kind k and returns its
// definitions, adjusted to what the loader accepts: required fields from
// the `,required` tag option, empty values of optional fields, the value
// types, the header fields and the id patterns.
func reflectKind(k model.Kind, comments func(string) string) (jsonschema.Definitions, error) {
	root, ok := documents[k]
	if !ok {
		return nil, fmt.Errorf("schema: no document type for kind %s", k)
	}
	values := valueSchemas()
	used := map[reflect.Type]bool{}
	structs := map[string]reflect.Type{}
	var missing []string
	r := &jsonschema.Reflector{
		FieldNameTag: "yaml",
		// invopop requires every field not tagged omitempty; the model
		// marks required fields with yaml:",required" instead, which
		// requireFields reads.
		RequiredFromJSONSchemaTags: true,
		Mapper:                     mapper(values, used, &missing),
		// Namer records the struct types by definition name, for the
		// passes below that read their tags; it names nothing itself.
		Namer: func(t reflect.Type) string {
			if t.Kind() == reflect.Struct && t.Name() != "" {
				structs[t.Name()] = t
			}
			return ""
		},
		LookupComment: func(t reflect.Type, field string) string {
			return comments(commentKey(t, field))
		},
	}
	defs := r.ReflectFromType(root).Definitions
	if len(missing) > 0 {
		return nil, fmt.Errorf("schema: no schema for the value types %s (add them to valueSchemas)", strings.Join(missing, ", "))
	}
	for _, name := range sortedNames(defs) {
		if t, ok := structs[name]; ok {
			requireFields(defs[name], t)
			allowEmpty(defs[name])
		}
	}
	addValueDefs(defs, values, used, comments)
	addPatterns(defs)
	if stale := addBounds(defs); len(stale) > 0 {
		return nil, fmt.Errorf("schema: bounds name fields that are not numbers of the model: %s", strings.Join(stale, ", "))
	}
	addHeader(defs[root.Name()], k)
	return defs, nil
}

// commentKey is the key of a type's or field's doc comment in a comment
// map, as invopop's AddGoComments builds it.
func commentKey(t reflect.Type, field string) string {
	key := t.PkgPath() + "." + t.Name()
	if field != "" {
		key += "." + field
	}
	return key
}

// requireFields sets the required fields of a struct's definition from
// the yaml tags, as internal/load's decoder reads them.
func requireFields(s *jsonschema.Schema, t reflect.Type) {
	s.Required = nil
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name != "" && name != "-" && opts == "required" {
			s.Required = append(s.Required, name)
		}
	}
}

// allowEmpty lets every optional field take an empty value (`posture:`
// with nothing after it), which the loader reads as the field left out.
// A required field given empty is an error there, so it stays strict.
func allowEmpty(s *jsonschema.Schema) {
	if s.Properties == nil {
		return
	}
	for pair := s.Properties.Oldest(); pair != nil; pair = pair.Next() {
		name, p := pair.Key, pair.Value
		if slices.Contains(s.Required, name) {
			continue
		}
		inner := *p
		inner.Description = ""
		s.Properties.Set(name, &jsonschema.Schema{
			Description: p.Description,
			AnyOf:       []*jsonschema.Schema{&inner, {Type: "null"}},
		})
	}
}

// addValueDefs adds the definition of every value type the reflection
// used, described by its Go doc comment unless its schema has its own.
func addValueDefs(defs jsonschema.Definitions, values map[reflect.Type]func() *jsonschema.Schema, used map[reflect.Type]bool, comments func(string) string) {
	for t := range used {
		s := values[t]()
		if s.Description == "" {
			s.Description = comments(commentKey(t, ""))
		}
		defs[t.Name()] = s
	}
}

// idPatterns lists the fields whose values the loader checks for syntax
// (invalid-id): the ids of documents and of list items, which must be
// slugs. Incident ids are free text and breach ids have their own form,
// so neither is here.
var idPatterns = map[string][]string{
	"Framework":         {"id"},
	"Scenario":          {"id"},
	"Corroboration":     {"id"},
	"Finding":           {"id"},
	"Action":            {"id"},
	"TerritorialOption": {"id"},
	"Restriction":       {"id"},
	"Requirement":       {"id"},
	"Trigger":           {"id"},
	"Response":          {"id"},
	"Step":              {"id"},
	"Pledge":            {"id"},
	"Commitment":        {"id"},
	"Axis":              {"id"},
}

// addPatterns adds the syntax of ids and party codes where the loader
// checks it, so that an editor flags a bad id as it is typed.
func addPatterns(defs jsonschema.Definitions) {
	for name, fields := range idPatterns {
		s := defs[name]
		if s == nil {
			continue
		}
		for _, f := range fields {
			if p, ok := s.Properties.Get(f); ok && isText(p) {
				p.Pattern = slugPattern
			}
		}
	}
	if f := defs["Framework"]; f != nil {
		if p, ok := f.Properties.Get("parties"); ok {
			p.PropertyNames = &jsonschema.Schema{Pattern: partyPattern}
		}
	}
	if s := defs["Scenario"]; s != nil {
		if p, ok := s.Properties.Get("politics"); ok {
			for _, alt := range append([]*jsonschema.Schema{p}, p.AnyOf...) {
				if alt.Type == "object" {
					alt.PropertyNames = &jsonschema.Schema{Pattern: politicsKeyPattern}
				}
			}
		}
	}
	if b := defs["BreachRef"]; b != nil {
		if p, ok := b.Properties.Get("id"); ok {
			for _, alt := range p.AnyOf {
				if isText(alt) {
					alt.Pattern = breachIDPattern
				}
			}
		}
	}
}

// addHeader adds `backstop` and `kind` to a document type's definition,
// first so that editors offer them first, and requires them: they are
// read before the document is decoded, so the model has no field for
// them.
func addHeader(s *jsonschema.Schema, k model.Kind) {
	p := props("backstop", versionSchema(), "kind", &jsonschema.Schema{Type: "string", Const: string(k), Description: "The kind of the document."})
	for pair := s.Properties.Oldest(); pair != nil; pair = pair.Next() {
		p.Set(pair.Key, pair.Value)
	}
	s.Properties = p
	s.Required = append([]string{"backstop", "kind"}, s.Required...)
}
