// Package alerts reads the official air-raid alerts of Ukraine as published
// by the ukrainian-air-raid-sirens-dataset (official_data_en.csv: one row per
// alert, for an oblast, a raion or a hromada, with its start and end in UTC).
//
// It owns what is particular to that file: detecting it by its header, one
// incident of type air_raid_alert per alert with the alert's level (oblast,
// raion, hromada) as subtype, its end and duration in Fields, and the oblast
// column ("Kharkivska oblast", "Kyiv City") normalised to ISO 3166-2:UA
// through feeds.Options.Oblasts.
//
// Reader implements feeds.Reader; internal/feeds/all lists it and
// internal/monitor evaluates the incidents it returns. docs/feeds.md
// describes the mapping.
package alerts
