package model_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/model"
)

// unmarshalAs decodes b into a fresh T and returns the result as a string.
func unmarshalAs[T ~string](b []byte) (string, error) {
	var v T
	err := any(&v).(interface{ UnmarshalText([]byte) error }).UnmarshalText(b)
	return string(v), err
}

func asStrings[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

func TestEnumUnmarshalText(t *testing.T) {
	for _, tc := range []struct {
		what      string
		unmarshal func([]byte) (string, error)
		// list is the exported list of values; allowed is what SPEC.md allows.
		list    []string
		allowed []string
		invalid []string
	}{
		{
			what: "domain", unmarshal: unmarshalAs[model.Domain], list: asStrings(model.Domains),
			allowed: []string{"land", "air", "air-defense", "maritime", "cyber", "isr", "training", "equipment", "logistics", "funding", "sanctions"},
			invalid: []string{"", "Land", "lnd", "navy", "air defense", " land"},
		},
		{
			what: "posture", unmarshal: unmarshalAs[model.Posture], list: asStrings(model.Postures),
			allowed: []string{"in-theatre", "in-region", "over-the-horizon"},
			invalid: []string{"", "in-theater", "in theatre", "IN-THEATRE", "offshore"},
		},
		{
			what: "role", unmarshal: unmarshalAs[model.Role], list: asStrings(model.Roles),
			allowed: []string{"guarantor", "beneficiary", "consulted", "observer", "secretariat", "monitor"},
			invalid: []string{"", "guarantors", "Guarantor", "ally"},
		},
		{
			what: "approval", unmarshal: unmarshalAs[model.Approval], list: asStrings(model.Approvals),
			allowed: []string{"pending", "approved", "rejected", "not-required"},
			invalid: []string{"", "approve", "not required", "yes"},
		},
		{
			what: "mode", unmarshal: unmarshalAs[model.Mode], list: asStrings(model.Modes),
			allowed: []string{"automatic", "consultation", "decision"},
			invalid: []string{"", "auto", "Decision", "vote"},
		},
		{
			what: "severity", unmarshal: unmarshalAs[model.Severity], list: asStrings(model.Severities),
			allowed: []string{"minor", "serious", "grave"},
			invalid: []string{"", "major", "critical", "Grave"},
		},
		{
			what: "status", unmarshal: unmarshalAs[model.Status], list: asStrings(model.Statuses),
			allowed: []string{"draft", "agreed", "in-force", "lapsed"},
			invalid: []string{"", "in force", "signed", "Draft"},
		},
		{
			what: "legal_form", unmarshal: unmarshalAs[model.LegalForm], list: asStrings(model.LegalForms),
			allowed: []string{"treaty", "executive-agreement", "political-declaration", "bilateral-accord"},
			invalid: []string{"", "treaties", "memorandum", "Treaty"},
		},
		{
			what: "sign-off", unmarshal: unmarshalAs[model.SignOff], list: asStrings(model.SignOffs),
			allowed: []string{"none", "parliament", "referendum"},
			invalid: []string{"", "congress", "parlament", "None"},
		},
	} {
		t.Run(tc.what, func(t *testing.T) {
			if !slices.Equal(tc.list, tc.allowed) {
				t.Errorf("exported list = %v, want %v", tc.list, tc.allowed)
			}
			for _, v := range tc.allowed {
				t.Run(v, func(t *testing.T) {
					got, err := tc.unmarshal([]byte(v))
					if err != nil || got != v {
						t.Errorf("UnmarshalText(%q) = %q, %v; want %q, nil", v, got, err, v)
					}
				})
			}
			for _, v := range tc.invalid {
				t.Run("invalid/"+v, func(t *testing.T) {
					got, err := tc.unmarshal([]byte(v))
					if err == nil {
						t.Fatalf("UnmarshalText(%q) = %q, want an error", v, got)
					}
					if got != "" {
						t.Errorf("UnmarshalText(%q) set the value to %q on error", v, got)
					}
					msg := err.Error()
					if want := "unknown " + tc.what + ` "` + v + `"`; !strings.Contains(msg, want) {
						t.Errorf("error %q does not contain %q", msg, want)
					}
					if want := "expected one of " + strings.Join(tc.allowed, ", "); !strings.Contains(msg, want) {
						t.Errorf("error %q does not contain %q", msg, want)
					}
					if s := model.Suggest(v, tc.allowed); s != "" {
						if want := `(did you mean "` + s + `"?)`; !strings.HasSuffix(msg, want) {
							t.Errorf("error %q does not end with %q", msg, want)
						}
					} else if strings.Contains(msg, "did you mean") {
						t.Errorf("error %q suggests something though Suggest gives nothing", msg)
					}
				})
			}
		})
	}
}

func TestEnumErrorSuggestions(t *testing.T) {
	for _, tc := range []struct {
		name      string
		unmarshal func([]byte) (string, error)
		in        string
		want      string // "" means no suggestion
	}{
		{"domain lnd", unmarshalAs[model.Domain], "lnd", "land"},
		{"domain Land", unmarshalAs[model.Domain], "Land", "land"},
		{"domain air defense", unmarshalAs[model.Domain], "air defense", "air-defense"},
		{"domain navy", unmarshalAs[model.Domain], "navy", ""},
		{"posture in-theater", unmarshalAs[model.Posture], "in-theater", "in-theatre"},
		{"role guarantors", unmarshalAs[model.Role], "guarantors", "guarantor"},
		{"sign-off parlament", unmarshalAs[model.SignOff], "parlament", "parliament"},
		{"mode vote", unmarshalAs[model.Mode], "vote", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.unmarshal([]byte(tc.in))
			if err == nil {
				t.Fatalf("UnmarshalText(%q) succeeded", tc.in)
			}
			has := strings.Contains(err.Error(), "did you mean")
			switch {
			case tc.want == "" && has:
				t.Errorf("error %q has a suggestion, want none", err)
			case tc.want != "" && !strings.Contains(err.Error(), `(did you mean "`+tc.want+`"?)`):
				t.Errorf("error %q does not suggest %q", err, tc.want)
			}
		})
	}
}

