package cli

import (
	"fmt"
	"strings"

	"github.com/backstop-dev/backstop/internal/schema"
)

const schemaUsage = `Usage: backstop schema [KIND]

Prints the JSON Schema of the document language: of one kind (Framework,
Declaration, Incidents, Scenario, Corroboration, Finding, Action,
TerritorialOption; any case), or with no KIND one schema for every kind,
chosen by a document's kind field. The schemas are made from the Go types
backstop reads documents into, so they cannot drift from it; they are also
in docs/schema/. An editor with a YAML language server (VS Code's YAML
extension, Neovim's yamlls) then completes fields and values and shows
their documentation, given this first line in a file:

  # yaml-language-server: $schema=../../docs/schema/backstop.json

The schema checks each document alone; references between documents, CEL
expressions and warnings are backstop validate's.

Examples:
  backstop schema > backstop.schema.json
  backstop schema declaration | jq '.["$defs"].Declaration.properties | keys'

` + exitCodesHelp + "\n"

func runSchema(args []string, s Streams) int {
	args, exit, ok := parseNoFlags("schema", args, schemaUsage, s)
	if !ok {
		return exit
	}
	var (
		out []byte
		err error
	)
	switch len(args) {
	case 0:
		out, err = schema.All()
	case 1:
		out, err = schema.JSON(args[0])
	default:
		fmt.Fprintf(s.Err, "backstop schema: takes one KIND, not %s\n\n%s", strings.Join(args, " "), schemaUsage)
		return ExitUsage
	}
	if err != nil {
		fmt.Fprintf(s.Err, "backstop schema: %v\n", err)
		return ExitUsage
	}
	if _, err := s.Out.Write(out); err != nil {
		fmt.Fprintf(s.Err, "backstop schema: %v\n", err)
		return ExitUsage
	}
	return ExitOK
}
