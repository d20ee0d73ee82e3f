package server

import (
	"encoding/json"
	"net/http"

	"github.com/backstop-dev/backstop/internal/api"
)

// problemDocs is where each problem type is explained.
const problemDocs = "https://github.com/backstop-dev/backstop/blob/main/docs/serve.md#"

// problem makes an RFC 9457 problem; slug names its type (and the anchor
// of its explanation in docs/serve.md).
func problem(status int, slug, detail string) *api.Problem {
	return &api.Problem{Type: problemDocs + slug, Title: http.StatusText(status), Status: status, Detail: detail}
}

func writeProblem(w http.ResponseWriter, r *http.Request, p *api.Problem) {
	p.Instance = r.URL.Path
	w.Header().Set("Content-Type", api.ProblemType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(p.Status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(p)
}
