package all

import (
	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
)

// Read reads one incident file: with the mapping reader when given, else
// the named format, else the format its header shows.
func Read(path, format string, mapping feeds.Reader, opts feeds.Options) (*feeds.Result, diag.Diagnostics, error) {
	src, err := feeds.Open(path)
	if err != nil {
		return nil, nil, err
	}
	r := mapping
	switch {
	case r != nil:
	case format != "":
		if r, err = ByFormat(format); err != nil {
			return nil, nil, err
		}
	default:
		if r, err = Detect(src); err != nil {
			return nil, nil, err
		}
	}
	res, ds := r.Read(src, opts)
	return res, ds, nil
}
