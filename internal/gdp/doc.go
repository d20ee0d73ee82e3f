// Package gdp reads GDP as an explicit input: the World Bank's GDP in current
// US dollars (indicator NY.GDP.MKTP.CD) as the CSV of the datahub.io "gdp"
// data package (columns Country Name, Country Code, Year, Value).
//
// The assessment compares each guarantor's share of what the coalition
// pledges with its share of the coalition's GDP. A party's GDP comes from its
// framework's gdp_usd_bn where given, else from a file the user names on the
// command line (--gdp FILE), never from a file found at a hidden path: this
// package only reads what it is handed (Read takes a name and an io.Reader).
//
// Reading reports every bad row as a positioned diagnostic (FILE:LINE:COL, the
// column of the offending field) and keeps the others; nothing is dropped
// without a diagnostic. Table.Latest turns a party id (ISO 3166-1 alpha-2, or
// EU) into the file's code through internal/iso3166 (UA → UKR, EU → EUU) and
// returns the latest year's value in USD billions. internal/assess takes the
// next step.
package gdp
