package feeds

import (
	"strings"
	"time"
)

// A shape is a fixed form of date the data sets write, all digits at
// fixed places: the forms time.Parse spends a tenth of a reader's time on.
type shape int

const (
	shapeNone        shape = iota
	shapeDate              // 2006-01-02
	shapeCompactDate       // 20060102
	shapeDateTime          // 2006-01-02 15:04:05
	shapeDayMonth          // 02/01/2006 15:04:05
)

// shapeOfLayout is the shape that a layout reads exactly, digit for
// digit (shapeNone for the other layouts).
func shapeOfLayout(layout string) shape {
	switch layout {
	case LayoutDate:
		return shapeDate
	case "20060102":
		return shapeCompactDate
	case "2006-01-02 15:04:05":
		return shapeDateTime
	case LayoutDayMonthTime:
		return shapeDayMonth
	}
	return shapeNone
}

// refuses lists, for each shape, the layouts time.Parse cannot read it
// with (each wants a character the shape lacks — a T, a slash, a dash, a
// zone — or ends before it does), so QuickTime may pass over them as
// ParseTimeIn's loop would.
var refuses = [...][]string{
	shapeDate: {time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04",
		"20060102", LayoutDayMonthTime, LayoutExcelUS, LayoutExcelUSShort, "02/01/2006", "1/2/2006", "2 January 2006"},
	shapeCompactDate: {time.RFC3339Nano, LayoutDate, "2006-01-02T15:04:05", "2006-01-02 15:04:05"},
	shapeDateTime:    {time.RFC3339Nano, LayoutDate, "20060102", "2006-01-02T15:04:05", "2006-01-02T15:04"},
	shapeDayMonth:    {time.RFC3339Nano, LayoutDate, "20060102", "2006-01-02 15:04:05", "2006-01-02T15:04:05"},
}

// QuickTime returns what time.ParseInLocation(layout, s, loc) returns for
// the first of layouts that reads s, without calling it, when s has one of
// the fixed shapes above and is a valid date and time; ok is false when it
// cannot tell, and the caller then calls time.Parse. Every layout before
// the one that reads s must be one known to refuse s's shape.
func QuickTime(s string, loc *time.Location, layouts ...string) (t time.Time, ok bool) {
	sh := shapeOf(s)
	if sh == shapeNone {
		return time.Time{}, false
	}
	for _, layout := range layouts {
		if shapeOfLayout(layout) == sh {
			return shapeTime(s, sh, loc)
		}
		if !refused(sh, layout) {
			return time.Time{}, false
		}
	}
	return time.Time{}, false
}

func refused(sh shape, layout string) bool {
	for _, l := range refuses[sh] {
		if l == layout {
			return true
		}
	}
	return false
}

// shapeOf matches s against the shapes' patterns (d a digit); the
// patterns have different lengths.
func shapeOf(s string) shape {
	var sh shape
	var pattern string
	switch len(s) {
	case len("dddd-dd-dd"):
		sh, pattern = shapeDate, "dddd-dd-dd"
	case len("dddddddd"):
		sh, pattern = shapeCompactDate, "dddddddd"
	case len("dddd-dd-dd dd:dd:dd"):
		if len(s) > 2 && s[2] == '/' {
			sh, pattern = shapeDayMonth, "dd/dd/dddd dd:dd:dd"
		} else {
			sh, pattern = shapeDateTime, "dddd-dd-dd dd:dd:dd"
		}
	default:
		return shapeNone
	}
	if !fits(s, pattern) {
		return shapeNone
	}
	return sh
}

func fits(s, pattern string) bool {
	if len(s) != len(pattern) {
		return false
	}
	for i := range len(s) {
		if pattern[i] == 'd' {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		} else if s[i] != pattern[i] {
			return false
		}
	}
	return true
}

// num reads the digits s[i:j].
func num(s string, i, j int) int {
	n := 0
	for _, c := range []byte(s[i:j]) {
		n = n*10 + int(c-'0')
	}
	return n
}

// shapeTime reads s, of shape sh, with time.Parse's checks: a month
// 1–12, a day that the month has, hours below 24, minutes and seconds
// below 60. A value that fails them is left to time.Parse (ok false),
// which words the error or tries the next layout.
func shapeTime(s string, sh shape, loc *time.Location) (time.Time, bool) {
	var y, mo, d, h, mi, sec int
	switch sh {
	case shapeDate, shapeDateTime:
		y, mo, d = num(s, 0, 4), num(s, 5, 7), num(s, 8, 10)
	case shapeCompactDate:
		y, mo, d = num(s, 0, 4), num(s, 4, 6), num(s, 6, 8)
	case shapeDayMonth:
		d, mo, y = num(s, 0, 2), num(s, 3, 5), num(s, 6, 10)
	}
	if sh == shapeDateTime || sh == shapeDayMonth {
		h, mi, sec = num(s, 11, 13), num(s, 14, 16), num(s, 17, 19)
	}
	if mo < 1 || mo > 12 || d < 1 || d > daysIn(time.Month(mo), y) || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, h, mi, sec, 0, loc), true
}

