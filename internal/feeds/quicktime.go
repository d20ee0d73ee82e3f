package feeds

import "time"

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

// shapeLayouts are the layouts that read each shape exactly, digit for
// digit.
var shapeLayouts = map[string]shape{
	LayoutDate:            shapeDate,
	"20060102":            shapeCompactDate,
	"2006-01-02 15:04:05": shapeDateTime,
	LayoutDayMonthTime:    shapeDayMonth,
}

// refuses lists, for each shape, the layouts time.Parse cannot read it
// with (each wants a character the shape lacks — a T, a slash, a dash, a
// zone — or ends before it does), so QuickTime may pass over them as
// ParseTimeIn's loop would.
var refuses = map[shape][]string{
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
		if shapeLayouts[layout] == sh {
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

// shapeOf matches s against the shapes' patterns (d a digit).
func shapeOf(s string) shape {
	for sh, pattern := range [...]string{
		shapeDate: "dddd-dd-dd", shapeCompactDate: "dddddddd",
		shapeDateTime: "dddd-dd-dd dd:dd:dd", shapeDayMonth: "dd/dd/dddd dd:dd:dd",
	} {
		if pattern != "" && fits(s, pattern) {
			return shape(sh)
		}
	}
	return shapeNone
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

// daysIn is the number of days of month m of year y.
func daysIn(m time.Month, y int) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
