package acled

import (
	"regexp"
	"testing"

	"github.com/backstop-dev/backstop/internal/feeds"
)

// droneRegexp is what namesDrone stands for.
var droneRegexp = regexp.MustCompile(`(?i)drone|\bUAVs?\b|shahed|geran|lancet|\bFPV\b|quadcopter`)

func checkDrone(t *testing.T, notes string) {
	t.Helper()
	if got, want := namesDrone(notes), droneRegexp.MatchString(notes); got != want {
		t.Fatalf("namesDrone(%q) = %v, the regular expression says %v", notes, got, want)
	}
}

func TestNamesDroneAgainstRegexp(t *testing.T) {
	for _, notes := range []string{
		"", "drone", "DRONES", "a Drone strike", "UAV", "uavs", "UAVs.", "UAVS_", "xUAV", "UAVx", "uav_", "_uav", "2UAV",
		"uavſ", "ſhahed", "SHAHED-136", "Shahe", "geran-2", "GERAN", "Lancet", "lancets", "FPV", "fpv-drone", "FPVs",
		"(FPV)", "ƒpv", "quadcopter", "Quadcopters", "quad copter", "ÜAV", "é uav é", "\xffuav\xff", "u\xc5\xbfav",
		"On 3 March, Russian forces launched Shahed-136 drones at Odesa.", "the unmanned aerial vehicle",
	} {
		checkDrone(t, notes)
	}
	src := openReal(t)
	sum := feeds.NewSummary(src.Name, Format)
	c, _ := feeds.NewCSV(src, ',', &sum, feeds.Options{})
	n := 0
	for rec := range c.Rows() {
		checkDrone(t, feeds.Get(rec, c.Header.Index(ColNotes)))
		n++
	}
	if n == 0 {
		t.Fatal("no rows")
	}
}

// FuzzNamesDrone compares namesDrone with the regular expression.
func FuzzNamesDrone(f *testing.F) {
	f.Add("Russian forces hit Kharkiv with an FPV drone and UAVs")
	f.Add("ſhahed _uav_ (FPV) quadcopterS")
	f.Fuzz(func(t *testing.T, notes string) { checkDrone(t, notes) })
}
