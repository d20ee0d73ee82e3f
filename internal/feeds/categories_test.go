package feeds

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseCategories(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		want  map[string]map[string]string
		diags []string
	}{
		{
			name: "good",
			src: "categories:\n" +
				"  acled:\n" +
				"    \"Shelling/artillery/missile attack\": shelling\n" +
				"    Disrupted weapons use: drone_strike\n" +
				"  ucdp: {one-sided: violence_against_civilians}\n" +
				"  mine: {}\n",
			want: map[string]map[string]string{
				"acled": {"Shelling/artillery/missile attack": TypeShelling, "Disrupted weapons use": TypeDroneStrike},
				"ucdp":  {"one-sided": TypeCivilianHarm},
				"mine":  {},
			},
		},
		{
			name: "every problem, in order",
			src: "categories:\n" +
				"  acled:\n" +
				"    Armed clash: battel\n" +
				"    Armed clash: battle\n" +
				"    Grenade: [explosion]\n" +
				"    Attack: murder\n" +
				"  ucdp: one-sided\n" +
				"categorys: {}\n",
			want: map[string]map[string]string{"acled": {}, "ucdp": {}},
			diags: []string{
				`c.yaml:3:18: error: categories.acled["Armed clash"]: unknown incident type "battel"; did you mean "battle"?`,
				`c.yaml:4:5: error: categories.acled: duplicate key "Armed clash" (first given at line 3)`,
				`c.yaml:5:14: error: categories.acled["Grenade"]: expected a string, got a list`,
				`c.yaml:6:13: error: categories.acled["Attack"]: unknown incident type "murder"; expected one of missile_strike, drone_strike, air_strike, shelling, ground_assault, battle, explosion, air_raid_alert, violence_against_civilians, protest, strategic_development, other`,
				`c.yaml:7:9: error: categories.ucdp: expected a mapping, got "one-sided"`,
				`c.yaml:8:1: error: the category file: unknown key "categorys"; did you mean "categories"?`,
			},
		},
		{
			name:  "missing categories",
			src:   "# nothing but a comment\n{}\n",
			want:  map[string]map[string]string{},
			diags: []string{`c.yaml:2:1: error: missing ` + "`categories`" + `: a mapping of format → source category → incident type`},
		},
		{
			name:  "syntax",
			src:   "categories:\n  acled: {a: b\n",
			diags: []string{`c.yaml:3:1: error: YAML syntax: did not find expected ',' or '}'`},
		},
		{
			name:  "empty",
			src:   "",
			diags: []string{`c.yaml: error: the file is empty`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ds := ParseCategories("c.yaml", []byte(tt.src))
			var lines []string
			for _, d := range ds {
				lines = append(lines, d.String())
			}
			if strings.Join(lines, "\n") != strings.Join(tt.diags, "\n") {
				t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(tt.diags, "\n"))
			}
			if !maps.EqualFunc(got, tt.want, maps.Equal) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestReadCategories(t *testing.T) {
	path := filepath.Join(t.TempDir(), "categories.yaml")
	if err := os.WriteFile(path, []byte("categories: {acled: {Grenade: explosion}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, ds := ReadCategories(path)
	if ds != nil || got["acled"]["Grenade"] != TypeExplosion {
		t.Errorf("got %v, %v", got, ds)
	}
	_, ds = ReadCategories(filepath.Join(t.TempDir(), "missing.yaml"))
	if len(ds) != 1 || !strings.HasSuffix(ds[0].String(), "missing.yaml: error: no such file or directory") {
		t.Errorf("missing file: %v", ds)
	}
}

func TestTypes(t *testing.T) {
	if len(Types()) != 12 || !IsType(TypeShelling) || IsType("shell") {
		t.Errorf("Types() = %v", Types())
	}
}
