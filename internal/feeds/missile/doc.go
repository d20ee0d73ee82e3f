// Package missile reads the daily reports of Russian missile and drone
// attacks on Ukraine published by the Ukrainian Air Force and digitised in
// the "Massive Missile Attacks on Ukraine" data set (missile_attacks_daily.csv,
// one row per weapon model per attack).
//
// It owns what is particular to that file: detecting it by its header, the
// mixed time formats written in Kyiv local time (converted to UTC through the
// Europe/Kyiv rules, embedded with time/tzdata because many systems ship only
// the old name Europe/Kiev), the default table from weapon model to backstop
// incident type (DefaultCategories, with the rule for compound models such as
// "X-101/X-555 and Kalibr"), and the extraction of oblasts from the free-text
// target ("Odesa oblast and Mykolaiv oblast", "Dnipropetrovsk oblast, Dnipro
// Raion", "Kryvyi Rih").
//
// Reader implements feeds.Reader; internal/feeds/all lists it and
// internal/monitor evaluates the incidents it returns. docs/feeds.md
// describes the mapping.
package missile
