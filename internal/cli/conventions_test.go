package cli

import (
	"regexp"
	"strings"
	"testing"
)

// TestConventions walks every command's --help and checks the rules of
// docs/cli.md: table is the default --format (validate's text excepted),
// --out takes a FILE (keygen's DIR excepted), --since/--until take RFC
// 3339 or a date (verify's checkpoint excepted), and every help shows
// examples and the exit codes.
func TestConventions(t *testing.T) {
	flagLine := regexp.MustCompile(`(?m)^\s+(--[a-z-]+)(?:[ ,]+([A-Z][A-Z.|]*|[a-z]+\|[a-z|]+))?\s+(.*)$`)
	for _, c := range commands() {
		if c.run == nil {
			continue
		}
		u := c.usage
		if !strings.Contains(u, "Examples:") {
			t.Errorf("%s --help: no Examples", c.name)
		}
		if c.name != "help" && c.name != "version" && !strings.Contains(u, "Exit codes:") {
			t.Errorf("%s --help: no Exit codes", c.name)
		}
		for _, m := range flagLine.FindAllStringSubmatch(u, -1) {
			flag, arg, text := m[1], m[2], m[3]
			switch flag {
			case "--format":
				if c.name != "validate" && !strings.Contains(text+arg, "table") {
					t.Errorf("%s --format: %q does not name table, the terminal view", c.name, m[0])
				}
			case "--out":
				if c.name != "keygen" && arg != "FILE" {
					t.Errorf("%s --out takes %q, want FILE", c.name, arg)
				}
			case "--since", "--until":
				if c.name != "verify" && !strings.Contains(u, "RFC 3339 or YYYY-MM-DD") {
					t.Errorf("%s %s: the help does not say RFC 3339 or YYYY-MM-DD", c.name, flag)
				}
			case "--color":
				if !strings.Contains(text, "auto") {
					t.Errorf("%s --color: %q does not offer auto", c.name, text)
				}
			}
		}
	}
}
