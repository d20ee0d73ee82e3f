package schema

import (
	"encoding/json"
	"strconv"

	"github.com/invopop/jsonschema"

	"github.com/backstop-dev/backstop/internal/load"
)

// bound is the range the loader enforces on a number field whenever the
// field is given (invalid-quantity, invalid-coordinates, invalid-value).
// Bounds that depend on other fields (delivered at most quantity, shares
// adding up to 1, battalions required unless units are given) are left
// to the loader.
type bound struct {
	def, field string
	// min is inclusive unless exclusive is set; "" is no bound.
	min, max  string
	exclusive bool
}

// bounds lists the loader's unconditional ranges (internal/load rules.go,
// validate*.go), by definition and field name.
var bounds = []bound{
	{def: "Requirement", field: "quantity", min: "0", exclusive: true},
	{def: "Pledge", field: "quantity", min: "0", exclusive: true},
	{def: "Pledge", field: "delivered", min: "0"},
	{def: "PledgeFulfilment", field: "quantity", min: "0", exclusive: true},
	{def: "Party", field: "gdp_usd_bn", min: "0"},
	{def: "Declaration", field: "revision", min: "0"},
	{def: "Incident", field: "lat", min: "-90", max: "90"},
	{def: "Incident", field: "lon", min: "-180", max: "180"},
	{def: "Incident", field: "fatalities", min: "0"},
	{def: "Corroboration", field: "distance_km", min: "0", exclusive: true},
	{def: "CorroborationSource", field: "reliability", min: "0"},
	{def: "CorroborationSource", field: "points", min: "0"},
	{def: "Scenario", field: "runs", min: "1", max: strconv.Itoa(load.MaxRuns)},
	{def: "Scenario", field: "approval", min: "0", max: "1"},
	{def: "ModelParams", field: "warning_response", min: "0", max: "1"},
	{def: "Force", field: "air_defense", min: "0", max: "1"},
	{def: "Politics", field: "decide", min: "0", max: "1"},
	{def: "Politics", field: "delay", min: "0", exclusive: true},
	{def: "Politics", field: "spread", min: "0"},
	{def: "Strike", field: "share", min: "0", max: "1"},
	{def: "Axis", field: "share", min: "0", max: "1", exclusive: true},
	{def: "Buffer", field: "km", min: "0", exclusive: true},
}

// addBounds sets the bounds on the number schemas of their fields; a
// bound naming a field that is gone is an error, so the table cannot
// outlive the model silently.
func addBounds(defs jsonschema.Definitions) []string {
	var stale []string
	for _, b := range bounds {
		n := numberIn(defs[b.def], b.field)
		if n == nil {
			if defs[b.def] != nil {
				stale = append(stale, b.def+"."+b.field)
			}
			continue
		}
		switch {
		case b.min != "" && b.exclusive:
			n.ExclusiveMinimum = json.Number(b.min)
		case b.min != "":
			n.Minimum = json.Number(b.min)
		}
		if b.max != "" {
			n.Maximum = json.Number(b.max)
		}
	}
	return stale
}

// numberIn finds the number schema of a field: the property itself, or
// its non-null alternative when the field is optional (allowEmpty).
func numberIn(def *jsonschema.Schema, field string) *jsonschema.Schema {
	if def == nil || def.Properties == nil {
		return nil
	}
	p, ok := def.Properties.Get(field)
	if !ok {
		return nil
	}
	for _, s := range append([]*jsonschema.Schema{p}, p.AnyOf...) {
		if s.Type == "number" || s.Type == "integer" {
			return s
		}
	}
	return nil
}
