//go:build linux

// Package scale measures the CLI at ten times the VIINA history shipped in
// ../shared/data/viina (191,675 reports over 27 months): about 1.9 million
// incidents, made by replicating the real months with their dates shifted
// by whole years. It holds tests only: nothing here is part of backstop.
//
// The measurement is gated behind BACKSTOP_SCALE=1, because it builds the
// binary, writes ~80 MB of gzipped CSV and runs for minutes:
//
//	BACKSTOP_SCALE=1 go test ./internal/scale -run TestScaleCLI -v -timeout 30m
//
// BACKSTOP_SCALE_COPIES (default 10) sets the number of copies,
// BACKSTOP_SCALE_DIR keeps the generated files in that folder instead of a
// temporary one, BACKSTOP_VIINA points at the real monthly files and
// BACKSTOP_SCALE_LIMIT_SECONDS (default 600) stops a command that runs
// longer. The test reports, for monitor and corroborate on the real months,
// at 1× and at COPIES×, the wall time, the CPU time and the peak resident
// set size of the child process (getrusage's ru_maxrss, the figure
// /usr/bin/time -v prints as "Maximum resident set size").
// docs/design.md ("Scale: the next order of magnitude") records them.
//
// The linux build tag is there because ru_maxrss is in KiB on Linux and in
// bytes on macOS; the harness reads it as KiB.
package scale

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// yearsPerCopy is the shift between copies: a multiple of four, so that a
// report of 29 February lands on a leap day again (no century year falls
// in 2023…2065), and more than the 2.4 years the real months span, so
// that no two copies overlap in time.
const yearsPerCopy = 4

// bom starts every real VIINA file; the copies keep it so that they are
// read exactly as the real files are.
var bom = []byte("\ufeff")

// monthFile matches the real monthly files and captures the year and month.
var monthFile = regexp.MustCompile(`^viina_incidents_(\d{4})(\d{2})\.csv(\.gz)?$`)

// replicate writes copy k (1…copies) of every real month in src into
// dst/xKK/, its dates shifted by k×yearsPerCopy years and the file named
// after the shifted month with the suffix _xKK. Every copy is shifted, the
// first too, so that all of them fall after the example framework's
// ceasefire (2025-09-01): the 1× run (copy 1 alone) and the 10× run then
// do the same work per incident, and the monitor's triggers run on all of
// it rather than only filling its windows. The VIINA reader names an
// incident without an event id FILE:LINE, so the suffixed file name keeps
// every id unique across copies. It returns the rows written per copy.
func replicate(tb testing.TB, src, dst string, copies int) int {
	tb.Helper()
	months, err := filepath.Glob(filepath.Join(src, "viina_incidents_*.csv*"))
	if err != nil || len(months) == 0 {
		tb.Fatalf("no VIINA months in %s (set BACKSTOP_VIINA): %v", src, err)
	}
	rows := 0
	for _, path := range months {
		m := monthFile.FindStringSubmatch(filepath.Base(path))
		if m == nil {
			continue
		}
		year, _ := strconv.Atoi(m[1])
		data := readMaybeGzip(tb, path)
		for k := 1; k <= copies; k++ {
			shift := k * yearsPerCopy
			dir := filepath.Join(dst, fmt.Sprintf("x%02d", k))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				tb.Fatal(err)
			}
			name := fmt.Sprintf("viina_incidents_%04d%s_x%02d.csv.gz", year+shift, m[2], k)
			n, err := writeShifted(filepath.Join(dir, name), data, shift)
			if err != nil {
				tb.Fatalf("%s: %v", path, err)
			}
			if k == 1 {
				rows += n
			}
		}
	}
	return rows
}

