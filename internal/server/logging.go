package server

import (
	"fmt"
	"io"
	"log/slog"
)

// NewLogHandler is the slog handler of a --log-format (serve's and the
// witness's): "text" or "json" lines on w.
func NewLogHandler(format string, w io.Writer) (slog.Handler, error) {
	switch format {
	case "text":
		return slog.NewTextHandler(w, nil), nil
	case "json":
		return slog.NewJSONHandler(w, nil), nil
	}
	return nil, fmt.Errorf("--log-format %q: use text or json", format)
}
