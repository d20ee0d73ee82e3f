package server

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// registeredRoutes reads server.go and returns the "METHOD PATH" patterns
// that Handler registers on its mux, less the catch-alls ("/v1/", "/" and
// "GET /"), which serve the pages and the API's 404 rather than routes.
func registeredRoutes(t *testing.T) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "server.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var routes []string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || (sel.Sel.Name != "HandleFunc" && sel.Sel.Name != "Handle") {
			return true
		}
		if x, ok := sel.X.(*ast.Ident); !ok || (x.Name != "mux" && x.Name != "streams") {
			return true
		}
		lit, ok := call.Args[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			t.Errorf("%s: a route pattern that is not a string literal; this test cannot check it", fset.Position(call.Pos()))
			return true
		}
		pattern, err := strconv.Unquote(lit.Value)
		if err != nil {
			t.Fatal(err)
		}
		method, path, found := strings.Cut(pattern, " ")
		if !found || pattern == "GET /" {
			return true // "/", "/v1/", "GET /": catch-alls
		}
		routes = append(routes, method+" "+strings.TrimSpace(path))
		return true
	})
	if len(routes) == 0 {
		t.Fatal("found no mux.HandleFunc(\"METHOD PATH\", ...) in server.go")
	}
	slices.Sort(routes)
	return routes
}

type openAPIDoc struct {
	OpenAPI    string                                `json:"openapi"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Parameters map[string]openAPIParam `json:"parameters"`
	} `json:"components"`
}

type openAPIParam struct {
	Ref      string `json:"$ref"`
	Name     string `json:"name"`
	In       string `json:"in"`
	Required bool   `json:"required"`
}

type openAPIOperation struct {
	Parameters []openAPIParam             `json:"parameters"`
	Responses  map[string]json.RawMessage `json:"responses"`
}

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

func readOpenAPI(t *testing.T) *openAPIDoc {
	t.Helper()
	b, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc openAPIDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Errorf("openapi.json: openapi is %q, want 3.1.x", doc.OpenAPI)
	}
	return &doc
}

// TestOpenAPIDocumentsEveryRoute fails when a route registered in Handler
// is missing from openapi.json, or openapi.json documents one that is not
// registered.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	doc := readOpenAPI(t)
	var documented []string
	for path, item := range doc.Paths {
		for key := range item {
			if slices.Contains(httpMethods, key) {
				documented = append(documented, strings.ToUpper(key)+" "+path)
			}
		}
	}
	slices.Sort(documented)
	registered := registeredRoutes(t)
	for _, r := range registered {
		if !slices.Contains(documented, r) {
			t.Errorf("route %s is registered in Handler() but not documented in openapi.json", r)
		}
	}
	for _, d := range documented {
		if !slices.Contains(registered, d) {
			t.Errorf("openapi.json documents %s, which Handler() does not register", d)
		}
	}
}

var pathParam = regexp.MustCompile(`\{([A-Za-z0-9_]+)\}`)

// TestOpenAPIOperations checks each operation: its path parameters are
// declared, and every error response is a Problem.
func TestOpenAPIOperations(t *testing.T) {
	doc := readOpenAPI(t)
	resolve := func(p openAPIParam) openAPIParam {
		if name, ok := strings.CutPrefix(p.Ref, "#/components/parameters/"); ok {
			q, found := doc.Components.Parameters[name]
			if !found {
				t.Errorf("parameter %s is not in components.parameters", p.Ref)
			}
			return q
		}
		return p
	}
	for path, item := range doc.Paths {
		for method, raw := range item {
			if !slices.Contains(httpMethods, method) {
				continue
			}
			var op openAPIOperation
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Errorf("%s %s: %v", method, path, err)
				continue
			}
			for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
				if !slices.ContainsFunc(op.Parameters, func(p openAPIParam) bool {
					p = resolve(p)
					return p.In == "path" && p.Name == m[1] && p.Required
				}) {
					t.Errorf("%s %s: path parameter %s is not declared (in: path, required: true)", method, path, m[1])
				}
			}
			for status, resp := range op.Responses {
				if status < "400" {
					continue
				}
				var r struct {
					Ref     string                     `json:"$ref"`
					Content map[string]json.RawMessage `json:"content"`
				}
				if err := json.Unmarshal(resp, &r); err != nil {
					t.Errorf("%s %s %s: %v", method, path, status, err)
					continue
				}
				if r.Ref != "" {
					continue // a shared response of components.responses
				}
				if _, ok := r.Content["application/problem+json"]; !ok || len(r.Content) != 1 {
					t.Errorf("%s %s %s: an error response must be application/problem+json only", method, path, status)
				}
			}
		}
	}
}

var problemCall = regexp.MustCompile(`problem\(http\.Status[A-Za-z]+,\s*"([a-z-]+)"`)

// TestOpenAPIProblemTypesDocumented checks that every problem slug the
// server uses has its section in docs/serve.md, the page its type links to.
func TestOpenAPIProblemTypesDocumented(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	slugs := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range problemCall.FindAllSubmatch(b, -1) {
			slugs[string(m[1])] = true
		}
	}
	if len(slugs) == 0 {
		t.Fatal("found no problem(...) calls")
	}
	md, err := os.ReadFile(filepath.Join("..", "..", "docs", "serve.md"))
	if err != nil {
		t.Fatal(err)
	}
	anchors := map[string]bool{}
	for _, line := range strings.Split(string(md), "\n") {
		if strings.HasPrefix(line, "#") {
			anchors[githubAnchor(strings.TrimLeft(line, "#"))] = true
		}
	}
	for slug := range slugs {
		if !anchors[slug] {
			t.Errorf("problem type %q has no section (a heading with anchor #%s) in docs/serve.md", slug, slug)
		}
	}
}

// githubAnchor is the anchor GitHub gives a Markdown heading.
func githubAnchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteRune('-')
		}
	}
	return b.String()
}
