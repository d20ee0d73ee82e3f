package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/render"
	"github.com/spf13/cobra"
)

// Exit codes, the same for every command.
const (
	ExitOK      = 0 // success; warnings allowed
	ExitInvalid = 1 // the input is invalid (or, for later commands, a check failed)
	ExitUsage   = 2 // bad usage, or input that could not be read
)

// Streams are the command's standard streams.
type Streams struct {
	In       io.Reader
	Out, Err io.Writer

	// describe, when set, receives the command's flag set from parseFlags,
	// which then stops the command before it does any work: completion and
	// the man pages list the flags each command really parses.
	describe func(*flag.FlagSet)
	// quiet (--quiet, -q) leaves out the notes: progress, "wrote FILE",
	// what each feed gave. Reports, warnings and errors still print.
	quiet bool
}

// notes is where a command says what it is doing or did, beside its
// report: standard error, or nowhere with --quiet.
func (s Streams) notes() io.Writer {
	if s.quiet {
		return io.Discard
	}
	return s.Err
}

type command struct {
	name    string
	summary string
	usage   string // the full --help text after the first line
	run     func(args []string, s Streams) int
}

func commands() []command {
	return []command{
		{"init", "Write a minimal framework, declaration and scenario to start from", initUsage, runInit},
		{"validate", "Check documents: syntax, fields, references, expressions, caveats", validateUsage, runValidate},
		{"assess", "Who covers what, where the gaps are, who crosses whose red line", assessUsage, runAssess},
		{"monitor", "Incident feeds in, breaches found, responses due", monitorUsage, runMonitor},
		{"record", "Each party's record on the responses due: on time, late, overdue; a grade by a stated rule", recordUsage, runRecord},
		{"corroborate", "Give incidents a confidence from other sources, and say what chance alone would give", corroborateUsage, runCorroborate},
		{"simulate", "Would the guarantee hold? A Monte Carlo of a renewed offensive", simulateUsage, runSimulate},
		{"import", "Turn public data into documents: the Kiel tracker into Declarations, incident feeds into Incidents", importUsage, runImport},
		{"territory", "Occupied area of map snapshots, and what changed hands between two", territoryUsage, runTerritory},
		{"serve", "The shared, signed record: an HTTP API over a tamper-evident log", serveUsage, runServe},
		{"keygen", "Make an ed25519 key pair for a party", keygenUsage, runKeygen},
		{"sign", "Sign a document with a party's key", signUsage, runSign},
		{"submit", "Send signed documents to a server's record", submitUsage, runSubmit},
		{"verify", "Check a server's log: checkpoint, consistency, inclusion, full audit", verifyUsage, runVerify},
		{"witness", "Cosign a log's checkpoints only if it never forks: a witness anyone can run", witnessUsage, runWitness},
		{"repair", "Rebuild a stopped server's Merkle tree from its stored documents", repairUsage, runRepair},
		{"version", "Print the version of backstop and of the document language", versionUsage, runVersion},
		{"schema", "Print the JSON Schema of a document kind, for editors", schemaUsage, runSchema},
		{"completion", "Shell completion for bash, zsh, fish and powershell", completionUsage, runCompletion},
		{"man", "Write a man page for every command", manUsage, runMan},
		{"help", "Show help for backstop or for one command", helpUsage, nil},
	}
}

const exitCodesHelp = `Exit codes:
  0  success (warnings allowed)
  1  the documents are invalid
  2  usage error, or input that could not be read`

// Main runs backstop with args (without the program name) and returns the
// exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	s := Streams{In: stdin, Out: stdout, Err: stderr}
	if len(args) == 0 {
		printMainHelp(s.Err)
		return ExitUsage
	}
	name := args[0]
	switch name {
	case "-h", "--help", "-help":
		printMainHelp(s.Out)
		return ExitOK
	case "help":
		return runHelp(args[1:], s)
	case "-v", "--version":
		return runVersion(nil, s)
	case cobra.ShellCompRequestCmd, cobra.ShellCompNoDescRequestCmd:
		return completeCommand(args, s)
	}
	for _, c := range commands() {
		if c.name == name && c.run != nil {
			rest := takeQuiet(name, args[1:], &s)
			return c.run(rest, s)
		}
	}
	fmt.Fprintf(s.Err, "backstop: unknown command %q\n", name)
	if sug := suggestCommand(name); sug != "" {
		fmt.Fprintf(s.Err, "Did you mean %q?\n", sug)
	}
	fmt.Fprintln(s.Err, "Run 'backstop help' for the list of commands.")
	return ExitUsage
}

func suggestCommand(name string) string {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	// A typo (edit distance), else a prefix: `backstop monitr`, `backstop ver`.
	if s := model.Suggest(name, names); s != "" {
		return s
	}
	for _, c := range names {
		if strings.HasPrefix(c, name) || strings.HasPrefix(name, c) {
			return c
		}
	}
	return ""
}

