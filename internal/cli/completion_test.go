package cli

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// TestFlagsMatchHelp checks that every flag a command parses is described
// in its --help, and every flag its --help describes is parsed: the
// completion and the man pages read both.
func TestFlagsMatchHelp(t *testing.T) {
	walk := func(cmd *cobra.Command, usage string) {
		h := parseHelp(usage)
		cmd.Flags().VisitAll(func(f *pflag.Flag) {
			if f.Name == "help" {
				return // cobra's own, and every command takes --help
			}
			if _, ok := h.flags[f.Name]; !ok {
				t.Errorf("%s: --%s is parsed but not in --help", cmd.CommandPath(), f.Name)
			} else if f.Usage == "" {
				t.Errorf("%s: --%s has no words in --help", cmd.CommandPath(), f.Name)
			}
		})
		if cmd.HasSubCommands() {
			return // the parent's help describes its subcommands' flags
		}
		for name := range h.flags {
			if cmd.Flags().Lookup(name) == nil {
				t.Errorf("%s: --help describes --%s, which it does not parse", cmd.CommandPath(), name)
			}
		}
	}
	usages := map[string]string{"import incidents": importIncidentsUsage, "territory options": territoryOptionsUsage}
	for _, c := range commands() {
		usages[c.name] = c.usage
	}
	for _, cmd := range commandTree().Commands() {
		walk(cmd, usages[cmd.Name()])
		for _, sub := range cmd.Commands() {
			u, ok := usages[cmd.Name()+" "+sub.Name()]
			if !ok {
				u = usages[cmd.Name()]
			}
			walk(sub, u)
		}
	}
}

// TestEveryCommandDescribesItsFlags: commandTree runs each command in
// describe mode, where parseFlags stops it before any work; a command that
// does not call parseFlags would do its work there (init would write its
// files), so each must.
func TestEveryCommandDescribesItsFlags(t *testing.T) {
	t.Chdir(t.TempDir()) // were one to do its work, it does it here
	for _, c := range commands() {
		if c.run == nil || c.name == "version" {
			continue
		}
		described := false
		c.run(nil, Streams{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard, describe: func(*flag.FlagSet) { described = true }})
		if !described {
			t.Errorf("%s does not parse its flags with parseFlags", c.name)
		}
	}
	if entries, _ := os.ReadDir("."); len(entries) > 0 {
		t.Errorf("describing the commands wrote %d files", len(entries))
	}
}

// TestCompletion asks for completions as the shell scripts do.
func TestCompletion(t *testing.T) {
	cases := []struct {
		args []string
		want []string // among the candidates
		not  []string
	}{
		{[]string{"__complete", ""}, []string{"validate", "assess", "monitor", "completion", "man"}, []string{"__complete"}},
		{[]string{"__complete", "ass"}, []string{"assess"}, []string{"validate"}},
		{[]string{"__complete", "assess", "--format", ""}, []string{"table", "json", "markdown", "html"}, []string{"report"}},
		{[]string{"__complete", "monitor", "--format", ""}, []string{"table", "report-csv"}, nil},
		{[]string{"__complete", "validate", "--format", ""}, []string{"text", "json", "table"}, nil},
		{[]string{"__complete", "territory", ""}, []string{"area", "diff", "options"}, nil},
		{[]string{"__complete", "territory", "diff", "--"}, []string{"--by-oblast", "--from-date", "--oblasts"}, nil},
		{[]string{"__complete", "monitor", "--qu"}, []string{"--quiet-period"}, nil},
		{[]string{"__complete", "monitor", "--by", ""}, []string{"day", "week"}, nil},
		{[]string{"__complete", "monitor", "--input-format", ""}, []string{"acled", "ucdp", "viina"}, nil},
		{[]string{"__complete", "import", ""}, []string{"kiel", "incidents"}, nil},
		{[]string{"__complete", "import", "incidents", "--"}, []string{"--out", "--since"}, nil},
		{[]string{"__complete", "assess", "--color", ""}, []string{"auto", "always", "never"}, nil},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args[1:], " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := Main(tc.args, strings.NewReader(""), &out, &errOut); code != ExitOK {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			var got []string
			for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
				if !strings.HasPrefix(line, ":") {
					got = append(got, strings.SplitN(line, "\t", 2)[0])
				}
			}
			for _, w := range tc.want {
				if !slices.Contains(got, w) {
					t.Errorf("%q not offered; got %q", w, got)
				}
			}
			for _, n := range tc.not {
				if slices.Contains(got, n) {
					t.Errorf("%q offered; got %q", n, got)
				}
			}
		})
	}
}

