package cli

import (
	"flag"
	"io"
	"slices"
	"strings"

	"github.com/backstop-dev/backstop/internal/feeds/all"
	"github.com/backstop-dev/backstop/internal/monitor"
	"github.com/backstop-dev/backstop/internal/render"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// commandTree is backstop's commands as a cobra tree, used for completion
// and man pages only: dispatch stays in Main, so that every exit code and
// message is the one docs/cli.md documents. Each command's flags are the
// flag set it really parses (Streams.describe) with the words of its
// --help, so the three cannot drift apart.
func commandTree() *cobra.Command {
	root := &cobra.Command{
		Use:   "backstop",
		Short: "write down, check, monitor and stress-test a security guarantee",
		Long:  mainDescription,
		CompletionOptions: cobra.CompletionOptions{
			DisableDefaultCmd: true, // backstop completion is ours (runCompletion)
		},
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	for _, c := range commands() {
		if c.run == nil && c.name != "help" {
			continue
		}
		sub := cobraCommand(c.name, c.summary, c.usage, c.run, nil)
		for _, child := range subcommands[c.name] {
			usage := child.usage
			if usage == "" { // the parent's --help covers it, flags and all
				usage = c.usage
			}
			cc := cobraCommand(c.name+" "+child.name, child.summary, usage, c.run, child.args)
			if child.usage == "" {
				cc.Long, cc.Example = child.summary+".", ""
			}
			sub.AddCommand(cc)
		}
		root.AddCommand(sub)
	}
	return root
}

// subcommands are the second words of import and territory, each with the
// arguments that make its command declare the subcommand's flags.
var subcommands = map[string][]struct {
	name, summary, usage string
	args                 []string
}{
	"import": {
		{"kiel", "Turn the Kiel Ukraine Support Tracker into Declarations", "", []string{"kiel"}},
		{"incidents", "Turn any incident feed into Incidents documents", importIncidentsUsage, []string{"incidents"}},
	},
	"territory": {
		{"area", "Occupied area of map snapshots", "", []string{"area"}},
		{"diff", "What changed hands between two snapshots", "", []string{"diff"}},
		{"options", "Territorial options side by side against today's map", territoryOptionsUsage, []string{"options"}},
	},
}

// commandFormats are the --format values of each command (and subcommand).
var commandFormats = map[string]render.Formats{
	"validate":          append(render.ValidateFormats, render.FormatTable),
	"assess":            render.AssessFormats,
	"monitor":           render.MonitorFormats,
	"record":            render.RecordFormats,
	"corroborate":       render.CorroborateFormats,
	"simulate":          render.SimulateFormats,
	"territory area":    render.TerritoryFormats,
	"territory diff":    render.TerritoryFormats,
	"territory options": render.TerritoryOptionsFormats,
}

// flagValues are what completion offers after a flag of the command at
// path ("territory diff"), from the lists the command checks against.
func flagValues(path, flag string) []string {
	switch flag {
	case "format":
		var out []string
		for _, f := range commandFormats[path] {
			out = append(out, string(f))
		}
		return out
	case "color":
		return []string{"auto", "always", "never"}
	case "by":
		return []string{monitor.ByDay, monitor.ByWeek}
	case "input-format":
		return all.Formats()
	}
	return nil
}

func cobraCommand(path, summary, usage string, run func([]string, Streams) int, args []string) *cobra.Command {
	name := path[strings.LastIndex(path, " ")+1:]
	h := parseHelp(usage)
	cmd := &cobra.Command{
		Use:     name,
		Short:   summary,
		Long:    h.description,
		Example: h.examples,
		// The synopsis from --help already shows the flags.
		DisableFlagsInUseLine: true,
		Run:                   func(*cobra.Command, []string) {}, // a runnable command gets a man page and file completion
	}
	// cobra names a command by the first word of Use: drop the words of
	// its parent ("import incidents FILE..." is incidents FILE...).
	if words := strings.Fields(h.synopsis); slices.Contains(words, name) {
		cmd.Use = strings.Join(words[slices.Index(words, name):], " ")
	}
	if run == nil {
		return cmd
	}
	var fs *flag.FlagSet
	if path == "version" || path == "help" {
		return cmd // they parse no flags, and would print
	}
	run(args, Streams{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard, describe: func(f *flag.FlagSet) { fs = f }})
	if fs == nil {
		return cmd
	}
	fs.VisitAll(func(f *flag.Flag) {
		pf := pflag.PFlagFromGoFlag(f)
		if text, ok := h.flags[f.Name]; ok {
			pf.Usage = text.usage
		}
		cmd.Flags().AddFlag(pf)
		values := flagValues(path, f.Name)
		if len(values) == 0 {
			values = h.flags[f.Name].values
		}
		if len(values) > 0 {
			_ = cmd.RegisterFlagCompletionFunc(f.Name, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
		}
	})
	return cmd
}
