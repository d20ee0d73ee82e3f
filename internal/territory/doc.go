// Package territory reads maps of the occupied territory of Ukraine —
// DeepStateMap snapshots, as mirrored daily by cyterat/deepstate-map-data
// (deepstatemap_data_YYYYMMDD.geojson) — and says how much territory each
// holds and what changed hands between two: the area gained by the
// adversary (newly occupied), the area lost (liberated), and the net, in
// total and per oblast. It also answers whether a point lies beyond the
// line of a baseline snapshot (the framework's ceasefire): outside the
// occupied area, in territory the beneficiary held.
//
// Areas and their differences come from internal/geo (equal-area on the
// WGS84 ellipsoid, even–odd polygons whatever their winding); oblasts from
// internal/oblast. The `backstop territory` command (internal/cli) renders
// the results; the monitor (to come) takes BeyondLine to place incidents.
package territory
