package viina

import (
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/feeds"
)

// checkHeadline fails when appendLower or mentioned answer h differently
// from strings.ToLower and mentions.
func checkHeadline(t *testing.T, h string) {
	t.Helper()
	want := strings.ToLower(h)
	low := appendLower(nil, h)
	if string(low) != want {
		t.Fatalf("appendLower(%q) = %q, strings.ToLower %q", h, low, want)
	}
	mask := mentioned(low)
	for typ, bit := range stemBits {
		if got := mask&bit != 0; got != mentions(want, typ) {
			t.Fatalf("%q: mentioned says %v for %s, mentions %v", h, got, typ, !got)
		}
	}
}

func TestHeadlineAgainstStrings(t *testing.T) {
	for _, h := range []string{"", "a", "Х-101", "X-59 над Києвом", "БпЛА «Шахед» атакував", "Обстріл\xffКАБами ", " мін. ", "ΣΑΣ İstanbul Ǆ ẞ",
		"Бої біля Бахмута", "Ракетний удар по Одесі", "Штурм позицій, Зіткнення"} {
		checkHeadline(t, h)
	}
	src := gunzip(t, "202401", true)
	res, _ := Reader{}.Read(src, feeds.Options{})
	n := 0
	for _, inc := range res.Incidents {
		if h := inc.Fields["headline"]; h != "" {
			checkHeadline(t, h)
			n++
		}
	}
	if n == 0 {
		t.Fatal("no headlines")
	}
}

func FuzzHeadline(f *testing.F) {
	f.Add("Обстріл Херсона: Х-22, КАБ і FPV-дрони")
	f.Fuzz(func(t *testing.T, h string) { checkHeadline(t, h) })
}
