// Command backstop writes down, checks, monitors and stress-tests a
// multinational security guarantee. All of its logic lives in internal/.
package main

import (
	"os"

	"github.com/backstop-dev/backstop/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
