package monitor

import (
	"cmp"
	"context"
	"errors"
	"io"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/incidents"
	"github.com/backstop-dev/backstop/internal/model"
)

// Stream is where a follow run reads its incidents: JSON Lines, as they
// come (incidents.FollowInput).
type Stream struct {
	// Path is the file read as it grows, until Ctrl-C; "" reads Stdin.
	Path  string
	Stdin io.Reader
	// Options are the readers' (categories, oblasts, strict).
	Options feeds.Options
	// Report receives each line's diagnostics.
	Report func(diag.Diagnostics)
}

// InputError is Follow's error when its stream cannot be opened: Err is
// incidents.ErrNoInput, or the file's error.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// Follow is the follow mode of a monitoring: it prepares the run
// (Prepare; prepared, when set, sees its outcome before anything is
// evaluated), evaluates the territory states, then adds each incident
// of the stream as it is read, until the stream ends or its context is
// cancelled. in.Options.OnEpisode sees every breach as it starts; the
// report is the one the run ends with.
func Follow(in Inputs, s Stream, prepared func(*Outcome)) (*Report, error) {
	out, states, err := Prepare(&in)
	if err != nil {
		return nil, err
	}
	if prepared != nil {
		prepared(out)
	}
	in.Options.Referenced = Referenced(in.Set.Findings(), in.Set.Actions())
	mon, err := New(in.Set, in.Framework, in.Options)
	if err != nil {
		return nil, err
	}
	for i := range states {
		if err := mon.Add(Event{Territory: &states[i]}); err != nil {
			return nil, err
		}
	}
	r, name, closeFn, err := incidents.FollowInput(s.Path, s.Stdin)
	defer closeFn()
	if err != nil {
		return nil, &InputError{Err: err}
	}
	err = incidents.Follow(r, name, s.Options, func(inc model.Incident) error {
		return mon.Add(Event{Incident: &inc})
	}, s.Report)
	if err != nil && !errors.Is(err, context.Canceled) {
		return nil, err
	}
	rep := mon.Finish()
	if fw := in.Set.Framework(in.Framework); fw != nil {
		Account(rep, fw, in.Set.Findings(), in.Set.Actions(), in.Set.Declarations(fw.ID), cmp.Or(in.AsOf, in.Until))
	}
	return rep, nil
}