const mainDescription = `backstop writes down, checks, monitors and stress-tests a multinational
security guarantee: a framework of requirements, triggers and responses, and
the declarations in which each party pledges what it will give.`

func printMainHelp(w io.Writer) {
	fmt.Fprint(w, mainDescription+`

Usage:
  backstop <command> [flags] [arguments]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, `
Every command also takes:
  --quiet, -q  print only the report, warnings and errors: no progress, no
               "wrote FILE", no summary of what each input gave
  --help, -h   the command's flags, examples and exit codes

Examples:
  backstop validate examples/ukraine-2025
  backstop help validate
  source <(backstop completion bash)

Run 'backstop <command> --help' for a command's flags and examples.
The document language is described in docs/language.md.

%s
`, exitCodesHelp)
}

const helpUsage = `Usage: backstop help [command]

Shows the help of backstop, or of one command.

Examples:
  backstop help
  backstop help validate
`

func runHelp(args []string, s Streams) int {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		fmt.Fprint(s.Out, helpUsage)
		return ExitOK
	}
	if len(args) == 0 {
		printMainHelp(s.Out)
		return ExitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			fmt.Fprint(s.Out, c.usage)
			return ExitOK
		}
	}
	fmt.Fprintf(s.Err, "backstop help: unknown command %q\n", args[0])
	return ExitUsage
}

// parseFlags parses flags that may come before, between or after the
// positional arguments (backstop validate DIR --format json), as users
// of kubectl and terraform expect; "--" ends the flags.
func parseFlags(fs *flag.FlagSet, args []string, usage string, s Streams) (positional []string, exit int, ok bool) {
	fs.SetOutput(io.Discard)
	if s.describe != nil {
		s.describe(fs)
		return nil, ExitOK, false
	}
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(s.Out, usage)
			return nil, ExitOK, false
		}
		if err != nil {
			fmt.Fprintf(s.Err, "backstop %s: %s\nRun 'backstop %s --help' for its flags and examples.\n", fs.Name(), flagMistake(fs, err), fs.Name())
			return nil, ExitUsage, false
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, 0, true
		}
		consumedDashDash := len(args) > 0 && len(rest) < len(args) && args[len(args)-len(rest)-1] == "--"
		if consumedDashDash {
			return append(positional, rest...), 0, true
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// parseNoFlags is parseFlags for a command that takes no flag of its own
// (init, schema, completion, man): --help, "--" and the usage error for
// an unknown flag still behave as everywhere.
func parseNoFlags(name string, args []string, usage string, s Streams) ([]string, int, bool) {
	return parseFlags(flag.NewFlagSet(name, flag.ContinueOnError), args, usage, s)
}

// output opens where a report goes — standard output, or the --out file —
// and says whether to colour it: --color always, or auto on a terminal
// (not a file, and not when NO_COLOR is set). done closes the file and
// reports a failed write.
func output(s Streams, out, color string) (w io.Writer, useColor bool, done func() error, err error) {
	useColor = color == "always" || (color == "auto" && out == "" && isTerminal(s.Out) && os.Getenv("NO_COLOR") == "")
	if out == "" {
		return s.Out, useColor, func() error { return nil }, nil
	}
	f, err := os.Create(out)
	if err != nil {
		return nil, false, nil, err
	}
	return f, useColor, f.Close, nil
}

// writeView writes one command's report — to standard output or the --out
// file, coloured as --color says, at the table width every command uses —
// and, for a file, says on stderr what was written (summary). A file that
// cannot be opened or written is exit 2.
func writeView(s Streams, cmd, out, color string, view func(w io.Writer, opts render.TableOptions) error, summary func() string) int {
	w, useColor, done, err := output(s, out, color)
	if err != nil {
		fmt.Fprintf(s.Err, "backstop %s: --out: %v\n", cmd, err)
		return ExitUsage
	}
	width := render.DefaultWidth
	if out == "" {
		width = render.TerminalWidth(s.Out) // a file gets the default width
	}
	err = view(w, render.TableOptions{Color: useColor, Width: width})
	if err == nil {
		err = done()
	}
	if err != nil {
		fmt.Fprintf(s.Err, "backstop %s: writing the report: %v\n", cmd, err)
		return ExitUsage
	}
	if out != "" && summary != nil {
		fmt.Fprintf(s.notes(), "wrote %s (%s)\n", out, summary())
	}
	return ExitOK
}

// problemWith says what is wrong with documents that did not load: "could
// not be read" when a path could not be (exit 2, load.CodeIO), else "are
// invalid" (exit 1), so that the words match the exit code.
func problemWith(ds diag.Diagnostics) string {
	if exitCode(ds) == ExitUsage {
		return "could not be read"
	}
	return "are invalid"
}
