package cli

import (
	"errors"
	"flag"
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

// flagMistake words an error of Go's flag package as docs/cli.md writes
// flags ("--at needs a value", not "flag needs an argument: -at"), with
// the closest flag for an unknown one.
func flagMistake(fs *flag.FlagSet, err error) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return "--" + strings.TrimLeft(name, "-") + " needs a value"
	}
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		name = strings.TrimLeft(name, "-")
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		if s := model.Suggest(name, names); s != "" {
			return fmt.Sprintf("unknown flag --%s; did you mean --%s?", name, s)
		}
		return "unknown flag --" + name
	}
	if rest, ok := strings.CutPrefix(msg, "invalid value "); ok {
		// invalid value "x" for flag -since: reason
		value, after, _ := strings.Cut(rest, " for flag -")
		name, reason, _ := strings.Cut(after, ": ")
		return fmt.Sprintf("--%s %s: %s", strings.TrimLeft(name, "-"), value, reason)
	}
	if rest, ok := strings.CutPrefix(msg, "invalid boolean value "); ok {
		value, after, _ := strings.Cut(rest, " for -")
		name, _, _ := strings.Cut(after, ": ")
		return fmt.Sprintf("--%s takes no value, or true or false, not %s", name, value)
	}
	return msg
}

// parseDay reads a flag that names a day (--at, --date): YYYY-MM-DD, or
// an RFC 3339 time, whose day in UTC it is — one syntax for every time
// flag (docs/cli.md).
func parseDay(s string) (model.Date, error) {
	d, err := model.ParseDate(s)
	if err == nil {
		return d, nil
	}
	var t model.Timestamp
	if t.UnmarshalText([]byte(s)) != nil || !strings.Contains(s, "T") {
		return model.Date{}, fmt.Errorf("invalid date %q; expected YYYY-MM-DD or RFC 3339 (for example 2025-09-01 or 2025-09-01T12:00:00Z)", s)
	}
	return model.ParseDate(t.UTC().Format(model.DateLayout))
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
		return errors.New("expected YYYY-MM-DD or RFC 3339, such as 2025-09-14 or 2025-09-14T03:10:00Z")
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

// takeQuiet takes the global --quiet (-q) out of a command's arguments
// and sets s.quiet. monitor's quiet period was --quiet DURATION before it
// was --quiet-period: that form, a duration after the flag, still sets
// the period, with a note naming the new flag.
func takeQuiet(cmd string, args []string, s *Streams) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || (name != "quiet" && name != "q") {
			out = append(out, a)
			continue
		}
		if cmd == "monitor" && name == "quiet" {
			if !hasValue && i+1 < len(args) && isDuration(args[i+1]) {
				i++
				value, hasValue = args[i], true
			}
			if hasValue && isDuration(value) {
				fmt.Fprintf(s.Err, "backstop monitor: --quiet %s is now --quiet-period %s\n", value, value)
				out = append(out, "--quiet-period", value)
				continue
			}
		}
		if hasValue {
			out = append(out, a) // --quiet=x: the command's parser names the mistake
			continue
		}
		s.quiet = true
	}
	return out
}

func isDuration(v string) bool {
	_, err := model.ParseDuration(v)
	return err == nil
}