func TestLayerUnmarshalText(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    model.Layer
		wantErr bool
	}{
		{in: "1", want: 1},
		{in: "2", want: 2},
		{in: " 2 ", want: 2},
		{in: "0", wantErr: true},
		{in: "3", wantErr: true},
		{in: "-1", wantErr: true},
		{in: "01", wantErr: true},
		{in: "one", wantErr: true},
		{in: "1.0", wantErr: true},
		{in: "", wantErr: true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			var l model.Layer
			err := l.UnmarshalText([]byte(tc.in))
			if tc.wantErr {
				if err == nil {
					t.Fatalf("UnmarshalText(%q) = %d, want an error", tc.in, l)
				}
				if l != 0 {
					t.Errorf("UnmarshalText(%q) set the layer to %d on error", tc.in, l)
				}
				msg := err.Error()
				if !strings.Contains(msg, "must be 1") || !strings.Contains(msg, "or 2") || !strings.Contains(msg, `"`+tc.in+`"`) {
					t.Errorf("error %q should list 1 and 2 and quote the input", msg)
				}
				return
			}
			if err != nil || l != tc.want {
				t.Errorf("UnmarshalText(%q) = %d, %v; want %d, nil", tc.in, l, err, tc.want)
			}
		})
	}
}

func TestSuggest(t *testing.T) {
	domains := asStrings(model.Domains)
	postures := asStrings(model.Postures)
	for _, tc := range []struct {
		name       string
		in         string
		candidates []string
		want       string
	}{
		{"lnd", "lnd", domains, "land"},
		{"in-theater", "in-theater", postures, "in-theatre"},
		{"unrelated", "helicopter", domains, ""},
		{"unrelated posture", "offshore", postures, ""},
		{"tie goes to the longer common prefix", "USA", []string{"GB", "RU", "UA", "US"}, "US"},
		{"exact", "maritime", domains, "maritime"},
		{"case-insensitive", "CYBER", domains, "cyber"},
		{"case-insensitive keeps candidate spelling", "eur-bn", []string{"EUR-bn"}, "EUR-bn"},
		{"one edit on a short word", "ai", domains, "air"},
		{"two edits on a short word", "a", []string{"air"}, ""},
		{"closest wins", "isrr", domains, "isr"},
		{"a third of the letters", "ovr-the-horzon", postures, "over-the-horizon"},
		{"more than a third", "ov-th-hz", postures, ""},
		{"empty input", "", domains, ""},
		{"no candidates", "land", nil, ""},
		{"first of equals", "ab", []string{"abc", "abd"}, "abc"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := model.Suggest(tc.in, tc.candidates); got != tc.want {
				t.Errorf("Suggest(%q, %v) = %q, want %q", tc.in, tc.candidates, got, tc.want)
			}
		})
	}
}
