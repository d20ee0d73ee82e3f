package cli

import (
	"regexp"
	"strings"
)

// help is a --help text taken apart: the synopsis (the Usage line after
// "backstop"), the description (every section but Flags and Examples),
// the examples, and each flag's words and listed values.
type help struct {
	synopsis, description, examples string
	flags                           map[string]helpFlag
}

type helpFlag struct {
	usage  string
	values []string // from "--format table|json": what completion offers
}

var (
	sectionHeader = regexp.MustCompile(`^[A-Z][A-Za-z ]*:$`)
	flagName      = regexp.MustCompile(`--([a-z0-9-]+)(?:[ =]([A-Za-z][A-Za-z0-9.|_-]*))?`)
	valueList     = regexp.MustCompile(`^[a-z0-9-]+(\|[a-z0-9-]+)+$`)
)

// splitFlagLine reads a line of a Flags section, "  --since T, --until T
// narrow ...": the flags it names, the first one's argument, and the text
// after the first gap of two spaces, or else from column col, where the
// section's continuation lines start.
func splitFlagLine(line string, col int) (names []string, arg, text string, ok bool) {
	trimmed := strings.TrimLeft(line, " ")
	if len(line)-len(trimmed) < 2 || !strings.HasPrefix(trimmed, "--") {
		return nil, "", "", false
	}
	head := line
	if i := strings.Index(trimmed, "  "); i >= 0 {
		head, text = trimmed[:i], strings.TrimSpace(trimmed[i:])
	} else if len(line) > col && line[col-1] == ' ' { // "--since T, --until T narrow"
		head, text = line[:col], strings.TrimSpace(line[col:])
	}
	for i, m := range flagName.FindAllStringSubmatch(head, -1) {
		names = append(names, m[1])
		if i == 0 {
			arg = m[2]
		}
	}
	return names, arg, text, len(names) > 0
}

// textColumn is where the words of the flags start in a --help: the
// indentation of the lines that carry a flag's text on.
func textColumn(usage string) int {
	col := 0
	inFlags := false
	for _, line := range strings.Split(usage, "\n") {
		if sectionHeader.MatchString(line) {
			inFlags = line == "Flags:"
			continue
		}
		trimmed := strings.TrimLeft(line, " ")
		if indent := len(line) - len(trimmed); inFlags && trimmed != "" && !strings.HasPrefix(trimmed, "--") && indent > 2 && (col == 0 || indent < col) {
			col = indent
		}
	}
	if col == 0 {
		col = 23 // the column most --help texts use
	}
	return col
}

func parseHelp(usage string) help {
	h := help{flags: map[string]helpFlag{}}
	var desc, examples []string
	section, last := "", []string(nil)
	col := textColumn(usage)
	for i, line := range strings.Split(strings.TrimRight(usage, "\n"), "\n") {
		switch {
		case i == 0 && strings.HasPrefix(line, "Usage: backstop "):
			h.synopsis = strings.TrimPrefix(line, "Usage: backstop ")
			continue
		case sectionHeader.MatchString(line):
			section = strings.TrimSuffix(line, ":")
			if section != "Flags" && section != "Examples" {
				desc = append(desc, line)
			}
			continue
		}
		switch section {
		case "Flags":
			if names, arg, text, ok := splitFlagLine(line, col); ok {
				for _, name := range names {
					f := helpFlag{usage: text}
					if valueList.MatchString(arg) {
						f.values = strings.Split(arg, "|")
					}
					h.flags[name] = f
				}
				last = names
			} else if strings.TrimSpace(line) != "" {
				for _, name := range last {
					f := h.flags[name]
					f.usage = strings.TrimSpace(f.usage + " " + strings.TrimSpace(line))
					h.flags[name] = f
				}
			}
		case "Examples":
			examples = append(examples, line)
		default:
			desc = append(desc, line)
		}
	}
	h.description = strings.TrimSpace(strings.Join(desc, "\n"))
	h.examples = strings.TrimRight(strings.Join(examples, "\n"), "\n ")
	return h
}
