package cli

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/backstop-dev/backstop/internal/model"
)

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

// instantFlag is a --since or --until flag: parseInstant's forms, read
// when the flag is parsed so a bad value is a usage error naming the flag.
type instantFlag struct {
	t    *time.Time
	text string
}

func (f *instantFlag) String() string {
	if f == nil {
		return ""
	}
	return f.text
}

func (f *instantFlag) Set(v string) error {
	t, err := parseInstant(v)
	if err != nil {
		return err
	}
	*f.t, f.text = t, v
	return nil
}

// positiveDuration is a flag such as --quiet: a model duration (72h, 7d)
// greater than zero.
type positiveDuration struct{ d *time.Duration }

func (f positiveDuration) String() string {
	if f.d == nil {
		return ""
	}
	return f.d.String()
}

func (f positiveDuration) Set(v string) error {
	d, err := model.ParseDuration(v)
	if err != nil || d <= 0 {
		return fmt.Errorf("a positive duration such as 72h or 7d, not %q", v)
	}
	*f.d = time.Duration(d)
	return nil
}

// severalValues rewrites `--NAME A B C` as `--NAME A --NAME B --NAME C`
// for the repeatable flags named, taking as further values the arguments
// that follow and are data files by their name (CSV, JSON Lines, gzip:
// incidentFile), so that a framework folder after them stays positional.
func severalValues(args []string, names ...string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		out = append(out, a)
		name := strings.TrimLeft(a, "-")
		if !strings.HasPrefix(a, "-") || strings.Contains(name, "=") || !slices.Contains(names, name) || i+1 >= len(args) {
			continue
		}
		i++
		out = append(out, args[i]) // the flag's own value
		for i+1 < len(args) && incidentFile(args[i+1:i+2]) != "" {
			i++
			out = append(out, a, args[i])
		}
	}
	return out
}
