package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/backstop-dev/backstop/internal/scaffold"
)

const initUsage = `Usage: backstop init [DIR]

Writes the smallest guarantee that validate, assess and simulate accept into
DIR (default: the current folder), to edit into your own:
  framework.yaml           one beneficiary, guarantor and adversary; one
                           requirement, one trigger and its two responses
  declarations/gua.yaml    the guarantor's pledge
  scenario.yaml            a renewed offensive for backstop simulate
  backstop.schema.json     the language's JSON Schema, which the files name
                           on their first line for your editor (backstop schema)
Every number in them is a placeholder. Existing files are never
overwritten: if one is there, nothing is written.

Examples:
  backstop init my-guarantee
  backstop validate my-guarantee
  backstop simulate my-guarantee/scenario.yaml my-guarantee

Exit codes:
  0  the files were written
  2  usage error, or a file that exists or cannot be written
`

func runInit(args []string, s Streams) int {
	args, exit, ok := parseNoFlags("init", args, initUsage, s)
	if !ok {
		return exit
	}
	if len(args) > 1 {
		fmt.Fprintf(s.Err, "backstop init: takes one folder, not %s\n\n%s", strings.Join(args, " "), initUsage)
		return ExitUsage
	}
	dir := "."
	if len(args) == 1 {
		dir = args[0]
	}
	written, err := scaffold.Write(dir)
	if err != nil {
		verb := "cannot write"
		var exists *scaffold.ExistsError
		if errors.As(err, &exists) {
			verb = "will not overwrite"
		}
		fmt.Fprintf(s.Err, "backstop init: %s: %v\n", verb, err)
		return ExitUsage
	}
	for _, f := range written {
		fmt.Fprintf(s.notes(), "wrote %s\n", f)
	}
	fmt.Fprintf(s.notes(), "next: backstop validate %s && backstop assess %s\n", dir, dir)
	return ExitOK
}
