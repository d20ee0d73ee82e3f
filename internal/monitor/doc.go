// Package monitor evaluates a framework's triggers over incidents and map
// snapshots, in time order, and says which breaches happened, which
// responses fall due and by when, and whose pledges they activate.
//
// Events are incidents (from internal/feeds) and territory states (the
// change of the adversary-held area against the ceasefire baseline,
// computed by internal/territory). A trigger that reads `incident` or
// `window()` runs on every incident; one that reads `territory` runs on
// every snapshot; one that reads both runs on both kinds, seeing an empty
// incident on snapshots and no territorial change on incidents, so that a
// territorial change is attributed to the snapshot that shows it and not to
// every incident after it. window(d) is a view of a sliding buffer that
// holds the last max(d) of incidents: building it never rescans history.
//
// Firings of a trigger form breaches (episodes) by the counting rules of
// Monitor (docs/monitor.md); each breach's responses are due from its
// first firing. Execute (pipeline.go) composes a whole run for the CLI
// and the server alike; Mission sums a run up per day or week.
// internal/render renders the Report and draws its weekly chart.
package monitor
