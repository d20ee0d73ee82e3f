package watch

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/all"
	"github.com/backstop-dev/backstop/internal/feeds/incidents"
	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/monitor"
)

// Request is one monitoring, as the monitor command's flags give it.
type Request struct {
	// Paths hold the framework and its declarations.
	Paths     []string
	Framework string // "" for the only framework
	// Incidents are files or folders; with Follow, the first is read as
	// it grows (Stdin when there is none).
	Incidents                                 []string
	InputFormat, Mapping, Categories, Oblasts string
	Territory, Corroborate                    string
	Since, Until                              time.Time
	Quiet                                     time.Duration
	Strict, Follow                            bool
	Stdin                                     io.Reader
}

// Hooks see the run as it goes. Any may be nil.
type Hooks struct {
	// Diagnostics receives every diagnostic of the inputs as it is read.
	Diagnostics func(diag.Diagnostics)
	// FileRead receives what was read of each incident file.
	FileRead func(path string, sum feeds.Summary)
	// Note receives a line for the user.
	Note func(string)
	// Prepared sees the outcome of the preparation: before the stream
	// (Follow), or once evaluated (batch).
	Prepared func(*monitor.Outcome)
	// OnEpisode sees each breach as it starts (Follow).
	OnEpisode func(monitor.Episode)
}

// Result is what a monitoring found.
type Result struct {
	Report *monitor.Report
	// Framework is the framework monitored, as loaded.
	Framework *model.Framework
	// Evaluated are the incidents the triggers ran on, in time order
	// (batch only), for the mission report.
	Evaluated []model.Incident
	// Failed is set when an error diagnostic was reported on the way.
	Failed bool
}

// Error is Run's error. Diagnostics, when set, are the errors to show
// first (invalid documents); Usage says the user can fix it by the
// command line (exit 2) rather than by the input (exit 1); Err, when
// set, says what failed, naming the flag.
type Error struct {
	Diagnostics diag.Diagnostics
	Usage       bool
	Err         error
}

func (e *Error) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("%d errors in the input", len(e.Diagnostics.Errors()))
	}
	return e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

func usage(format string, a ...any) *Error {
	return &Error{Usage: true, Err: fmt.Errorf(format, a...)}
}

// Run runs the monitoring req asks for: batch, or following a stream.
func Run(req Request, h Hooks) (*Result, error) {
	res := &Result{}
	report := func(ds diag.Diagnostics) {
		res.Failed = res.Failed || ds.HasErrors()
		if h.Diagnostics != nil {
			h.Diagnostics(ds)
		}
	}
	in, opts, mapping, err := prepare(req, h, report)
	if err != nil {
		return nil, err
	}
	if req.Follow {
		res.Report, err = follow(req, in, opts, h, report)
	} else {
		err = batch(req, in, opts, mapping, h, report, res)
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// prepare loads the framework and what decides how the feeds are read.
func prepare(req Request, h Hooks, report func(diag.Diagnostics)) (monitor.Inputs, feeds.Options, feeds.Reader, error) {
	var in monitor.Inputs
	set, ds := load.Paths(req.Paths, nil)
	if ds.HasErrors() {
		what := "are invalid"
		if slices.ContainsFunc(ds, func(d diag.Diagnostic) bool { return d.Code == load.CodeIO }) {
			what = "could not be read"
		}
		return in, feeds.Options{}, nil, &Error{Diagnostics: ds.Errors(), Err: fmt.Errorf("the documents %s; nothing monitored", what)}
	}
	fw, err := monitor.Framework(set, req.Framework)
	if err != nil {
		return in, feeds.Options{}, nil, usage("%v (--framework ID)", err)
	}
	in = monitor.Inputs{Set: set, Framework: fw.ID, Since: req.Since, Until: req.Until,
		Options: monitor.Options{QuietPeriod: req.Quiet}}
	opts, mapping, ds, err := all.Setup(req.Categories, req.Mapping, req.Oblasts, req.Strict)
	opts.Stdin = req.Stdin // --incidents - reads standard input
	report(ds)
	switch {
	case err != nil:
		return in, opts, nil, &Error{Usage: true, Err: err}
	case ds.HasErrors():
		return in, opts, nil, &Error{}
	}
	notes, ds, err := monitor.LoadSources(&in, req.Corroborate, req.Territory)
	for _, n := range notes {
		note(h, n)
	}
	if errors.Is(err, monitor.ErrInvalidRules) {
		return in, opts, nil, &Error{Diagnostics: ds.Errors()}
	}
	if report(ds); err != nil {
		return in, opts, nil, &Error{Usage: true, Err: err}
	}
	return in, opts, mapping, nil
}

func note(h Hooks, s string) {
	if h.Note != nil {
		h.Note(s)
	}
}

func batch(req Request, in monitor.Inputs, opts feeds.Options, mapping feeds.Reader, h Hooks, report func(diag.Diagnostics), res *Result) error {
	incs, inputs, err := all.ReadFiles(req.Incidents, req.InputFormat, mapping, opts, func(path string, ds diag.Diagnostics, sum feeds.Summary) {
		report(ds)
		if h.FileRead != nil {
			h.FileRead(path, sum)
		}
	})
	var ee *all.ExpandError
	switch {
	case errors.As(err, &ee):
		return usage("--incidents %s: %s", strings.Join(req.Incidents, ", "), feeds.IOMessage(ee.Err))
	case err != nil:
		return &Error{Usage: true, Err: err}
	}
	in.Incidents = incs
	out, err := monitor.Execute(in)
	if err != nil {
		return pipelineError(req, err)
	}
	if h.Prepared != nil {
		h.Prepared(out)
	}
	res.Framework = in.Set.Framework(in.Framework)
	if res.Report = out.Report; inputs != nil {
		res.Report.Inputs = inputs
	}
	res.Evaluated = monitor.Evaluated(in.Incidents, out.Period)
	return nil
}

// pipelineError says which errors of the pipeline are the user's to fix:
// a territory folder without a baseline, a period that ends before the
// framework is in force, a followed input that cannot be opened.
func pipelineError(req Request, err error) error {
	var ie *monitor.InputError
	switch {
	case errors.Is(err, incidents.ErrNoInput):
		return usage("--follow: %v", err)
	case errors.As(err, &ie):
		return usage("--incidents %s: %s", strings.Join(req.Incidents, ", "), feeds.IOMessage(ie.Err))
	case errors.Is(err, monitor.ErrNoCeasefire), errors.Is(err, monitor.ErrNoBaseline):
		return usage("--territory %s: %w", req.Territory, err)
	case errors.Is(err, monitor.ErrPeriod):
		return &Error{Usage: true, Err: err}
	}
	return &Error{Err: err}
}

// follow reads JSON Lines incidents as they come; snapshots from the
// territory are evaluated first.
func follow(req Request, in monitor.Inputs, opts feeds.Options, h Hooks, report func(diag.Diagnostics)) (*monitor.Report, error) {
	in.Options.OnEpisode = h.OnEpisode
	stream := monitor.Stream{Stdin: req.Stdin, Options: opts, Report: report}
	if len(req.Incidents) > 0 {
		stream.Path = req.Incidents[0]
	}
	prepared := false
	r, err := monitor.Follow(in, stream, func(out *monitor.Outcome) {
		prepared = true
		if h.Prepared != nil {
			h.Prepared(out)
		}
	})
	var ie *monitor.InputError
	switch {
	case err != nil && (!prepared || errors.As(err, &ie)):
		return nil, pipelineError(req, err)
	case err != nil:
		return nil, &Error{Err: err}
	}
	return r, nil
}
