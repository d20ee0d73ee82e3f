package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/all"
	"github.com/backstop-dev/backstop/internal/feeds/mapped"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/oblast"
)

// feedSetup reads what decides how incident files are read — category
// overrides, a mapping file, the oblast polygons — for monitor and for
// import incidents alike. report prints diagnostics; the exit code is
// ExitOK when everything could be read.
func feedSetup(cmd, categories, mapping, oblasts string, strict bool, s Streams, report func(diag.Diagnostics)) (feeds.Options, feeds.Reader, int) {
	opts := feeds.Options{Strict: strict}
	if categories != "" {
		cats, ds := feeds.ReadCategories(categories)
		report(ds)
		if ds.HasErrors() {
			return opts, nil, ExitInvalid
		}
		opts.Categories = cats
	}
	var reader feeds.Reader
	if mapping != "" {
		r, ds := mapped.New(mapping)
		report(ds)
		if ds.HasErrors() || r == nil {
			return opts, nil, ExitInvalid
		}
		reader = r
	}
	table := oblast.New()
	if oblasts != "" {
		t, err := oblast.Load(oblasts)
		if err != nil {
			fmt.Fprintf(s.Err, "backstop %s: --oblasts: %v\n", cmd, err)
			return opts, nil, ExitUsage
		}
		table = t
	}
	opts.Oblasts = table
	return opts, reader, ExitOK
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// parseInstant reads --since and --until: RFC 3339 or YYYY-MM-DD (UTC);
// "" is the zero time.
func parseInstant(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	var t model.Timestamp
	if err := t.UnmarshalText([]byte(s)); err != nil {
		return time.Time{}, err
	}
	return t.Time, nil
}

// ioMessage says why a path could not be read, without Go's wrapping.
func ioMessage(err error) string {
	var pe *fs.PathError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file or folder"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	case errors.As(err, &pe):
		return pe.Path + ": " + pe.Err.Error()
	}
	return err.Error()
}

// incidentsError reports why the --incidents files could not be read,
// as "backstop CMD: …" (cmd "" for plain "backstop: …"): a path that
// cannot be listed, or a file that cannot be read. Either is exit 2.
func incidentsError(cmd string, paths []string, err error, s Streams) int {
	prefix := "backstop"
	if cmd != "" {
		prefix += " " + cmd
	}
	var ee *all.ExpandError
	if errors.As(err, &ee) {
		fmt.Fprintf(s.Err, "%s: --incidents %s: %s\n", prefix, strings.Join(paths, ", "), ioMessage(ee.Err))
		return ExitUsage
	}
	fmt.Fprintf(s.Err, "%s: %v\n", prefix, err)
	return ExitUsage
}
