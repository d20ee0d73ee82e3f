package cli

import (
	"bufio"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// exampleGroup is a run of example command lines that belong together
// (one --help's examples, or the README's tour): later lines read what
// earlier ones wrote. want holds, per line, output the README shows.
type exampleGroup struct {
	name  string
	lines []string
	want  map[int][]string
}

// notRun are examples that cannot run as written in a test, each with the
// reason; everything else must exit 0.
var notRun = map[string]string{
	"backstop territory area occupied.geojson --date 2025-09-01":                                               "occupied.geojson stands for the user's own map",
	"backstop territory diff FROM.geojson TO.geojson --format json | jq .gained_km2":                           "FROM and TO stand for the user's snapshots",
	"tail -f incidents.jsonl | backstop monitor examples/ukraine-2025 --follow":                                "follows a feed that never ends",
	"man -l man-pages/backstop-monitor.1":                                                                      "reads a page with man(1), which need not be installed",
	"backstop verify --server http://127.0.0.1:8080 --log-key server.pub --witnesses witnesses.txt --quorum 2": "needs two witnesses running",
	"backstop serve --witness http://127.0.0.1:8090":                                                           "needs a witness running",
}

// whyNotRun says why an example is not run: listed in notRun, or a server
// in the foreground, which runs until stopped (the README's tour starts
// one in the background, and the examples that need one use it).
func whyNotRun(line string) (string, bool) {
	if why, ok := notRun[line]; ok {
		return why, true
	}
	server := strings.HasPrefix(line, "backstop serve") || strings.HasPrefix(line, "backstop witness") && !strings.Contains(line, "--print-key")
	if server && !strings.HasSuffix(line, "&") {
		return "a server in the foreground runs until stopped", true
	}
	return "", false
}

// TestExamplesRun runs every example of every --help, and the README's
// tour, as written, from a copy of the repository root (examples/,
// internal/ and ../shared as links; what an example writes stays in the
// copy), and checks the output the README shows. Examples that need a
// server run against `backstop serve` started as the README starts it.
func TestExamplesRun(t *testing.T) {
	if os.Getenv("BACKSTOP_HEAVY_TESTS") == "" {
		t.Skip("set BACKSTOP_HEAVY_TESTS=1 to run every --help and README example (a few minutes)")
	}
	repo, _ := filepath.Abs("../..")
	shared := filepath.Join(filepath.Dir(repo), "shared")
	if _, err := os.Stat(filepath.Join(shared, "data")); err != nil {
		t.Skipf("the examples read ../shared/data, absent here: %v", err)
	}
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "backstop"), "./cmd/backstop")
	build.Dir = repo
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	groups := []exampleGroup{readmeExamples(t, filepath.Join(repo, "README.md"))}
	for _, c := range commands() {
		if _, ex, ok := strings.Cut(c.usage, "Examples:"); ok {
			groups = append(groups, exampleGroup{name: c.name, lines: exampleLines(ex)})
		}
	}
	// One folder for all, in the order of the README then `backstop help`:
	// what the README's server holds and what sign wrote, submit and
	// verify then read, as a user working through them would.
	dir := exampleRoot(t, repo, shared)
	for _, g := range groups {
		t.Run(g.name, func(st *testing.T) {
			for i, line := range g.lines {
				if why, skip := whyNotRun(line); skip {
					st.Logf("not run: %s (%s)", line, why)
					continue
				}
				out := runExample(t, st, dir, bin, line)
				for _, w := range g.want[i] {
					if !strings.Contains(squeeze(out), squeeze(w)) {
						st.Errorf("%s: the README shows %q; the output is\n%s", line, w, tail(out, 20))
					}
				}
			}
		})
	}
}

