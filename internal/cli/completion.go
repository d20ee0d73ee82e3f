package cli

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra/doc"
)

const completionUsage = `Usage: backstop completion bash|zsh|fish|powershell

Prints a script that completes backstop's commands, flags, flag values
(--format, --color, --by ...) and file names in the given shell. The
script asks backstop itself, so it stays right as commands change.

Load it once in the current shell, or install it for every new one:
  bash   source <(backstop completion bash)
         backstop completion bash > /etc/bash_completion.d/backstop
  zsh    backstop completion zsh > "${fpath[1]}/_backstop"
  fish   backstop completion fish > ~/.config/fish/completions/backstop.fish
  powershell
         backstop completion powershell | Out-String | Invoke-Expression

Examples:
  backstop completion bash > /tmp/backstop.bash
  backstop completion zsh > /tmp/_backstop

` + exitCodesHelp + "\n"

const manUsage = `Usage: backstop man DIR

Writes a man page for backstop and one for each command (backstop.1,
backstop-validate.1, backstop-territory-diff.1 ...) into DIR, made from the
same text as --help. Read one with man -l DIR/backstop-assess.1, or put
DIR in MANPATH (for example /usr/local/share/man/man1).

Examples:
  backstop man man-pages
  man -l man-pages/backstop-monitor.1

` + exitCodesHelp + "\n"

// The shells cobra writes completion scripts for.
var completionShells = []string{"bash", "zsh", "fish", "powershell"}

func runCompletion(args []string, s Streams) int {
	args, exit, ok := parseNoFlags("completion", args, completionUsage, s)
	if !ok {
		return exit
	}
	if len(args) != 1 {
		fmt.Fprintf(s.Err, "backstop completion: name one shell: %s\n\n%s", strings.Join(completionShells, ", "), completionUsage)
		return ExitUsage
	}
	root := commandTree()
	var err error
	switch args[0] {
	case "bash":
		err = root.GenBashCompletionV2(s.Out, true)
	case "zsh":
		err = root.GenZshCompletion(s.Out)
	case "fish":
		err = root.GenFishCompletion(s.Out, true)
	case "powershell":
		err = root.GenPowerShellCompletionWithDesc(s.Out)
	default:
		fmt.Fprintf(s.Err, "backstop completion: unknown shell %q; one of %s\n", args[0], strings.Join(completionShells, ", "))
		return ExitUsage
	}
	if err != nil {
		fmt.Fprintf(s.Err, "backstop completion: %v\n", err)
		return ExitUsage
	}
	return ExitOK
}

func runMan(args []string, s Streams) int {
	args, exit, ok := parseNoFlags("man", args, manUsage, s)
	if !ok {
		return exit
	}
	if len(args) != 1 {
		fmt.Fprintf(s.Err, "backstop man: name one folder to write the pages into\n\n%s", manUsage)
		return ExitUsage
	}
	dir := args[0]
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintf(s.Err, "backstop man: cannot create %s: %v\n", dir, err)
		return ExitUsage
	}
	if err := writeManPages(dir); err != nil {
		fmt.Fprintf(s.Err, "backstop man: %v\n", err)
		return ExitUsage
	}
	fmt.Fprintf(s.notes(), "wrote the man pages into %s\n", dir)
	return ExitOK
}

// manDate dates the pages by the release, not by the day they were made,
// so that two builds of one version write the same bytes.
var manDate = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

func writeManPages(dir string) error {
	root := commandTree()
	root.DisableAutoGenTag = true
	header := &doc.GenManHeader{Title: "BACKSTOP", Section: "1", Source: "backstop " + Version, Manual: "backstop manual", Date: &manDate}
	return doc.GenManTree(root, header, dir)
}

// completeCommand answers the completion scripts' hidden requests
// (backstop __complete ARGS...), which cobra parses against the tree.
func completeCommand(args []string, s Streams) int {
	root := commandTree()
	root.SetArgs(args)
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	if err := root.Execute(); err != nil {
		return ExitUsage
	}
	return ExitOK
}
