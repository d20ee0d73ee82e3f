package all

import (
	"fmt"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/mapped"
	"github.com/backstop-dev/backstop/internal/oblast"
)

// Setup reads what decides how incident files are read: category
// overrides (categories), a mapping file (mapping, whose reader then
// reads every file), the oblast polygons (oblasts; names alone are
// normalised without them). A path that is "" is not read. The
// diagnostics of the categories and the mapping come back as they are;
// when they hold errors, or the oblasts cannot be read (err, a usage
// error), nothing should be read.
func Setup(categories, mapping, oblasts string, strict bool) (opts feeds.Options, reader feeds.Reader, ds diag.Diagnostics, err error) {
	opts = feeds.Options{Strict: strict, Oblasts: oblast.New()}
	if categories != "" {
		cats, cds := feeds.ReadCategories(categories)
		if ds = append(ds, cds...); cds.HasErrors() {
			return opts, nil, ds, nil
		}
		opts.Categories = cats
	}
	if mapping != "" {
		r, mds := mapped.New(mapping)
		if ds = append(ds, mds...); mds.HasErrors() || r == nil {
			if !ds.HasErrors() {
				ds = append(ds, diag.Errorf(diag.Range{File: mapping}, feeds.CodeIO, "the mapping file defines no reader"))
			}
			return opts, nil, ds, nil
		}
		reader = r
	}
	if oblasts != "" {
		t, lerr := oblast.Load(oblasts)
		if lerr != nil {
			return opts, nil, ds, fmt.Errorf("--oblasts: %v", lerr)
		}
		opts.Oblasts = t
	}
	return opts, reader, ds, nil
}
