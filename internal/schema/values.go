package schema

import (
	"encoding"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/invopop/jsonschema"

	"github.com/backstop-dev/backstop/internal/model"
)

// Patterns of the value syntaxes the model parses. They are written here
// because the model's parsers are Go code (time.Parse, regexps inside
// ParseUnit); TestValuePatterns checks them against those parsers on a
// table of accepted and refused values, so the two cannot drift apart
// silently.
const (
	// datePattern is YYYY-MM-DD from 1900 on (model.ParseDate refuses
	// earlier years so that 0001-01-01 never reads as "not given"); days
	// that do not exist (2025-02-30) are left to format "date".
	datePattern = `^(19|[2-9][0-9])[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$`
	// timestampPattern is RFC 3339 (time.RFC3339Nano, any offset) or a
	// bare date, as model.Timestamp reads it.
	timestampPattern = `^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])` +
		`(T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9]))?$`
	// goDuration is a non-empty sequence of Go duration terms.
	goDuration = `(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+`
	// durationPattern is model.ParseDuration: days, Go syntax, or both
	// (days first); "0" alone is Go syntax for zero.
	durationPattern = `^(0|[0-9]+d(0|` + goDuration + `)?|` + goDuration + `)$`
	// unitPattern is model.ParseUnit's grammar: money or a count.
	unitPattern = `^([A-Z]{3}-(bn|m)(/yr)?|[a-z][a-z0-9-]*(/yr)?)$`
	// ratePattern names a framework rate (load reports others as
	// invalid-rate).
	ratePattern = `^[A-Z]{3}-per-EUR$`
	// partyPattern is model.ValidPartyID.
	partyPattern = `^[A-Z][A-Z0-9_-]{1,7}$`
	// politicsKeyPattern is a scenario's politics key: a party or default.
	politicsKeyPattern = `^([A-Z][A-Z0-9_-]{1,7}|default)$`
	// breachIDPattern is the id backstop monitor prints for a breach.
	breachIDPattern = `^B-[0-9a-f]{10}$`
	// slugPattern is model.ValidSlug.
	slugPattern = `^[a-z0-9]+(-[a-z0-9]+)*$`
)

// valueSchemas gives the schema of every model type that is written as a
// single scalar (it implements encoding.TextUnmarshaler), keyed by its
// type. The reflector would otherwise describe them by their Go shape
// (Date as an object, Domain as any string), which is not what a document
// holds. Enumerations list the model's own value lists, so that a value
// added to the model appears in the schema at the next `-update`.
func valueSchemas() map[reflect.Type]func() *jsonschema.Schema {
	return map[reflect.Type]func() *jsonschema.Schema{
		typeOf[model.Domain]():           enum(model.Domains),
		typeOf[model.Posture]():          enum(model.Postures),
		typeOf[model.Role]():             enum(model.Roles),
		typeOf[model.Status]():           enum(model.Statuses),
		typeOf[model.LegalForm]():        enum(model.LegalForms),
		typeOf[model.SignOff]():          enum(model.SignOffs),
		typeOf[model.Approval]():         enum(model.Approvals),
		typeOf[model.Severity]():         enum(model.Severities),
		typeOf[model.Mode]():             enum(model.Modes),
		typeOf[model.ForceType]():        enum(model.ForceTypes),
		typeOf[model.DefencePosture]():   enum(model.DefencePostures),
		typeOf[model.Terrain]():          enum(model.Terrains),
		typeOf[model.Binding]():          enum(model.Bindings),
		typeOf[model.CommitmentStatus](): enum(model.CommitmentStatuses),
		typeOf[model.FindingStatus]():    enum(model.FindingStatuses),
		typeOf[model.ActionKind]():       enum(model.ActionKinds),
		typeOf[model.Layer]():            layerSchema,
		typeOf[model.Date]():             dateSchema,
		typeOf[model.Timestamp]():        timestampSchema,
		typeOf[model.Duration]():         durationSchema,
		typeOf[model.Availability]():     availabilitySchema,
		typeOf[model.Unit]():             unitSchema,
		typeOf[model.Rates]():            ratesSchema,
	}
}

func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

// enum is the schema of a string enumeration; the description is the Go
// doc comment of the type, added by the reflector's comment lookup.
func enum[T ~string](values []T) func() *jsonschema.Schema {
	return func() *jsonschema.Schema {
		s := &jsonschema.Schema{Type: "string"}
		for _, v := range values {
			s.Enum = append(s.Enum, string(v))
		}
		return s
	}
}

