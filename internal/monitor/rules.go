package monitor

import (
	"errors"
	"fmt"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/territory"
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

// Errors of LoadSources: a source given that brings nothing.
var (
	ErrNoRules      = errors.New("no Corroboration document")
	ErrInvalidRules = errors.New("the corroboration rules are invalid")
	ErrNoSnapshots  = errors.New("no snapshots")
)

// LoadSources reads the optional sources of a monitoring into in: the
// corroboration rules from rulesPath (LoadRules; several documents is
// a note for the user, the latest applies) and the map snapshots from
// territoryDir. A path that is "" is not read. Diagnostics of the rules
// that are errors stop the loading (ErrInvalidRules); those of the snapshots are reported
// with the snapshots that could be read.
func LoadSources(in *Inputs, rulesPath, territoryDir string) (notes []string, ds diag.Diagnostics, err error) {
	if rulesPath != "" {
		rules, n, rds := LoadRules(rulesPath)
		if rds.HasErrors() {
			return nil, rds, fmt.Errorf("--corroborate %s: %w", rulesPath, ErrInvalidRules)
		}
		if rules == nil {
			return nil, nil, fmt.Errorf("--corroborate %s: %w", rulesPath, ErrNoRules)
		}
		if in.Rules = rules; n > 1 {
			notes = append(notes, fmt.Sprintf("corroboration: %d rule documents; the latest, %s, applies", n, rules.ID))
		}
	}
	if territoryDir == "" {
		return notes, nil, nil
	}
	snaps, ds := territory.LoadDir(territoryDir)
	if len(snaps) == 0 {
		return notes, ds, fmt.Errorf("--territory %s: %w", territoryDir, ErrNoSnapshots)
	}
	in.Map = Snapshots(snaps)
	return notes, ds, nil
}
