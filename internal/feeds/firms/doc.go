// Package firms reads NASA FIRMS (Fire Information for Resource
// Management System) thermal anomalies: satellite detections of hot spots
// by VIIRS and MODIS, one incident per detection.
//
// It reads the two forms FIRMS data comes in: the reduced
// LATITUDE,LONGITUDE,ACQ_DATE files (no time of day, so day precision)
// and FIRMS's full VIIRS or MODIS schema (latitude, longitude, acq_date,
// acq_time in UTC as HH:MM:SS or HHMM, satellite, confidence, frp,
// daynight, instrument…, minute precision). A detection is not an attack:
// farm and forest fires are most of them, so the incidents are evidence
// to corroborate other reports with, never a report of their own.
//
// TypeThermalAnomaly ("thermal_anomaly") is FIRMS's type: it is defined
// here, not in the shared vocabulary of internal/feeds, and every FIRMS
// incident has it (there is no category table to override).
//
// Reader implements feeds.Reader; internal/feeds/all lists it and
// internal/monitor evaluates the incidents it returns. docs/feeds.md
// describes the mapping.
package firms
