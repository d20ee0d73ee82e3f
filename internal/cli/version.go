package cli

import (
	"fmt"
	"runtime/debug"

	"github.com/backstop-dev/backstop/internal/model"
)

// Version is set at build time with -ldflags "-X .../internal/cli.Version=v1.2.3".
var Version = "dev"

const versionUsage = `Usage: backstop version

Prints the version of backstop, of the document language it reads, and of
the Go toolchain that built it.

Examples:
  backstop version
`

func runVersion(args []string, s Streams) int {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
		fmt.Fprint(s.Out, versionUsage)
		return ExitOK
	}
	if len(args) > 0 {
		fmt.Fprintf(s.Err, "backstop version: takes no arguments\n\n%s", versionUsage)
		return ExitUsage
	}
	v, goVersion := Version, "unknown"
	if info, ok := debug.ReadBuildInfo(); ok {
		goVersion = info.GoVersion
		if v == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
	}
	fmt.Fprintf(s.Out, "backstop %s (document language %s, %s)\n", v, model.Version, goVersion)
	return ExitOK
}