func readMaybeGzip(tb testing.TB, path string) []byte {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	if !strings.HasSuffix(path, ".gz") {
		return data
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return out
}

// writeShifted writes the VIINA CSV data to path, gzipped, with the year of
// its datetime column moved by years, and returns the rows written. Only
// the year changes: the month, day and time of day stay, so each copy has
// the real months' rhythm (weekdays aside).
func writeShifted(path string, data []byte, years int) (int, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	// BestSpeed: the copies are read once or twice, and gzip's default
	// level would make writing them the slowest part of the run.
	zw, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
	n, err := shift(zw, data, years)
	if err != nil {
		return n, err
	}
	if err := zw.Close(); err != nil {
		return n, err
	}
	return n, f.Close()
}

// shift copies the VIINA CSV data to w with every datetime's year moved by
// years; it returns the rows copied (the header aside).
func shift(w io.Writer, data []byte, years int) (int, error) {
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, bom)))
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return 0, err
	}
	col := -1
	for i, h := range header {
		if strings.TrimSpace(h) == "datetime" {
			col = i
		}
	}
	if col < 0 {
		return 0, fmt.Errorf("no datetime column in %q", header)
	}
	bw := bufio.NewWriter(w)
	bw.Write(bom)
	cw := csv.NewWriter(bw)
	if err := cw.Write(header); err != nil {
		return 0, err
	}
	rows := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return rows, err
		}
		// "2024-02-29 00:00:00": the year is the first four digits.
		dt := rec[col]
		if len(dt) >= 4 {
			if y, err := strconv.Atoi(dt[:4]); err == nil {
				rec[col] = strconv.Itoa(y+years) + dt[4:]
			}
		}
		if err := cw.Write(rec); err != nil {
			return rows, err
		}
		rows++
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return rows, err
	}
	return rows, bw.Flush()
}

// TestShift checks the generator on two rows, a leap day among them: it
// runs in the default `go test` (milliseconds), unlike TestScaleCLI.
func TestShift(t *testing.T) {
	in := "\ufeff\"datetime\",\"lon\",\"lat\",\"place_name\",\"event_type\",\"headline\"\n" +
		"\"2024-02-29 00:00:00\",\"38.1\",\"48.8\",\"Spirne\",\"artillery\",\"a, \"\"quoted\"\"\nheadline\"\n" +
		"\"2023-04-01 00:00:00\",\"38.2\",\"48.9\",\"Siversk\",\"\",\"b\"\n"
	var out bytes.Buffer
	n, err := shift(&out, []byte(in), 8)
	if err != nil || n != 2 {
		t.Fatalf("shift = %d, %v; want 2, nil", n, err)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(out.Bytes(), bom))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out.Bytes(), bom) {
		t.Error("the copy lost the byte order mark")
	}
	if got := recs[1][0]; got != "2032-02-29 00:00:00" {
		t.Errorf("leap day shifted to %q, want 2032-02-29 00:00:00", got)
	}
	if got := recs[1][5]; got != "a, \"quoted\"\nheadline" {
		t.Errorf("headline = %q, want it unchanged", got)
	}
	if got := recs[2][0]; got != "2031-04-01 00:00:00" {
		t.Errorf("date shifted to %q, want 2031-04-01 00:00:00", got)
	}
}

// run is one measured command.
type run struct {
	wall, cpu time.Duration
	maxRSS    int64 // KiB
	exit      int
	out       int64 // bytes written to standard output
	killed    bool  // stopped at the limit
}

// measure runs bin with args in dir, its standard output to a file, and
// returns its wall time, CPU time (user and system) and peak RSS; it stops
// the command after limit.
func measure(tb testing.TB, limit time.Duration, dir, bin string, args ...string) run {
	tb.Helper()
	out, err := os.CreateTemp(tb.TempDir(), "stdout")
	if err != nil {
		tb.Fatal(err)
	}
	defer out.Close()
	var stderr bytes.Buffer
	// A command that outgrows the limit is reported rather than waited
	// for: at 10× a slow path would otherwise hold the run for hours.
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, out, &stderr
	start := time.Now()
	err = cmd.Run()
	r := run{wall: time.Since(start)}
	if cmd.ProcessState == nil {
		tb.Fatalf("%s %s: %v", bin, strings.Join(args, " "), err)
	}
	r.exit = cmd.ProcessState.ExitCode()
	r.killed = ctx.Err() != nil
	r.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSS = ru.Maxrss // KiB on Linux
	}
	if fi, err := out.Stat(); err == nil {
		r.out = fi.Size()
	}
	// Exit 1 is not a failure of the measurement (the documents' own
	// problems); 2 is input that could not be read, which would make the
	// figures meaningless.
	if r.exit >= 2 && !r.killed {
		tb.Fatalf("%s %s: exit %d\n%s", bin, strings.Join(args, " "), r.exit, tail(stderr.String(), 2000))
	}
	return r
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

