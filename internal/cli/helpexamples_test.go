package cli

import (
	"os"
	"strings"
	"testing"
)

// TestHelpExamplesNameRealFiles: every path an example of a command's
// --help names exists from the repository root, where the README says to
// run them (paths into ../shared are checked when the data is there;
// the files an example writes, after --out, --save or >, are not).
func TestHelpExamplesNameRealFiles(t *testing.T) {
	t.Chdir("../..")
	_, sharedErr := os.Stat("../shared/data")
	for _, c := range commands() {
		_, examples, ok := strings.Cut(c.usage, "Examples:")
		if !ok {
			continue
		}
		written := map[string]bool{} // by an earlier example: backstop init DIR
		for _, line := range strings.Split(examples, "\n") {
			line = strings.TrimSpace(line)
			if !strings.HasPrefix(line, "backstop ") && !strings.Contains(line, "| backstop ") {
				continue
			}
			fields := strings.Fields(line)
			if len(fields) > 2 && fields[1] == "init" {
				written[fields[2]] = true
			}
			for i, f := range fields {
				if written[strings.Split(f, "/")[0]] {
					continue
				}
				if i > 0 && (fields[i-1] == "--out" || fields[i-1] == "--save" || fields[i-1] == ">" || fields[i-1] == "--data" ||
					fields[i-1] == "--state" || fields[i-1] == "--db") {
					continue // written by the example, not read
				}
				if strings.HasPrefix(f, "-") || strings.Contains(f, "://") || !strings.Contains(f, "/") || strings.ContainsAny(f, "$*{}=") {
					continue
				}
				if strings.HasPrefix(f, "../shared/") && sharedErr != nil {
					continue
				}
				if _, err := os.Stat(f); err != nil {
					t.Errorf("backstop %s --help: example %q names %s, which does not exist from the repository root", c.name, line, f)
				}
			}
		}
	}
}
