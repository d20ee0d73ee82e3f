package territory

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/oblast"
)

// LoadFile reads one snapshot file, dated by date when it is set and by
// its file name otherwise; dateFlag, the flag that dates the file, is
// named when the name carries no date. A file that cannot be read is a
// diagnostic (ok false), of code CodeIO when it cannot be opened.
func LoadFile(path string, date model.Date, dateFlag string) (snap *Snapshot, d diag.Diagnostic, ok bool) {
	if date.IsZero() {
		snap, err := LoadSnapshot(path)
		if err != nil {
			var te *Error
			if errors.As(err, &te) {
				d := te.Diagnostic()
				if errors.Is(err, ErrNoDate) {
					d.Summary = fmt.Sprintf("no date in the file name; name the file deepstatemap_data_YYYYMMDD.geojson or give its date with %s", dateFlag)
				}
				return nil, d, false
			}
			return nil, diag.Errorf(diag.Range{File: path}, CodeIO, "%v", err), false
		}
		return snap, diag.Diagnostic{}, true
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, OpenDiagnostic(path, err), false
	}
	defer f.Close()
	snap, err = ReadSnapshot(path, f, date)
	if err != nil {
		var te *Error
		if errors.As(err, &te) {
			return nil, te.Diagnostic(), false
		}
		return nil, diag.Errorf(diag.Range{File: path}, CodeIO, "%v", err), false
	}
	return snap, diag.Diagnostic{}, true
}

// OpenDiagnostic is the CodeIO error of a file that cannot be opened,
// without the path Go's error repeats.
func OpenDiagnostic(path string, err error) diag.Diagnostic {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return diag.Errorf(diag.Range{File: path}, CodeIO, "%v", err)
}

// LoadPaths reads the snapshots of files and folders (LoadDir) in
// order; date, when set, dates the single file given (--date).
func LoadPaths(paths []string, date model.Date) ([]*Snapshot, diag.Diagnostics) {
	var snaps []*Snapshot
	var ds diag.Diagnostics
	for _, path := range paths {
		info, err := os.Stat(path)
		switch {
		case err != nil:
			ds = ds.Append(OpenDiagnostic(path, err))
		case info.IsDir():
			more, dds := LoadDir(path)
			snaps = append(snaps, more...)
			ds = ds.Append(dds...)
		default:
			snap, d, ok := LoadFile(path, date, "--date")
			if !ok {
				ds = ds.Append(d)
				continue
			}
			snaps = append(snaps, snap)
		}
	}
	return snaps, ds
}

// LoadOblasts reads the oblast polygons a difference is split by (the
// --oblasts file); a file that cannot be opened is a CodeIO error.
func LoadOblasts(path string) (*oblast.Table, diag.Diagnostics) {
	table, err := oblast.Load(path)
	var oe *oblast.Error
	switch {
	case errors.As(err, &oe):
		return table, oe.Diagnostics
	case err != nil:
		d := OpenDiagnostic(path, err)
		d.Summary = "--oblasts: " + d.Summary
		return table, diag.Diagnostics{d}
	}
	return table, nil
}
