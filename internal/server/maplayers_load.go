package server

import (
	"fmt"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/oblast"
	"github.com/backstop-dev/backstop/internal/territory"
)

// LoadMapLayers reads the map's geography for Config.Oblasts and
// Config.Territory: the oblasts' GeoJSON file and the territory snapshots'
// folder, each skipped when "". A snapshot that cannot be read is in the
// diagnostics and the others are kept; a folder without any snapshot is an
// error, as a folder given by mistake should not pass unnoticed.
func LoadMapLayers(oblastsFile, territoryDir string) (*oblast.Table, []*territory.Snapshot, diag.Diagnostics, error) {
	var table *oblast.Table
	if oblastsFile != "" {
		t, err := oblast.Load(oblastsFile)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("--oblasts: %v", err)
		}
		table = t
	}
	if territoryDir == "" {
		return table, nil, nil, nil
	}
	snaps, ds := territory.LoadDir(territoryDir)
	if len(snaps) == 0 {
		return nil, nil, ds, fmt.Errorf("--territory %s: no snapshots", territoryDir)
	}
	return table, snaps, ds, nil
}
