package all

import (
	"errors"
	"fmt"
	"io"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
)

// Read reads one incident file: with the mapping reader when given, else
// the named format, else the format its header shows.
func Read(path, format string, mapping feeds.Reader, opts feeds.Options) (*feeds.Result, diag.Diagnostics, error) {
	src, err := open(path, opts.Stdin)
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

// open opens an incident file, or standard input for "-".
func open(path string, stdin io.Reader) (*feeds.Source, error) {
	if path != "-" {
		return feeds.Open(path)
	}
	if stdin == nil {
		return nil, errors.New("-: no standard input to read")
	}
	data, err := io.ReadAll(stdin)
	if err != nil {
		return nil, fmt.Errorf("reading standard input: %w", err)
	}
	return feeds.NewSource("<stdin>", data)
}
