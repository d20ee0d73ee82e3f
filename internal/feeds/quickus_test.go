package feeds

import (
	"fmt"
	"testing"
	"time"
)

// usLayoutLists are layout lists quickUS knows, or must refuse to
// answer for.
var usLayoutLists = [][]string{
	{LayoutDate, "2006-01-02 15:04:05", LayoutExcelUSShort, LayoutExcelUS, "1/2/2006"}, // UCDP's
	{LayoutExcelUSShort, LayoutExcelUS},
	{LayoutExcelUS, LayoutExcelUSShort, "1/2/2006"},
	{"1/2/2006"},
	ISOLayouts,
	{LayoutDayMonthTime, LayoutExcelUS}, // day first comes first: not answered
}

// checkQuickUS fails when quickUS answers s differently from the first
// layout time.ParseInLocation reads s with, and reports whether it
// answered.
func checkQuickUS(t *testing.T, s string) bool {
	t.Helper()
	answered := false
	for _, loc := range []*time.Location{time.UTC, time.FixedZone("UTC-5", -5*3600)} {
		for _, layouts := range usLayoutLists {
			q, ok := quickUS(s, loc, layouts...)
			if !ok {
				continue
			}
			answered = true
			var want time.Time
			var err error = fmt.Errorf("no layout")
			for _, l := range layouts {
				if want, err = time.ParseInLocation(l, s, loc); err == nil {
					break
				}
			}
			if err != nil || !q.Equal(want) || q.Location() != want.Location() {
				t.Fatalf("quickUS(%q, %v, %q) = %v, time.Parse: %v (%v)", s, loc, layouts, q, want, err)
			}
		}
	}
	return answered
}

func TestQuickUS(t *testing.T) {
	n := 0
	for _, date := range []string{"8/31/2022", "08/31/2022", "2/29/2024", "2/29/2023", "13/1/2022", "0/1/2022", "1/0/2022",
		"12/31/1899", "1/1/0000", "123/1/2022", "1/1/22", "1/1/20222"} {
		for _, clock := range []string{"", " 0:00", " 00:00", " 23:59", " 24:00", " 9:60", " 12:00:00 AM", " 12:00:00 PM",
			" 0:30:00 PM", " 1:30:00 PM", " 13:00:00 PM", " 11:59:59 AM", " 11:59:60 AM", " 1:30:00 pm", " 1:30:00PM",
			"  1:30", " 1:3", " 1:30:0 AM", "x", " ", " 1:30 ", "T10:00"} {
			if checkQuickUS(t, date+clock) {
				n++
			}
		}
	}
	if n == 0 {
		t.Fatal("quickUS answered nothing")
	}
	for _, s := range []string{"2022-08-31", "31/08/2022 00:00:00", "8/31/2022"} {
		if _, ok := quickUS(s, time.UTC, LayoutDayMonthTime, LayoutExcelUS); ok {
			t.Errorf("quickUS answers %q after a day-first layout", s)
		}
	}
}

func FuzzQuickUS(f *testing.F) {
	for _, s := range []string{"8/31/2022 12:00:00 AM", "09/01/2022 00:00", "2/29/2024", "12/1/2023 11:59:59 PM"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkQuickUS(t, s) })
}
