// Package layers turns backstop's geography into the GeoJSON layers of the
// dashboard's map: Ukraine's 27 oblasts (internal/oblast), the occupied
// territory at a date and at a framework's ceasefire baseline
// (internal/territory), and the incidents of the record coloured by the
// triggers they fired and their corroborated confidence (internal/monitor,
// internal/corroborate). Shapes are simplified for drawing only: every
// area a layer states comes from the full shapes.
//
// It computes nothing about the guarantee itself, and serves nothing:
// internal/server answers /v1/map/… with these bytes, and the dashboard
// (internal/dashboard) draws them.
package maplayers
