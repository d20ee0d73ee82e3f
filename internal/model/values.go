package model

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Date is a calendar day (UTC midnight). The zero Date means "not given".
type Date struct{ time.Time }

// DateLayout is the only date syntax of the language.
const DateLayout = "2006-01-02"

// ParseDate parses YYYY-MM-DD and rejects days that do not exist.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("invalid date %q; expected YYYY-MM-DD (for example 2025-09-01)", s)
	}
	if t.Year() < 1900 {
		// also keeps 0001-01-01 from reading as the zero Date, "not given"
		return Date{}, fmt.Errorf("invalid date %q; expected YYYY-MM-DD in 1900 or later", s)
	}
	return Date{t}, nil
}

// MustDate is ParseDate for literals in code and tests.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// UnmarshalText parses YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalText writes YYYY-MM-DD, or nothing for the zero Date.
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	return []byte(d.Format(DateLayout)), nil
}

func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Format(DateLayout)
}

// Availability is when a pledge can be used: now, or from a date.
type Availability struct {
	Now  bool
	Date Date
}

// UnmarshalText accepts "now" or YYYY-MM-DD.
func (a *Availability) UnmarshalText(b []byte) error {
	if string(b) == "now" {
		*a = Availability{Now: true}
		return nil
	}
	d, err := ParseDate(string(b))
	if err != nil {
		return fmt.Errorf("invalid availability %q; expected now or a date YYYY-MM-DD", b)
	}
	*a = Availability{Date: d}
	return nil
}

// MarshalText writes "now" or the date.
func (a Availability) MarshalText() ([]byte, error) {
	if a.Now || a.Date.IsZero() {
		return []byte("now"), nil
	}
	return a.Date.MarshalText()
}

// AvailableBy reports whether the pledge can be used on day d.
func (a Availability) AvailableBy(d Date) bool {
	return a.Now || a.Date.IsZero() || !a.Date.After(d.Time)
}

// Duration is a time.Duration written in Go syntax plus days ("30d", "1d12h").
type Duration time.Duration

// maxDuration is the longest duration the language accepts: a century.
const maxDuration = 100 * 366 * 24 * time.Hour

var durationDays = regexp.MustCompile(`^([0-9]+)d(.*)$`)

// ParseDuration parses Go duration syntax with an optional leading day
// count. Negative durations are refused; zero is accepted ("0h": no
// warning time) and refused by the rules where it makes no sense.
func ParseDuration(s string) (Duration, error) {
	bad := fmt.Errorf("invalid duration %q; expected a duration such as 90m, 24h or 30d", s)
	if s == "" {
		return 0, bad
	}
	var total time.Duration
	rest := s
	if m := durationDays.FindStringSubmatch(s); m != nil {
		days, err := strconv.ParseInt(m[1], 10, 32)
		if err != nil || days > int64(maxDuration/(24*time.Hour)) {
			return 0, bad
		}
		total = time.Duration(days) * 24 * time.Hour
		rest = m[2]
	}
	if rest != "" {
		d, err := time.ParseDuration(rest)
		if err != nil || strings.HasPrefix(rest, "-") || strings.HasPrefix(rest, "+") || d > maxDuration-total {
			return 0, bad
		}
		total += d
	}
	return Duration(total), nil
}

// UnmarshalText parses a duration such as 24h or 30d.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalText writes the duration as String does.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// String writes whole days as days ("30d") and anything else in hours,
// minutes and seconds ("36h", "1h30m", "1.5s"); the result parses back to
// the same value.
func (d Duration) String() string {
	td := time.Duration(d)
	if td == 0 {
		return "0s"
	}
	var b strings.Builder
	if td < 0 {
		b.WriteByte('-')
		td = -td
	}
	const day = 24 * time.Hour
	if td%day == 0 {
		return fmt.Sprintf("%s%dd", b.String(), td/day) // whole days read best as days: 30d
	}
	for _, unit := range []struct {
		suffix string
		size   time.Duration
	}{{"h", time.Hour}, {"m", time.Minute}} {
		if n := td / unit.size; n > 0 {
			fmt.Fprintf(&b, "%d%s", n, unit.suffix)
			td -= n * unit.size
		}
	}
	if td > 0 {
		// integer arithmetic: a float would lose nanoseconds ("1.5111s")
		fmt.Fprintf(&b, "%d", td/time.Second)
		if ns := td % time.Second; ns > 0 {
			b.WriteString("." + strings.TrimRight(fmt.Sprintf("%09d", ns), "0"))
		}
		b.WriteByte('s')
	}
	return b.String()
}

// Timestamp is an instant, written in RFC 3339 (a bare date means UTC midnight).
type Timestamp struct{ time.Time }

// UnmarshalText accepts RFC 3339 with or without fractional seconds, or YYYY-MM-DD.
func (t *Timestamp) UnmarshalText(b []byte) error {
	s := string(b)
	for _, layout := range []string{time.RFC3339Nano, DateLayout} {
		if v, err := time.Parse(layout, s); err == nil {
			*t = Timestamp{v.UTC()}
			return nil
		}
	}
	return fmt.Errorf("invalid time %q; expected RFC 3339 such as 2025-09-14T03:10:00Z", s)
}

// MarshalText writes RFC 3339 in UTC.
func (t Timestamp) MarshalText() ([]byte, error) {
	return []byte(t.UTC().Format(time.RFC3339Nano)), nil
}

var partyID = regexp.MustCompile(`^[A-Z][A-Z0-9_-]{1,7}$`)

// ValidPartyID reports whether s is an upper-case party code of 2–8 characters.
func ValidPartyID(s string) bool { return partyID.MatchString(s) }

var slug = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidSlug reports whether s is a lower-case id made of [a-z0-9-].
func ValidSlug(s string) bool { return slug.MatchString(s) }
