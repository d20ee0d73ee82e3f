package all

import (
	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/model"
)

// ExpandError is the error of a path ReadFiles cannot list (see
// feeds.Expand): the files were never read.
type ExpandError struct{ Err error }

func (e *ExpandError) Error() string { return e.Err.Error() }
func (e *ExpandError) Unwrap() error { return e.Err }

// ReadFiles reads the incident files of paths, folders expanded
// (feeds.Expand), each with Read, and returns all their incidents and
// each file's summary, in order. each, when set, sees a file's
// diagnostics and summary as soon as it is read. It stops at the first
// file that cannot be read; a path that cannot be listed is an
// *ExpandError.
func ReadFiles(paths []string, format string, mapping feeds.Reader, opts feeds.Options, each func(path string, ds diag.Diagnostics, sum feeds.Summary)) ([]model.Incident, []feeds.Summary, error) {
	list, err := feeds.Expand(paths)
	if err != nil {
		return nil, nil, &ExpandError{Err: err}
	}
	var incs []model.Incident
	var sums []feeds.Summary
	for _, path := range list {
		res, ds, err := Read(path, format, mapping, opts)
		if err != nil {
			return nil, nil, err
		}
		if each != nil {
			each(path, ds, res.Summary)
		}
		sums = append(sums, res.Summary)
		incs = append(incs, res.Incidents...)
	}
	return incs, sums, nil
}
