package render

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/backstop-dev/backstop/internal/numfmt"
)

// Progress draws a simulation's progress bar on w (standard error), on a
// terminal only and only once the work has taken a second.
type Progress struct {
	mu    sync.Mutex
	w     io.Writer
	tty   bool
	start time.Time
	shown int // last percentage drawn, -1 before
}

// NewProgress starts timing the work whose progress is drawn on w.
func NewProgress(w io.Writer) *Progress {
	return &Progress{w: w, tty: IsTerminal(w), start: time.Now(), shown: -1}
}

// Update draws done runs of total, when the percentage has changed; it
// may be called from several goroutines.
func (p *Progress) Update(done, total int) {
	if !p.tty || total == 0 || time.Since(p.start) < time.Second {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	pct := done * 100 / total
	if pct == p.shown {
		return
	}
	p.shown = pct
	bar := make([]rune, 30)
	for i := range bar {
		bar[i] = '░'
		if i < pct*30/100 {
			bar[i] = '█'
		}
	}
	fmt.Fprintf(p.w, "\rsimulating %s %3d %% (%s of %s)", string(bar), pct, numfmt.Number(float64(done), 0), Plural(total, "run"))
}

// Finish ends the bar's line, if one was drawn.
func (p *Progress) Finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown >= 0 {
		fmt.Fprintln(p.w)
	}
}
