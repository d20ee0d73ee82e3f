// Package corroborate gives incidents a confidence from other sources
// before triggers see them, the way ceasefire monitors fuse satellite heat
// detections with ground reports: an incident of an anchoring source
// starts with its source's reliability, and each other source with a
// record within the distance and time window adds its points (once); the
// total maps to a named level.
//
// The join is a spatio-temporal index (Index): grid cells about one match
// distance wide at every latitude, records sorted by time within a cell,
// and an exact check of the distance on the WGS84 ellipsoid and of the gap
// between time intervals — never all pairs. Chance rates re-run the join
// with one source shifted in time, so a user sees how many matches
// density alone would give. internal/monitor takes the scored incidents;
// internal/cli renders the Result.
package corroborate