// exampleRoot is a folder laid out like the repository root beside
// ../shared, where examples may write their files.
func exampleRoot(t *testing.T, repo, shared string) string {
	top := t.TempDir()
	dir := filepath.Join(top, "main")
	for _, link := range []struct{ from, to string }{
		{filepath.Join(top, "shared"), shared},
		{dir, ""},
		{filepath.Join(dir, "examples"), filepath.Join(repo, "examples")},
		{filepath.Join(dir, "internal"), filepath.Join(repo, "internal")},
		{filepath.Join(dir, "docs"), filepath.Join(repo, "docs")},
	} {
		var err error
		if link.to == "" {
			err = os.Mkdir(link.from, 0o755)
		} else {
			err = os.Symlink(link.to, link.from)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// runExample runs one line in bash with pipefail; a line ending in & is a
// server, left running until the whole test (top) ends once it answers.
func runExample(top, t *testing.T, dir, bin, line string) string {
	t.Helper()
	background := strings.HasSuffix(line, "&")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	cmd := exec.CommandContext(ctx, "bash", "-o", "pipefail", "-c", strings.TrimSuffix(line, "&"))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "COLUMNS=100")
	if background {
		cmd.Stdout, cmd.Stderr = nil, nil
		if err := cmd.Start(); err != nil {
			cancel()
			t.Fatalf("%s: %v", line, err)
		}
		top.Cleanup(func() { cancel(); _ = cmd.Wait() })
		waitForServer(t, ctx, line)
		return ""
	}
	defer cancel()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("%s: %v\n%s", line, err, tail(string(out), 20))
	}
	return string(out)
}

// waitForServer polls the address the README gives until the server
// answers (it seeds itself first) or the line's context ends.
func waitForServer(t *testing.T, ctx context.Context, line string) {
	t.Helper()
	for backoff := 50 * time.Millisecond; ; backoff = min(2*backoff, time.Second) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://127.0.0.1:8080/v1/ready", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s: no answer on 127.0.0.1:8080: %v", line, ctx.Err())
		case <-time.After(backoff):
		}
	}
}

// exampleLines are the command lines of a --help's Examples section: its
// indented lines, continuation lines (ending in \) joined; the section
// ends at the first line that is not indented.
func exampleLines(section string) []string {
	var out []string
	pending := ""
	for _, raw := range strings.Split(strings.TrimPrefix(section, "\n"), "\n") {
		if raw != "" && !strings.HasPrefix(raw, "  ") && pending == "" {
			break
		}
		line := strings.TrimSpace(raw)
		if pending != "" {
			line, pending = pending+" "+line, ""
		}
		if strings.HasSuffix(line, "\\") {
			pending = strings.TrimSpace(strings.TrimSuffix(line, "\\"))
			continue
		}
		if line != "" {
			out = append(out, line)
		}
	}
	return out
}

// readmeExamples are the README's console lines ($ COMMAND) and, for each,
// the output it shows, split at "…" (an elision) into runs to find.
func readmeExamples(t *testing.T, path string) exampleGroup {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g := exampleGroup{name: "README", want: map[int][]string{}}
	inConsole, run := false, ""
	flush := func() {
		if strings.TrimSpace(run) != "" && len(g.lines) > 0 {
			g.want[len(g.lines)-1] = append(g.want[len(g.lines)-1], run)
		}
		run = ""
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "```console":
			inConsole = true
		case line == "```":
			flush()
			inConsole = false
		case !inConsole:
		case strings.HasPrefix(line, "$ "):
			flush()
			g.lines = append(g.lines, strings.TrimSpace(strings.TrimPrefix(line, "$ ")))
		case strings.HasPrefix(strings.TrimSpace(line), "#"):
		default:
			for part := range strings.SplitSeq(line, "…") {
				run += " " + part
				if strings.Contains(line, "…") {
					flush()
				}
			}
		}
	}
	flush()
	return g
}

// squeeze folds every run of white space (a table's padding, a wrapped
// line) to one space.
func squeeze(s string) string { return strings.Join(strings.Fields(s), " ") }

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
