package incidents

import (
	"bufio"
	"context"
	"io"
	"os"
	"strings"
	"time"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/model"
)

// Follow reads JSON Lines from in, one incident a line, and hands each to
// add. A line that cannot be read, or an incident older than the one
// before, is reported with its line number and skipped.
func Follow(in io.Reader, name string, opts feeds.Options, add func(model.Incident) error, report func(diag.Diagnostics)) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for line := 1; sc.Scan(); line++ {
		text := sc.Bytes()
		if len(strings.TrimSpace(string(text))) == 0 {
			continue
		}
		res, ds := JSONL{}.Read(&feeds.Source{Name: name, Data: text}, opts)
		for i := range ds {
			ds[i].Range.Start.Line, ds[i].Range.End.Line = line, line
		}
		report(ds)
		for _, inc := range res.Incidents {
			if err := add(inc); err != nil {
				report(diag.Diagnostics{diag.Warningf(diag.Range{File: name, Start: diag.Pos{Line: line, Column: 1}}, "skipped-row", "%v; incident skipped", err)})
			}
		}
	}
	return sc.Err()
}

// Growing reads a file that keeps growing: at its end it waits for more
// until the context is cancelled (Ctrl-C), as tail -f does.
func Growing(ctx context.Context, f *os.File) io.Reader { return &growing{ctx: ctx, f: f} }

type growing struct {
	ctx context.Context
	f   *os.File
}

func (g *growing) Read(p []byte) (int, error) {
	for {
		n, err := g.f.Read(p)
		if n > 0 || (err != nil && err != io.EOF) {
			return n, err
		}
		select {
		case <-g.ctx.Done():
			return 0, io.EOF
		case <-time.After(500 * time.Millisecond): // polling: the portable way to notice a file growing
		}
	}
}
