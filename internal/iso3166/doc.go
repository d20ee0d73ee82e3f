// Package iso maps country codes between the forms that data sets use and
// the party ids of the document language.
//
// A party id is the ISO 3166-1 alpha-2 code of a state (UA, US, GB) or EU for
// the Union. Public data sets use other forms: the Kiel Ukraine Support
// Tracker and the World Bank give ISO alpha-3 codes (UKR, USA, GBR), and each
// has its own code for the EU, which is not an ISO 3166-1 entry: Kiel writes
// EU for the EU institutions and the World Bank EUU for the European Union
// aggregate.
//
// countries.go is generated (go generate ./internal/iso3166) from the Debian
// iso-codes package by internal/gen and must not be edited by hand; to change
// its code, edit the generator's template. Alpha2, Alpha3 and Name read the
// ISO table and nothing else. The few codes that are not ISO but stand for a
// party are a separate, small table (nonISO, listed by NonISO: EU and EUU,
// both the party EU), read only by PartyID and Codes. Importers
// (internal/importer/...) and the GDP reader (internal/gdp) turn a data set's
// codes into party ids here.
package iso3166

//go:generate go run ./internal/gen -in /usr/share/iso-codes/json/iso_3166-1.json -out countries.go
