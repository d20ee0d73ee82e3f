package cli

import (
	"fmt"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/mapped"
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