// daysIn is the number of days of month m (1–12) of year y, in the
// proleptic Gregorian calendar that package time uses.
func daysIn(m time.Month, y int) int {
	if m == time.February && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		return 29
	}
	return int(daysBefore[m] - daysBefore[m-1])
}

// daysBefore[m] is the number of days in a common year before month m+1.
var daysBefore = [...]int32{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365}

// usForm is the form of a date written month first, as Excel writes it
// in a US locale: M/D/YYYY, then nothing, H:MM, or H:MM:SS and AM or PM
// (M, D and H of one or two digits).
type usForm int

const (
	usNone  usForm = iota
	usDate         // 8/31/2022
	usShort        // 8/31/2022 0:00 (LayoutExcelUSShort)
	usLong         // 8/31/2022 12:00:00 AM (LayoutExcelUS)
)

// quickUS is QuickTime for the month-first forms, which time.Parse reads
// only after the layouts tried before have failed, each failure an
// error allocated and formatted: the layouts (in order) may be
// LayoutExcelUSShort, LayoutExcelUS, "1/2/2006", and any that starts
// with the year "2006" (which fails on a month first: a slash is among
// the first four characters). ok is false when s is not such a date and
// time, or when a layout of another kind comes first.
func quickUS(s string, loc *time.Location, layouts ...string) (t time.Time, ok bool) {
	form, mo, d, y, h, mi, sec, pm := parseUS(s)
	if form == usNone || mo < 1 || mo > 12 || d < 1 || d > daysIn(time.Month(mo), y) {
		return time.Time{}, false
	}
	for _, layout := range layouts {
		switch {
		case layout == "1/2/2006" && form == usDate:
		case layout == LayoutExcelUSShort && form == usShort:
			if h > 23 || mi > 59 {
				return time.Time{}, false
			}
		case layout == LayoutExcelUS && form == usLong:
			if h > 12 || mi > 59 || sec > 59 {
				return time.Time{}, false
			}
			switch {
			case pm && h < 12:
				h += 12
			case !pm && h == 12:
				h = 0
			}
		case layout == "1/2/2006" || layout == LayoutExcelUSShort || layout == LayoutExcelUS ||
			strings.HasPrefix(layout, "2006"):
			continue // the form is not the layout's: it fails
		default:
			return time.Time{}, false
		}
		return time.Date(y, time.Month(mo), d, h, mi, sec, 0, loc), true
	}
	return time.Time{}, false
}

// parseUS reads s in one of the usForms: the numbers, and pm for PM
// (else AM). form is usNone when s is in none.
func parseUS(s string) (form usForm, mo, d, y, h, mi, sec int, pm bool) {
	var ok bool
	if mo, s, ok = digits12(s); !ok || !strings.HasPrefix(s, "/") {
		return
	}
	if d, s, ok = digits12(s[1:]); !ok || !strings.HasPrefix(s, "/") || len(s) < 5 || !fits(s[1:5], "dddd") {
		return
	}
	y, s = num(s, 1, 5), s[5:]
	if s == "" {
		return usDate, mo, d, y, 0, 0, 0, false
	}
	if !strings.HasPrefix(s, " ") {
		return usNone, 0, 0, 0, 0, 0, 0, false
	}
	if h, s, ok = digits12(s[1:]); !ok || len(s) < 3 || !fits(s[:3], ":dd") {
		return usNone, 0, 0, 0, 0, 0, 0, false
	}
	mi, s = num(s, 1, 3), s[3:]
	switch {
	case s == "":
		return usShort, mo, d, y, h, mi, 0, false
	case len(s) == 6 && fits(s[:4], ":dd ") && (s[4:] == "AM" || s[4:] == "PM"):
		return usLong, mo, d, y, h, mi, num(s, 1, 3), s[4:] == "PM"
	}
	return usNone, 0, 0, 0, 0, 0, 0, false
}

// digits12 reads the one or two digits that start s, as time.Parse
// reads a month, a day or an hour written without a leading zero.
func digits12(s string) (n int, rest string, ok bool) {
	switch {
	case len(s) >= 2 && isDigit(s[0]) && isDigit(s[1]):
		return num(s, 0, 2), s[2:], true
	case len(s) >= 1 && isDigit(s[0]):
		return num(s, 0, 1), s[1:], true
	}
	return 0, s, false
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }
