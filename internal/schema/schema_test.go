package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	validator "github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v4"

	"github.com/backstop-dev/backstop/internal/model"
)

// schemas compiles every kind's schema and the schema of any kind (key
// ""), asserting formats as an editor does (format "date" refuses
// 2025-02-30).
func schemas(t *testing.T) map[string]*validator.Schema {
	t.Helper()
	c := validator.NewCompiler()
	c.AssertFormat()
	ids := map[string]string{"": BaseID + AllFileName}
	add := func(id string, b []byte, err error) {
		if err != nil {
			t.Fatal(err)
		}
		doc, err := validator.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.AddResource(id, doc); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range Kinds() {
		ids[k] = BaseID + FileName(k)
		b, err := JSON(k)
		add(ids[k], b, err)
	}
	b, err := All()
	add(ids[""], b, err)
	out := map[string]*validator.Schema{}
	for k, id := range ids {
		s, err := c.Compile(id)
		if err != nil {
			t.Fatalf("compile %s: %v", id, err)
		}
		out[k] = s
	}
	return out
}

// document is one YAML document read as JSON values, with where it came
// from.
type document struct {
	where string
	kind  string
	value any
}

// readDocuments reads every document of a YAML stream.
func readDocuments(t *testing.T, where string, src []byte) []document {
	t.Helper()
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var docs []document
	for i := 0; ; i++ {
		var n yaml.Node
		if err := dec.Decode(&n); errors.Is(err, io.EOF) {
			return docs
		} else if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		v, err := jsonValue(&n)
		if err != nil {
			t.Fatalf("%s document %d: %v", where, i+1, err)
		}
		m, _ := v.(map[string]any)
		kind, _ := m["kind"].(string)
		docs = append(docs, document{fmt.Sprintf("%s document %d", where, i+1), kind, v})
	}
}

// jsonValue converts a YAML node into the values JSON would hold, as an
// editor's YAML language server sees them: numbers and booleans by their
// YAML tag, everything else as its text (a date such as 2025-09-01 is
// the string the schema expects, never a time).
func jsonValue(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return jsonValue(n.Content[0])
	case yaml.AliasNode:
		return jsonValue(n.Alias)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := jsonValue(c)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := jsonValue(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			out[n.Content[i].Value] = v
		}
		return out, nil
	}
	return scalar(n)
}

func scalar(n *yaml.Node) (any, error) {
	v := strings.ReplaceAll(n.Value, "_", "")
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool":
		return strings.EqualFold(n.Value, "true"), nil
	case "!!int":
		if i, err := strconv.ParseInt(v, 0, 64); err == nil {
			return i, nil
		}
		return strconv.ParseFloat(v, 64)
	case "!!float":
		return strconv.ParseFloat(v, 64)
	}
	return n.Value, nil
}

// validate checks a document against its kind's schema and the schema of
// any kind; both must agree.
func validate(t *testing.T, sch map[string]*validator.Schema, d document) error {
	t.Helper()
	// the validator wants the values its own JSON decoder makes
	b, err := json.Marshal(d.value)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := validator.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	errAll := sch[""].Validate(inst)
	s, ok := sch[d.kind]
	if !ok {
		if errAll == nil {
			t.Errorf("%s: kind %q is accepted by %s", d.where, d.kind, AllFileName)
		}
		return errAll
	}
	errKind := s.Validate(inst)
	if (errKind == nil) != (errAll == nil) {
		t.Errorf("%s: %s and %s disagree:\n%v\n%v", d.where, FileName(d.kind), AllFileName, errKind, errAll)
	}
	return errKind
}

// TestExamples validates every document of examples/ against its kind's
// schema.
func TestExamples(t *testing.T) {
	sch := schemas(t)
	var files []string
	err := filepath.WalkDir(filepath.Join("..", "..", "examples"), func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range readDocuments(t, f, src) {
			if d.kind == "" {
				continue // not a backstop document (none today)
			}
			n++
			if err := validate(t, sch, d); err != nil {
				t.Errorf("%s: %v", d.where, err)
			}
		}
	}
	if n < 20 {
		t.Errorf("validated %d example documents; examples/ not found?", n)
	}
}

var yamlBlock = regexp.MustCompile("(?s)```yaml\n(.*?)```")

// TestLanguageReference validates every whole document (with backstop
// and kind) among the YAML blocks of docs/language.md, and of SPEC.md
// when the shared folder sits beside the repository.
func TestLanguageReference(t *testing.T) {
	sch := schemas(t)
	for _, path := range []string{
		filepath.Join("..", "..", "docs", "language.md"),
		filepath.Join("..", "..", "..", "shared", "SPEC.md"),
	} {
		md, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) && strings.HasSuffix(path, "SPEC.md") {
			t.Logf("%s not found; skipped", path)
			continue
		} else if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]bool{}
		for i, m := range yamlBlock.FindAllSubmatch(md, -1) {
			for _, d := range readDocuments(t, fmt.Sprintf("%s block %d", path, i+1), m[1]) {
				if mv, ok := d.value.(map[string]any); !ok || mv["backstop"] == nil || d.kind == "" {
					continue
				}
				kinds[d.kind] = true
				if err := validate(t, sch, d); err != nil {
					t.Errorf("%s: %v", d.where, err)
				}
			}
		}
		if strings.HasSuffix(path, "language.md") && len(kinds) != len(Kinds()) {
			t.Errorf("%s: documents of %d kinds validated, want every kind (%d)", path, len(kinds), len(Kinds()))
		}
	}
}

// TestInvalid checks that a schema refuses each mistake, with an error
// naming the offending field.
func TestInvalid(t *testing.T) {
	sch := schemas(t)
	const framework = "backstop: v1\nkind: Framework\nid: f\nbeneficiary: UA\nparties: {UA: {role: beneficiary}}\n"
	const pledge = "backstop: v1\nkind: Declaration\nframework: f\nparty: GB\ndate: 2025-09-04\npledges:\n  - {id: p, layer: 2, domain: %s, quantity: 1, unit: troops%s}\n"
	for _, tc := range []struct{ name, doc, want string }{
		{"unknown field", framework + "titel: x\n", "titel"},
		{"unknown nested field", framework + "requirements: [{id: r, layer: 2, domain: land, quantity: 1, unit: troops, postur: in-theatre}]\n", "postur"},
		{"wrong enum value", fmt.Sprintf(pledge, "navy", ""), "domain"},
		{"wrong posture", fmt.Sprintf(pledge, "land", ", posture: forward"), "posture"},
		{"wrong layer", strings.Replace(fmt.Sprintf(pledge, "land", ""), "layer: 2", "layer: 3", 1), "layer"},
		{"missing required field", "backstop: v1\nkind: Framework\nid: f\nparties: {UA: {role: beneficiary}}\n", "beneficiary"},
		{"required field empty", "backstop: v1\nkind: Framework\nid:\nbeneficiary: UA\nparties: {UA: {role: beneficiary}}\n", "id"},
		{"wrong type", "backstop: v1\nkind: Scenario\nid: s\nframework: f\nattacker: {battalions: 1}\nruns: many\n", "runs"},
		{"list for a mapping", "backstop: v1\nkind: Scenario\nid: s\nframework: f\nattacker: [1]\n", "attacker"},
		{"bad duration", framework + "responses: [{id: r, mode: consultation, within: 24 hours}]\n", "within"},
		{"negative duration", framework + "responses: [{id: r, mode: consultation, within: -24h}]\n", "within"},
		{"day that does not exist", "backstop: v1\nkind: Declaration\nframework: f\nparty: GB\ndate: 2025-02-30\n", "date"},
		{"bad time", "backstop: v1\nkind: Incidents\nincidents: [{id: i, time: yesterday, type: shelling}]\n", "time"},
		{"bad unit", fmt.Sprintf(pledge, "land", ", unit: trainees/year"), "unit"},
		{"bad availability", fmt.Sprintf(pledge, "land", ", available: soon"), "available"},
		{"bad party id", "backstop: v1\nkind: Framework\nid: f\nbeneficiary: UA\nparties: {ukraine: {role: beneficiary}}\n", "ukraine"},
		{"bad slug", strings.Replace(framework, "id: f", "id: My_Framework", 1), "id"},
		{"bad rate", framework + "rates: {USD: 1.08}\n", "USD"},
		{"zero quantity", strings.Replace(fmt.Sprintf(pledge, "land", ""), "quantity: 1", "quantity: 0", 1), "quantity"},
		{"latitude out of range", "backstop: v1\nkind: Incidents\nincidents: [{id: i, time: 2025-09-14, type: t, lat: 91, lon: 30}]\n", "lat"},
		{"runs out of range", "backstop: v1\nkind: Scenario\nid: s\nframework: f\nattacker: {battalions: 1}\nruns: 0\n", "runs"},
		{"bad politics key", "backstop: v1\nkind: Scenario\nid: s\nframework: f\nattacker: {battalions: 1}\npolitics: {Default: {decide: 0.5}}\n", "Default"},
		{"bad breach id", "backstop: v1\nkind: Finding\nid: x\nframework: f\nparty: MON\ndate: 2025-09-15\nbreach: {id: B-XYZ}\nstatus: reported\n", "id"},
		{"wrong version", strings.Replace(framework, "v1", "v2", 1), "backstop"},
		{"unknown kind", strings.Replace(framework, "Framework", "Frameworks", 1), "kind"},
		{"missing kind", "backstop: v1\nid: f\n", "kind"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			docs := readDocuments(t, tc.name, []byte(tc.doc))
			err := validate(t, sch, docs[0])
			if err == nil {
				t.Fatalf("accepted:\n%s", tc.doc)
			}
			t.Log(err) // go test -v shows what an editor would say
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error does not name %q:\n%v", tc.want, err)
			}
		})
	}
}

