// Package kiel turns the Kiel Institute's Ukraine Support Tracker
// (data_explorer.csv: committed and allocated aid to Ukraine in EUR billion,
// per donor and month) into backstop Declarations.
//
// # Mapping
//
// Each donor's months are summed, and the donor declares three layer-1
// pledges in EUR-bn (one-off amounts), where <p> is the lower-case party id:
//
//	<p>-military          equipment  quantity = Σ military                   delivered = quantity
//	<p>-financial         funding    quantity = Σ financial + Σ humanitarian delivered = quantity
//	<p>-to-be-allocated   funding    quantity = Σ to_be_allocated            delivered = 0
//
// so that, per donor, Σ quantity = Σ commitments (what was pledged) and
// Σ delivered = Σ total (what was allocated). Import checks both identities
// on the numbers it writes, to 1e-9 EUR bn, and checks on every row the
// file's own identities (commitments = total + to_be_allocated, total =
// military + financial + humanitarian, to 1e-6): a disagreement is reported,
// never repaired.
//
// Quantities must be positive, so a pledge whose sum is 0 (|Σ| ≤ 1e-9) is
// left out, and the declaration says so in a YAML comment. to_be_allocated
// may be negative in a month (money committed earlier is allocated then);
// a donor whose to_be_allocated sums to less than 0 has allocated more than
// it committed. A pledge cannot deliver more than it pledges, so such a
// donor pledges its allocations (no to-be-allocated pledge): Σ quantity =
// Σ commitments + the over-allocation = Σ total. That is a warning naming
// the rows, and the Result records the over-allocation. A donor whose sums
// break an identity or overflow is an error and its declaration is left out.
//
// Party ids come from the iso column through internal/iso3166: ISO alpha-3 to
// alpha-2 (GBR → GB), and the tracker's EU (Commission and Council) stays EU.
// The declarations are dated the last day of the file's latest month; a
// pledge is available from the first day of the donor's first month with a
// non-zero value; requires: none, approval: not-required; each pledge's note
// cites the tracker (Citation) and the months it sums.
//
// # Diagnostics
//
// An unknown code, a missing or malformed year or month (a month outside
// 1–12), a malformed number ("", "NA", "1,5"), a row with the wrong number of
// fields or bad CSV quoting are errors positioned at the offending field
// (FILE:LINE:COL); the row is skipped and the rest is processed. Result.Rows
// counts the rows read, used and skipped, and why. A header without one of
// the required columns stops the import.
//
// Import never prints: the `backstop import kiel` command (internal/cli)
// writes Result.WriteYAML and the diagnostics; internal/load reads the YAML.
package kiel
