// Package option evaluates territorial options (kind TerritorialOption,
// docs/territory.md "Territorial options"): it turns an option's area — a
// tree of snapshots, oblasts, polygons and buffers along a contact line,
// combined by union, difference and intersection — into a geo.Expr, and
// measures it against today's map: the area that would change hands each
// way, per oblast; the settlements and power plants inside the change; the
// length of the new line against today's contact line; and the rows of a
// map for drawing. internal/render draws the figures and internal/cli
// reads the files.
package option
