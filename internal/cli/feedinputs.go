package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/all"
)

// feedSetup is all.Setup for a command: it prints the diagnostics (as
// report says) and turns what failed into an exit code.
func feedSetup(cmd, categories, mapping, oblasts string, strict bool, s Streams, report func(diag.Diagnostics)) (feeds.Options, feeds.Reader, int) {
	opts, reader, ds, err := all.Setup(categories, mapping, oblasts, strict)
	report(ds)
	switch {
	case err != nil:
		fmt.Fprintf(s.Err, "backstop %s: %v\n", cmd, err)
		return opts, nil, ExitUsage
	case ds.HasErrors():
		return opts, nil, ExitInvalid
	}
	return opts, reader, ExitOK
}

// ioMessage says why a path could not be read, without Go's wrapping.
var ioMessage = feeds.IOMessage

// incidentsError reports why the --incidents files could not be read,
// as "backstop CMD: …": a path that
// cannot be listed, or a file that cannot be read. Either is exit 2.
func incidentsError(cmd string, paths []string, err error, s Streams) int {
	prefix := "backstop " + cmd
	var ee *all.ExpandError
	if errors.As(err, &ee) {
		fmt.Fprintf(s.Err, "%s: --incidents %s: %s\n", prefix, strings.Join(paths, ", "), ioMessage(ee.Err))
		return ExitUsage
	}
	fmt.Fprintf(s.Err, "%s: %v\n", prefix, err)
	return ExitUsage
}

// incidentFile returns the first of paths that is an incident file by its
// name (CSV, JSON Lines, gzip), "" when none is: given where framework
// documents are expected, it was meant for --incidents, and reading it
// as YAML would print the whole file as one error.
func incidentFile(paths []string) string {
	for _, p := range paths {
		name := strings.ToLower(p)
		for _, ext := range []string{".csv", ".csv.gz", ".jsonl", ".jsonl.gz", ".gz", ".tsv"} {
			if strings.HasSuffix(name, ext) {
				return p
			}
		}
	}
	return ""
}