// layerSchema: model.Layer keeps no list of its values (its parser
// switches on "1" and "2"), so they are written here.
func layerSchema() *jsonschema.Schema {
	return &jsonschema.Schema{Type: "integer", Enum: []any{1, 2},
		Description: "1: the beneficiary's own forces made as strong as possible; 2: the guarantors' own commitments."}
}

func dateSchema() *jsonschema.Schema {
	return &jsonschema.Schema{Type: "string", Format: "date", Pattern: datePattern,
		Description: "A date, YYYY-MM-DD (1900 or later; a day that does not exist is an error).",
		Examples:    []any{"2025-09-01"}}
}

func timestampSchema() *jsonschema.Schema {
	return &jsonschema.Schema{Type: "string", Pattern: timestampPattern,
		Description: "A time: RFC 3339 with any offset (converted to UTC), or a bare date YYYY-MM-DD meaning midnight UTC.",
		Examples:    []any{"2025-09-14T03:10:00Z", "2025-09-14"}}
}

func durationSchema() *jsonschema.Schema {
	return &jsonschema.Schema{Type: "string", Pattern: durationPattern,
		Description: "A duration: Go syntax plus days, such as 90m, 24h, 30d or 1d12h; never negative.",
		Examples:    []any{"24h", "72h", "30d"}}
}

// availabilitySchema offers "now" as a constant so that editors complete
// it, beside any date.
func availabilitySchema() *jsonschema.Schema {
	return &jsonschema.Schema{
		Description: "When a pledge can be used: now (the default), or from a date YYYY-MM-DD.",
		AnyOf:       []*jsonschema.Schema{{Type: "string", Const: "now"}, dateSchema()},
	}
}

// unitSchema lists the known units (model.KnownUnits) for completion,
// but accepts any unit of the grammar, as the loader does (a near miss
// of a known unit is only a warning there).
func unitSchema() *jsonschema.Schema {
	known := &jsonschema.Schema{Type: "string"}
	for _, u := range model.KnownUnits {
		known.Enum = append(known.Enum, u)
	}
	return &jsonschema.Schema{
		Description: "A unit: a lower-case count (troops, aircraft), optionally /yr, or money: a currency code, -bn or -m, optionally /yr (EUR-bn/yr).",
		AnyOf:       []*jsonschema.Schema{known, {Type: "string", Pattern: unitPattern}},
	}
}

func ratesSchema() *jsonschema.Schema {
	return &jsonschema.Schema{Type: "object",
		Description:          "Exchange rates keyed XXX-per-EUR: how many units of currency XXX one euro buys (default USD-per-EUR 1.08).",
		PropertyNames:        &jsonschema.Schema{Pattern: ratePattern},
		AdditionalProperties: &jsonschema.Schema{Type: "number", ExclusiveMinimum: "0"},
		Examples:             []any{map[string]any{"USD-per-EUR": 1.08}}}
}

// textTypes are the JSON types of a text field. The loader reads any
// scalar into a text field as written (`id: 7` is the id "7", `name:
// true` the name "true"), so the schema accepts numbers and booleans
// there too rather than flag what backstop loads.
var textTypes = []string{"string", "number", "boolean"}

func textSchema() *jsonschema.Schema {
	return &jsonschema.Schema{Extras: map[string]any{"type": textTypes}}
}

// isText reports whether s is a textSchema.
func isText(s *jsonschema.Schema) bool {
	types, ok := s.Extras["type"].([]string)
	return ok && slices.Equal(types, textTypes)
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// mapper returns the Reflector's Mapper: a reference to $defs/<Name> for
// every value type (the definitions are added once reflection is done,
// see addValueDefs), nil for the rest. A model type that parses itself
// from text but has no schema here is recorded in *missing, so that a
// new value type fails generation instead of being described as an
// object.
func mapper(values map[reflect.Type]func() *jsonschema.Schema, used map[reflect.Type]bool, missing *[]string) func(reflect.Type) *jsonschema.Schema {
	return func(t reflect.Type) *jsonschema.Schema {
		if t == typeOf[string]() {
			return textSchema()
		}
		if _, ok := values[t]; ok {
			used[t] = true
			return &jsonschema.Schema{Ref: "#/$defs/" + t.Name()}
		}
		if reflect.PointerTo(t).Implements(textUnmarshaler) && strings.HasPrefix(t.PkgPath(), modulePath) {
			*missing = append(*missing, fmt.Sprintf("%s.%s", t.PkgPath(), t.Name()))
		}
		return nil
	}
}