// TestLoaderLeniency checks forms the loader accepts that a naive schema
// would refuse: an empty optional field, numbers with underscores, a bare
// date as a time, a duration with days and hours, "now", a money unit
// outside the known list.
func TestLoaderLeniency(t *testing.T) {
	sch := schemas(t)
	for _, doc := range []string{
		"backstop: v1\nkind: Declaration\nframework: f\nparty: GB\ndate: 2025-09-04\nnote:\npledges:\n  - {id: p, layer: 2, domain: land, quantity: 15_000, unit: troops, posture: , available: now, readiness: 1d12h}\n",
		"backstop: v1\nkind: Declaration\nframework: f\nparty: GB\ndate: 2025-09-04\npledges:\n  - {id: p, layer: 1, domain: funding, quantity: 2.5, unit: GBP-m/yr, available: 2026-01-01}\n",
		"backstop: v1\nkind: Incidents\nincidents: [{id: 7, time: 2025-09-14, type: shelling}, {id: x, time: 2025-09-14T03:10:00.5+03:00, type: t, lat: 50, lon: 30.5}]\n",
		"backstop: v1\nkind: Scenario\nid: s\nframework: f\nattacker: {battalions: 1}\nwarning: 0h\nhorizon: 30d\nguarantors: []\n",
	} {
		for _, d := range readDocuments(t, "leniency", []byte(doc)) {
			if err := validate(t, sch, d); err != nil {
				t.Errorf("refused:\n%s\n%v", doc, err)
			}
		}
	}
}

// TestValuePatterns checks the schemas' patterns against the model's own
// parsers, so that a change to a parser that is not carried over fails.
func TestValuePatterns(t *testing.T) {
	check := func(name, pattern string, parse func(string) error, values ...string) {
		re := regexp.MustCompile(pattern)
		for _, v := range values {
			if got, want := re.MatchString(v), parse(v) == nil; got != want {
				t.Errorf("%s %q: pattern says %v, the model's parser %v", name, v, got, want)
			}
		}
	}
	check("date", datePattern, func(s string) error { _, err := model.ParseDate(s); return err },
		"2025-09-01", "1900-01-01", "1899-12-31", "2025-9-1", "2025-13-01", "20250901", "now", "2025-09-01T00:00:00Z", "")
	check("duration", durationPattern, func(s string) error { _, err := model.ParseDuration(s); return err },
		"90m", "24h", "30d", "1d12h", "0h", "0", "1d0", "1.5h", ".5h", "1h30m15s", "-1h", "+1h", "1d1d", "d", "24", "00", "24 h", "1w", "")
	check("time", timestampPattern, func(s string) error { var ts model.Timestamp; return ts.UnmarshalText([]byte(s)) },
		"2025-09-14T03:10:00Z", "2025-09-14T03:10:00.123+02:00", "2025-09-14", "2025-09-14T03:10Z", "2025-09-14 03:10:00", "2025-09-14T24:00:00Z", "")
	check("unit", unitPattern, func(s string) error { _, err := model.ParseUnit(s); return err },
		"troops", "trainees/yr", "EUR-bn", "USD-m/yr", "GBP-bn/yr", "EUR bn", "trainees/year", "Troops", "EUR-k", "")
	check("party", partyPattern, func(s string) error { return boolErr(model.ValidPartyID(s)) },
		"UA", "EU", "MON", "A1_B-C2D", "U", "ua", "ABCDEFGHI", "1A")
	check("slug", slugPattern, func(s string) error { return boolErr(model.ValidSlug(s)) },
		"reassurance-force", "a1", "a--b", "-a", "a-", "A", "a_b", "")
}

func boolErr(ok bool) error {
	if ok {
		return nil
	}
	return errors.New("refused")
}

// TestKinds checks that the kinds cover the model's kinds, in the order
// of docs/language.md's sections, and that an unknown kind is an error
// listing them.
func TestKinds(t *testing.T) {
	md, err := os.ReadFile(filepath.Join("..", "..", "docs", "language.md"))
	if err != nil {
		t.Fatal(err)
	}
	var docOrder []string
	for _, m := range regexp.MustCompile(`(?m)^## kind: (\w+)`).FindAllSubmatch(md, -1) {
		docOrder = append(docOrder, string(m[1]))
	}
	if !slices.Equal(Kinds(), docOrder) {
		t.Errorf("Kinds() = %v; docs/language.md presents %v", Kinds(), docOrder)
	}
	for _, k := range model.Kinds {
		if documents[k] == nil {
			t.Errorf("kind %s has no document type", k)
		}
	}
	if len(documents) != len(model.Kinds) {
		t.Errorf("documents has %d kinds, model.Kinds %d", len(documents), len(model.Kinds))
	}
	if _, err := JSON("framework"); err != nil {
		t.Errorf("JSON(\"framework\"): %v", err)
	}
	_, err = JSON("Treaty")
	if err == nil || !strings.Contains(err.Error(), strings.Join(Kinds(), ", ")) {
		t.Errorf("JSON(\"Treaty\") = %v; want an error listing the kinds", err)
	}
}
