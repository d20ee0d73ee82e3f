package model

import (
	"fmt"
	"slices"
	"strings"
)

// Domain is an area of commitment.
type Domain string

// The domains of SPEC.md, in the order used in reports.
const (
	Land       Domain = "land"
	Air        Domain = "air"
	AirDefense Domain = "air-defense"
	Maritime   Domain = "maritime"
	Cyber      Domain = "cyber"
	ISR        Domain = "isr"
	Training   Domain = "training"
	Equipment  Domain = "equipment"
	Logistics  Domain = "logistics"
	Funding    Domain = "funding"
	Sanctions  Domain = "sanctions"
)

// Domains lists every domain in report order.
var Domains = []Domain{Land, Air, AirDefense, Maritime, Cyber, ISR, Training, Equipment, Logistics, Funding, Sanctions}

// UnmarshalText accepts only the domains of SPEC.md.
func (d *Domain) UnmarshalText(b []byte) error { return parseEnum(d, "domain", b, Domains) }

// Posture says where a pledged force stands.
type Posture string

const (
	InTheatre      Posture = "in-theatre"
	InRegion       Posture = "in-region"
	OverTheHorizon Posture = "over-the-horizon"
)

// Postures lists every posture, nearest first.
var Postures = []Posture{InTheatre, InRegion, OverTheHorizon}

// UnmarshalText accepts only the postures of SPEC.md.
func (p *Posture) UnmarshalText(b []byte) error { return parseEnum(p, "posture", b, Postures) }

// Role is a party's place in a framework.
type Role string

const (
	Guarantor   Role = "guarantor"
	Beneficiary Role = "beneficiary"
	Consulted   Role = "consulted"
	Observer    Role = "observer"
	Secretariat Role = "secretariat"
	// Monitor is our addition: a party (a ceasefire-monitoring mission)
	// whose signed incident reports the shared record accepts.
	Monitor Role = "monitor"
)

// Roles lists every role.
var Roles = []Role{Guarantor, Beneficiary, Consulted, Observer, Secretariat, Monitor}

// UnmarshalText accepts only the roles of SPEC.md.
func (r *Role) UnmarshalText(b []byte) error { return parseEnum(r, "role", b, Roles) }

// Status is the stage a framework has reached.
type Status string

// Statuses lists every framework status in the order a framework moves through them.
var Statuses = []Status{"draft", "agreed", "in-force", "lapsed"}

// UnmarshalText accepts only the statuses of SPEC.md.
func (s *Status) UnmarshalText(b []byte) error { return parseEnum(s, "status", b, Statuses) }

// LegalForm is the legal instrument a party commits through.
type LegalForm string

// LegalForms lists every legal form.
var LegalForms = []LegalForm{"treaty", "executive-agreement", "political-declaration", "bilateral-accord"}

// UnmarshalText accepts only the legal forms of SPEC.md.
func (l *LegalForm) UnmarshalText(b []byte) error { return parseEnum(l, "legal_form", b, LegalForms) }

// Sign-off is what a commitment needs before it binds: a party's
// `ratification` and a pledge's `requires` share these values.
type SignOff string

const (
	SignOffNone       SignOff = "none"
	SignOffParliament SignOff = "parliament"
	SignOffReferendum SignOff = "referendum"
)

// SignOffs lists every sign-off.
var SignOffs = []SignOff{SignOffNone, SignOffParliament, SignOffReferendum}

// UnmarshalText accepts only none, parliament and referendum.
func (s *SignOff) UnmarshalText(b []byte) error { return parseEnum(s, "sign-off", b, SignOffs) }

// Approval is where a pledge's sign-off stands.
type Approval string

const (
	Pending     Approval = "pending"
	Approved    Approval = "approved"
	Rejected    Approval = "rejected"
	NotRequired Approval = "not-required"
)

// Approvals lists every approval state.
var Approvals = []Approval{Pending, Approved, Rejected, NotRequired}

// UnmarshalText accepts only the approval states of SPEC.md.
func (a *Approval) UnmarshalText(b []byte) error { return parseEnum(a, "approval", b, Approvals) }

// Severity grades a trigger.
type Severity string

// Severities lists trigger severities, mildest first.
var Severities = []Severity{"minor", "serious", "grave"}