func TestCompletionScripts(t *testing.T) {
	cases := []struct {
		args []string
		exit int
		want string
	}{
		{[]string{"completion", "bash"}, ExitOK, "__start_backstop"},
		{[]string{"completion", "zsh"}, ExitOK, "#compdef backstop"},
		{[]string{"completion", "fish"}, ExitOK, "complete -c backstop"},
		{[]string{"completion", "powershell"}, ExitOK, "Register-ArgumentCompleter"},
		{[]string{"completion", "tcsh"}, ExitUsage, `backstop completion: unknown shell "tcsh"; one of bash, zsh, fish, powershell`},
		{[]string{"completion"}, ExitUsage, "backstop completion: name one shell: bash, zsh, fish, powershell"},
	}
	for _, tc := range cases {
		var out, errOut bytes.Buffer
		code := Main(tc.args, strings.NewReader(""), &out, &errOut)
		if code != tc.exit || !strings.Contains(out.String()+errOut.String(), tc.want) {
			t.Errorf("%v: exit %d, want %d with %q; stderr %q", tc.args, code, tc.exit, tc.want, errOut.String())
		}
	}
}

// TestManPages writes the pages and reads a few as a user would.
func TestManPages(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	if code := Main([]string{"man", dir}, nil, &out, &errOut); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	for _, c := range commands() {
		if _, err := os.Stat(filepath.Join(dir, "backstop-"+c.name+".1")); err != nil {
			t.Errorf("no page for %s: %v", c.name, err)
		}
	}
	page, err := os.ReadFile(filepath.Join(dir, "backstop-assess.1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{".SH SYNOPSIS", "assess [flags] PATH...", ".SH OPTIONS", "--gdp", "burden", ".SH EXAMPLE", "backstop assess examples/ukraine-2025", "Exit codes"} {
		if !strings.Contains(string(page), strings.ReplaceAll(want, "-", "\\-")) && !strings.Contains(string(page), want) {
			t.Errorf("backstop-assess.1 lacks %q", want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "backstop-territory-diff.1")); err != nil {
		t.Errorf("no page for territory diff: %v", err)
	}
}

// TestQuiet: --quiet leaves out the notes and keeps the report, and
// monitor's old --quiet DURATION still sets the quiet period.
func TestQuiet(t *testing.T) {
	t.Chdir("../..")
	base := []string{"monitor", "examples/ukraine-2025", "--incidents", "internal/cli/testdata/incidents.jsonl"}
	run := func(extra ...string) (string, string, int) {
		var out, errOut bytes.Buffer
		code := Main(append(slices.Clone(base), extra...), strings.NewReader(""), &out, &errOut)
		return out.String(), errOut.String(), code
	}
	loud, loudErr, code := run("--quiet-period", "1h")
	if code != ExitOK || !strings.Contains(loudErr, "rows:") {
		t.Fatalf("without --quiet: exit %d, stderr %q; want the feed's note", code, loudErr)
	}
	for _, q := range [][]string{{"--quiet"}, {"-q"}} {
		out, errOut, code := run(append(q, "--quiet-period", "1h")...)
		if code != ExitOK || errOut != "" || out != loud {
			t.Errorf("%s: exit %d, stderr %q, same report %v", q[0], code, errOut, out == loud)
		}
	}
	out, errOut, _ := run("--quiet", "1h")
	if out != loud || !strings.HasPrefix(errOut, "backstop monitor: --quiet 1h is now --quiet-period 1h\n") {
		t.Errorf("--quiet 1h: same report %v, stderr %q", out == loud, errOut)
	}
}

// TestInit: the scaffold is accepted by validate (no warning), assess and
// simulate, and a second init overwrites nothing.
func TestInit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "my-guarantee")
	cases := []struct {
		args   []string
		exit   int
		stderr string // first line
	}{
		{[]string{"init", dir}, ExitOK, "wrote " + filepath.Join(dir, "backstop.schema.json")},
		{[]string{"validate", dir}, ExitOK, "valid: 3 documents in 3 files, 0 errors, 0 warnings"},
		{[]string{"assess", dir, "--at", "2026-06-01"}, ExitOK, ""},
		{[]string{"simulate", filepath.Join(dir, "scenario.yaml"), dir, "--runs", "200"}, ExitOK, ""},
		{[]string{"init", dir}, ExitUsage, "backstop init: will not overwrite: " + filepath.Join(dir, "backstop.schema.json")},
		{[]string{"init", dir, "other"}, ExitUsage, "backstop init: takes one folder, not " + dir + " other"},
	}
	for _, tc := range cases {
		var out, errOut bytes.Buffer
		code := Main(tc.args, strings.NewReader(""), &out, &errOut)
		first, _, _ := strings.Cut(errOut.String(), "\n")
		if code != tc.exit || !strings.HasPrefix(first, tc.stderr) {
			t.Errorf("%v: exit %d, stderr %q; want %d, %q", tc.args[:1], code, first, tc.exit, tc.stderr)
		}
	}
	framework, err := os.ReadFile(filepath.Join(dir, "framework.yaml"))
	if err != nil || !strings.HasPrefix(string(framework), "# yaml-language-server: $schema=backstop.schema.json\n") {
		t.Errorf("framework.yaml does not name its schema on its first line (%v)", err)
	}
}
