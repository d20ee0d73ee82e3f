package sim

import (
	"fmt"
	"testing"
)

// benchScenario is the Ukraine offensive with every guarantor force and
// the reassurance force brought to 15,000: the heaviest case.
const benchScenario = testScenario + "extra: {troops_in_theatre: 5700}\n"

// BenchmarkRun is one run in the hot loop: it should not allocate.
func BenchmarkRun(b *testing.B) {
	p := plan(b, benchScenario)
	w := newWorker(p)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p.run(i, 1, w)
		i++
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "runs/s")
}

// BenchmarkSimulate runs 20,000 runs on 1 and 2 workers, for the scaling.
func BenchmarkSimulate(b *testing.B) {
	p := plan(b, benchScenario)
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			runs := 0
			for b.Loop() {
				Simulate(p, Options{Runs: 20_000, Workers: workers})
				runs += 20_000
			}
			b.ReportMetric(float64(runs)/b.Elapsed().Seconds(), "runs/s")
		})
	}
}