// UnmarshalText accepts only minor, serious and grave.
func (s *Severity) UnmarshalText(b []byte) error { return parseEnum(s, "severity", b, Severities) }

// Mode is how a response takes effect.
type Mode string

const (
	// Automatic responses take effect with no decision.
	Automatic Mode = "automatic"
	// Consultation responses oblige the guarantors to convene within a deadline.
	Consultation Mode = "consultation"
	// Decision responses activate the pledges of their domains once decided.
	Decision Mode = "decision"
)

// Modes lists every response mode.
var Modes = []Mode{Automatic, Consultation, Decision}

// UnmarshalText accepts only automatic, consultation and decision.
func (m *Mode) UnmarshalText(b []byte) error { return parseEnum(m, "mode", b, Modes) }

// Layer is 1 (the beneficiary's own forces) or 2 (the guarantors' commitments).
type Layer int

// UnmarshalText accepts only 1 and 2.
func (l *Layer) UnmarshalText(b []byte) error {
	switch strings.TrimSpace(string(b)) {
	case "1":
		*l = 1
	case "2":
		*l = 2
	default:
		return fmt.Errorf("layer must be 1 (the beneficiary's own forces) or 2 (the guarantors' commitments), not %q", b)
	}
	return nil
}

func parseEnum[T ~string](dst *T, what string, b []byte, allowed []T) error {
	v := T(b)
	if slices.Contains(allowed, v) {
		*dst = v
		return nil
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	msg := fmt.Sprintf("unknown %s %q; expected one of %s", what, b, strings.Join(names, ", "))
	if s := Suggest(string(b), names); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return fmt.Errorf("%s", msg)
}

// Suggest returns the candidate closest to s when it is a plausible typo of
// it (at most a third of its letters differ), or "".
// On a tie the candidate sharing the longer prefix wins ("USA" suggests
// "US", not "UA").
func Suggest(s string, candidates []string) string {
	best, bestDist, bestPrefix := "", -1, -1
	low := strings.ToLower(s)
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := editDistance(low, lc)
		if d > max(1, len(c)/3) {
			continue
		}
		prefix := 0
		for prefix < len(low) && prefix < len(lc) && low[prefix] == lc[prefix] {
			prefix++
		}
		if bestDist < 0 || d < bestDist || (d == bestDist && prefix > bestPrefix) {
			best, bestDist, bestPrefix = c, d, prefix
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// ForceType is the kind of a land force, which sets its combat-power
// weight per battalion in the simulation (docs/simulate.md).
type ForceType string

const (
	Armour     ForceType = "armour"
	Mechanised ForceType = "mechanised"
	Motorised  ForceType = "motorised"
	Light      ForceType = "light"
	Airborne   ForceType = "airborne"
	Fires      ForceType = "fires" // artillery and rockets
)

// ForceTypes are the land force types, heaviest first.
var ForceTypes = []ForceType{Armour, Mechanised, Motorised, Light, Airborne, Fires}

func (t *ForceType) UnmarshalText(b []byte) error { return parseEnum(t, "force type", b, ForceTypes) }

// DefencePosture is how ready the defender's ground is: a hasty defence
// met on the move, a prepared one (dug in, mined, days of work), or a
// fortified line (months of work: the lines of 2023-2025).
type DefencePosture string

const (
	Hasty     DefencePosture = "hasty"
	Prepared  DefencePosture = "prepared"
	Fortified DefencePosture = "fortified"
)

// DefencePostures are the defence postures, weakest first.
var DefencePostures = []DefencePosture{Hasty, Prepared, Fortified}

func (d *DefencePosture) UnmarshalText(b []byte) error {
	return parseEnum(d, "defence posture", b, DefencePostures)
}

// Terrain is the ground of an axis of advance, which slows the attacker.
type Terrain string

const (
	Open  Terrain = "open"
	Mixed Terrain = "mixed"
	Rough Terrain = "rough" // forest, marsh, hills
	Urban Terrain = "urban"
)

// Terrains are the terrains, easiest first.
var Terrains = []Terrain{Open, Mixed, Rough, Urban}

func (t *Terrain) UnmarshalText(b []byte) error { return parseEnum(t, "terrain", b, Terrains) }