func envInt(tb testing.TB, name string, def int) int {
	tb.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		tb.Fatalf("%s=%q: want a whole number ≥ 1", name, v)
	}
	return n
}

// TestScaleCLI measures `backstop monitor` and `backstop corroborate` on
// the real VIINA months, on one shifted copy (1×) and on COPIES shifted
// copies (10× by default).
func TestScaleCLI(t *testing.T) {
	if os.Getenv("BACKSTOP_SCALE") != "1" {
		t.Skip("set BACKSTOP_SCALE=1 to measure the CLI at 10× VIINA (minutes)")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	src := os.Getenv("BACKSTOP_VIINA")
	if src == "" {
		src = filepath.Join(root, "..", "shared", "data", "viina")
	}
	copies := envInt(t, "BACKSTOP_SCALE_COPIES", 10)
	limit := time.Duration(envInt(t, "BACKSTOP_SCALE_LIMIT_SECONDS", 600)) * time.Second
	dst := os.Getenv("BACKSTOP_SCALE_DIR")
	if dst == "" {
		dst = t.TempDir()
	}

	bin := filepath.Join(t.TempDir(), "backstop")
	build := exec.Command("go", "build", "-o", bin, "./cmd/backstop")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	start := time.Now()
	rows := replicate(t, src, dst, copies)
	t.Logf("generated %d copies of %d rows (%d incidents) in %s under %s",
		copies, rows, rows*copies, time.Since(start).Round(time.Millisecond), dst)

	var all []string
	for k := 1; k <= copies; k++ {
		all = append(all, filepath.Join(dst, fmt.Sprintf("x%02d", k)))
	}
	scales := []struct {
		name      string
		incidents []string
		rows      int
	}{
		{"real", []string{src}, rows},
		{"1x", all[:1], rows},
		{fmt.Sprintf("%dx", copies), all, rows * copies},
	}
	rules := filepath.Join(root, "examples", "corroboration", "viina-artillery.yaml")
	for _, sc := range scales {
		commands := []struct {
			name string
			args []string
		}{
			{"monitor", append([]string{"monitor", "examples/ukraine-2025"}, incidentFlags(sc.incidents)...)},
			{"corroborate", append([]string{"corroborate", "--rules", rules}, incidentFlags(sc.incidents)...)},
		}
		for _, c := range commands {
			r := measure(t, limit, root, bin, c.args...)
			if r.killed {
				t.Errorf("%s %s: stopped after %s (BACKSTOP_SCALE_LIMIT_SECONDS)", c.name, sc.name, limit)
				continue
			}
			t.Logf("%-11s %-5s %9d incidents: wall %6.1fs  cpu %6.1fs  max RSS %6d MiB  (%.0f bytes/incident)  exit %d  stdout %d bytes",
				c.name, sc.name, sc.rows, r.wall.Seconds(), r.cpu.Seconds(), r.maxRSS>>10,
				float64(r.maxRSS<<10)/float64(sc.rows), r.exit, r.out)
		}
	}
}

// incidentFlags repeats --incidents before each folder: the values that
// follow one flag are files, and a second folder there would be read as
// framework documents.
func incidentFlags(paths []string) []string {
	var args []string
	for _, p := range paths {
		args = append(args, "--incidents", p)
	}
	return args
}
