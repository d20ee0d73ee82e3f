package monitor

import (
	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/model"
)

// LoadRules reads the corroboration rules a monitoring applies from a
// file or folder: the latest of its Corroboration documents
// (CorroborationRules, nil when there is none) and how many there are.
// The rules are nil when the documents have errors.
func LoadRules(path string) (rules *model.Corroboration, documents int, ds diag.Diagnostics) {
	set, ds := load.Paths([]string{path}, nil)
	if ds.HasErrors() {
		return nil, 0, ds
	}
	return CorroborationRules(set), len(set.Corroborations()), ds
}
