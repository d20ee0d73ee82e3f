package viina

import (
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/feeds"
)

// checkHeadline fails when the automaton answers h differently from
// strings.ToLower and mentions, or when it stops without the bit it
// was told to stop at.
func checkHeadline(t *testing.T, h string) {
	t.Helper()
	want := strings.ToLower(h)
	mask := stems.mentioned(h, 0)
	for _, bit := range stemBits {
		if stopped := stems.mentioned(h, bit); stopped&bit != mask&bit || stopped&^mask != 0 {
			t.Fatalf("%q: stopping at %08b gives %08b, the whole scan %08b", h, bit, stopped, mask)
		}
	}
	for typ, bit := range stemBits {
		if got := mask&bit != 0; got != mentions(want, typ) {
			t.Fatalf("%q: mentioned says %v for %s, mentions %v", h, got, typ, !got)
		}
	}
}

func TestHeadlineAgainstStrings(t *testing.T) {
	for _, h := range []string{"", "a", "Х-101", "X-59 над Києвом", "БпЛА «Шахед» атакував", "Обстріл\xffКАБами ", " мін. ", "ΣΑΣ İstanbul Ǆ ẞ",
		"Бої біля Бахмута", "Ракетний удар по Одесі", "Штурм позицій, Зіткнення",
		strings.Repeat("а", 40) + "дрон" + strings.Repeat("б", 40), strings.Repeat("а", 38) + "бпла" + strings.Repeat("б", 42),
		strings.Repeat("x", 70) + "\xd0", strings.Repeat("x", 35) + strings.Repeat("\x80", 40)} {
		checkHeadline(t, h)
	}
	src := gunzip(t, "202401", true)
	res, _ := Reader{}.Read(src, feeds.Options{})
	n := 0
	for _, inc := range res.Incidents {
		if h := inc.FieldMap()["headline"]; h != "" {
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
	// Long enough to be read as two halves, a stem across the middle.
	f.Add("Протягом доби окупанти здійснили обстріли Херсонщини: постраждали мирні жителі, ракет")
	f.Add(strings.Repeat("ы", 40) + "ШАХЕД" + strings.Repeat("\xd0", 40))
	f.Fuzz(func(t *testing.T, h string) { checkHeadline(t, h) })
}

// BenchmarkMentioned runs the automaton over every headline of January
// 2024, to the end.
func BenchmarkMentioned(b *testing.B) {
	src := gunzip(b, "202401", true)
	res, _ := Reader{}.Read(src, feeds.Options{})
	var headlines []string
	size := 0
	for _, inc := range res.Incidents {
		headlines = append(headlines, inc.FieldMap()["headline"])
		size += len(inc.FieldMap()["headline"])
	}
	b.SetBytes(int64(size))
	for b.Loop() {
		for _, h := range headlines {
			stems.mentioned(h, 0)
		}
	}
}
