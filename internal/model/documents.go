package model

import (
	"slices"
	"sort"
)

// Kind names a document kind.
type Kind string

const (
	KindFramework   Kind = "Framework"
	KindDeclaration Kind = "Declaration"
	KindIncidents   Kind = "Incidents"
	KindScenario    Kind = "Scenario"
	// KindCorroboration is a backstop addition to the language.
	KindCorroboration Kind = "Corroboration"
)

// Kinds lists every document kind.
var Kinds = []Kind{KindFramework, KindDeclaration, KindIncidents, KindScenario, KindCorroboration, KindFinding, KindAction, KindTerritorialOption}

// Version is the only value `backstop:` may take.
const Version = "v1"

// Framework is the guarantee: who guarantees whom, what is needed, what
// triggers a response, what the response is, and in which order the
// settlement proceeds.
type Framework struct {
	ID           string            `yaml:"id,required"`
	Title        string            `yaml:"title"`
	Beneficiary  string            `yaml:"beneficiary,required"`
	Status       Status            `yaml:"status"`
	Ceasefire    Date              `yaml:"ceasefire"`
	Rates        Rates             `yaml:"rates"`
	Parties      map[string]*Party `yaml:"parties,required"`
	Requirements []Requirement     `yaml:"requirements"`
	Triggers     []Trigger         `yaml:"triggers"`
	Responses    []Response        `yaml:"responses"`
	Sequence     []Step            `yaml:"sequence"`
	Access       Access            `yaml:"access"`
	Note         string            `yaml:"note"`
}

// Access says who may read the framework's record on a backstop server.
// Parties with keys always may; AnonymousRead opens it to anyone.
type Access struct {
	AnonymousRead bool `yaml:"anonymous_read"`
}

// PartyIDs returns the framework's party ids in sorted order.
func (f *Framework) PartyIDs() []string {
	ids := make([]string, 0, len(f.Parties))
	for id := range f.Parties {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// PartiesWithRole returns the sorted ids of the parties with role r.
func (f *Framework) PartiesWithRole(r Role) []string {
	var ids []string
	for _, id := range f.PartyIDs() {
		if f.Parties[id].Role == r {
			ids = append(ids, id)
		}
	}
	return ids
}

// Party is a state or organisation taking part in a framework.
type Party struct {
	Name         string        `yaml:"name"`
	Role         Role          `yaml:"role,required"`
	Tags         []string      `yaml:"tags"`
	GDPUSDBn     float64       `yaml:"gdp_usd_bn"`
	LegalForm    LegalForm     `yaml:"legal_form"`
	Ratification SignOff       `yaml:"ratification"`
	Caveats      []Restriction `yaml:"caveats"`
	RedLines     []Restriction `yaml:"red_lines"`
	// Keys are the party's ed25519 public keys in signed-note verifier
	// form (NAME+HASH+KEY, as `backstop keygen` writes them): a server
	// accepts what the party signs with any of them.
	Keys []string `yaml:"keys"`
	Note string   `yaml:"note"`
}

// HasTag reports whether the party carries tag t.
func (p *Party) HasTag(t string) bool { return slices.Contains(p.Tags, t) }

// Restriction is a caveat (what a party will not do itself) or a red line
// (what a party says it will not accept from others).
type Restriction struct {
	ID     string `yaml:"id,required"`
	Forbid Forbid `yaml:"forbid,required"`
	Note   string `yaml:"note"`
}

// Forbid describes the pledges a restriction rules out. A pledge matches
// when it matches every criterion given (an empty criterion matches
// anything); within one criterion, any listed value matches.
type Forbid struct {
	Domains  []Domain  `yaml:"domains"`
	Postures []Posture `yaml:"postures"`
	// Tags match the tags of the pledging party.
	Tags   []string `yaml:"tags"`
	Layers []Layer  `yaml:"layers"`
}

// IsEmpty reports whether no criterion is given (which would forbid everything).
func (f Forbid) IsEmpty() bool {
	return len(f.Domains) == 0 && len(f.Postures) == 0 && len(f.Tags) == 0 && len(f.Layers) == 0
}

// Matches reports whether pledge p by a party with the given tags falls
// under the restriction.
func (f Forbid) Matches(p *Pledge, partyTags []string) bool {
	if len(f.Domains) > 0 && !slices.Contains(f.Domains, p.Domain) {
		return false
	}
	if len(f.Postures) > 0 && !slices.Contains(f.Postures, p.Posture) {
		return false
	}
	if len(f.Layers) > 0 && !slices.Contains(f.Layers, p.Layer) {
		return false
	}
	if len(f.Tags) > 0 && !slices.ContainsFunc(f.Tags, func(t string) bool { return slices.Contains(partyTags, t) }) {
		return false
	}
	return !f.IsEmpty()
}

// Requirement is what the guarantee needs in one domain.
type Requirement struct {
	ID       string  `yaml:"id,required"`
	Title    string  `yaml:"title"`
	Layer    Layer   `yaml:"layer,required"`
	Domain   Domain  `yaml:"domain,required"`
	Quantity float64 `yaml:"quantity,required"`
	Unit     Unit    `yaml:"unit,required"`
	// Posture, when set, counts only pledges at this posture.
	Posture Posture `yaml:"posture"`
	// By, when set, counts only pledges available on or before this day.
	By   Date   `yaml:"by"`
	Note string `yaml:"note"`
}

// Trigger is a breach that calls for responses.
type Trigger struct {
	ID       string   `yaml:"id,required"`
	Title    string   `yaml:"title"`
	Severity Severity `yaml:"severity"`
	// When is a CEL expression over the trigger environment.
	When    string   `yaml:"when,required"`
	Respond []string `yaml:"respond,required"`
	// Measure names an incident field (such as launched) whose sum the
	// monitor reports per day of each breach (backstop addition).
	Measure string `yaml:"measure"`
	Note    string `yaml:"note"`
}

// Response is what the guarantors do when a trigger fires.
type Response struct {
	ID      string   `yaml:"id,required"`
	Title   string   `yaml:"title"`
	Mode    Mode     `yaml:"mode,required"`
	Domains []Domain `yaml:"domains"`
	// Within is the deadline to convene (consultation) or decide (decision).
	Within Duration `yaml:"within"`
	Note   string   `yaml:"note"`
	// Binding is how binding the response is (backstop addition; default
	// by mode: docs/language.md).
	Binding Binding `yaml:"binding"`
}

// Step is one gated stage of the settlement's sequence.
type Step struct {
	ID    string   `yaml:"id,required"`
	Title string   `yaml:"title"`
	After []string `yaml:"after"`
	// Gate is a CEL expression over the gate environment.
	Gate string `yaml:"gate"`
	Note string `yaml:"note"`
}

// Declaration is what one party pledges to a framework, as of a date. A
// later declaration of the same party supersedes an earlier one.
type Declaration struct {
	Framework string `yaml:"framework,required"`
	Party     string `yaml:"party,required"`
	Date      Date   `yaml:"date,required"`
	// Revision orders two declarations of one party on the same date.
	Revision int      `yaml:"revision"`
	Pledges  []Pledge `yaml:"pledges"`
	Note     string   `yaml:"note"`
	// Commitments are promises about the party's own conduct (backstop
	// addition), the adversary's above all.
	Commitments []Commitment `yaml:"commitments"`
	// AcceptsOptions are the territorial options (TerritorialOption ids)
	// the party accepts (backstop addition; the gates' accepts()).
	AcceptsOptions []string `yaml:"accepts_options"`
}

// Pledge is one commitment of a declaration.
type Pledge struct {
	ID        string       `yaml:"id,required"`
	Layer     Layer        `yaml:"layer,required"`
	Domain    Domain       `yaml:"domain,required"`
	Quantity  float64      `yaml:"quantity,required"`
	Unit      Unit         `yaml:"unit,required"`
	Posture   Posture      `yaml:"posture"`
	Available Availability `yaml:"available"`
	Readiness Duration     `yaml:"readiness"`
	Requires  SignOff      `yaml:"requires"`
	Approval  Approval     `yaml:"approval"`
	Delivered float64      `yaml:"delivered"`
	Hub       string       `yaml:"hub"`
	Note      string       `yaml:"note"`
	// ForceType is the kind of a land force (backstop addition; default
	// mechanised): its combat-power weight in the simulation, and how a
	// quantity in battalions or brigades converts.
	ForceType ForceType `yaml:"force_type"`
	// Binding is how binding the pledge is (backstop addition; default
	// from its sign-off: docs/language.md).
	Binding Binding `yaml:"binding"`
}

// NeedsSignOff reports whether the pledge needs a legislative or popular vote.
func (p *Pledge) NeedsSignOff() bool {
	return p.Requires != "" && p.Requires != SignOffNone
}

// Incidents is a YAML list of incidents.
type Incidents struct {
	Incidents []Incident `yaml:"incidents,required"`
}

// Incident is one reported event, normalised from any source.
type Incident struct {
	ID         string            `yaml:"id,required"`
	Time       Timestamp         `yaml:"time,required"`
	Type       string            `yaml:"type,required"`
	Subtype    string            `yaml:"subtype"`
	Actor      string            `yaml:"actor"`
	Country    string            `yaml:"country"`
	Admin1     string            `yaml:"admin1"`
	Location   string            `yaml:"location"`
	Lat        *float64          `yaml:"lat"`
	Lon        *float64          `yaml:"lon"`
	Fatalities int               `yaml:"fatalities"`
	Source     string            `yaml:"source"`
	Fields     map[string]string `yaml:"fields"`
	// Columns hold the fields of an incident a CSV reader read, in place
	// of Fields (which is then nil): a map per row costs as much as
	// reading the file. Read an incident's fields through Field,
	// FieldMap, FieldCount and AllFields, never through Fields alone.
	Columns Columns `yaml:"-" json:"-"`
	// Confidence is set by corroboration (never read from a document).
	Confidence *Confidence `yaml:"-"`
}

// Columns are the extra columns of a CSV row as its reader found them:
// Names, shared by every row of a file, and Values, this row's, parallel
// to Names. A pair with an empty value is no field (as the readers never
// put an empty value in Fields) unless Blank says it is, and Names are
// distinct (a reader whose file repeats a name fills Fields instead).
// The fields of an incident are Fields when Fields is not nil, else the
// pairs of Columns with a value or marked Blank; never both.
type Columns struct {
	Names  []string
	Values []string
	// Blank has bit i set when the empty value of column i < 64 is a
	// field all the same: VIINA's labels of a report without any, which
	// triggers read as "" rather than find missing.
	Blank uint64
}

// has reports whether column i is a field: it has a value, or is Blank.
func (c *Columns) has(i int) bool {
	return c.Values[i] != "" || i < 64 && c.Blank&(1<<i) != 0
}

// Scenario is a stress test of a framework.
type Scenario struct {
	ID        string `yaml:"id,required"`
	Framework string `yaml:"framework,required"`
	Attacker  Force  `yaml:"attacker,required"`
	// Defender and ObjectiveKm are required unless Axes are given
	// (checked by load, not by the decoder).
	Defender    Force    `yaml:"defender"`
	ObjectiveKm float64  `yaml:"objective_km"`
	Warning     Duration `yaml:"warning"`
	Horizon     Duration `yaml:"horizon"`
	Runs        int      `yaml:"runs"`
	Seed        int64    `yaml:"seed"`
	Note        string   `yaml:"note"`
	// Start is the day the attack begins: only pledges available by then
	// count (default: the framework's ceasefire date).
	Start Date `yaml:"start"`
	// Trigger is the framework trigger the attack sets off; its responses
	// decide when each domain's pledges are activated (default: every
	// grave trigger, each domain activated by the earliest decision).
	Trigger string `yaml:"trigger"`
	// Politics gives, per party id or "default", the chance and the delay
	// of deciding.
	Politics map[string]Politics `yaml:"politics"`
	// Approval is the chance that a pledge still awaiting a vote comes
	// (default 0.5).
	Approval *float64 `yaml:"approval"`
	// Guarantors limits the guarantor forces to these parties (absent: all
	// guarantors; an empty list: none, the beneficiary alone).
	Guarantors *[]string `yaml:"guarantors"`
	// Domains limits the guarantor forces to these domains (absent: all).
	Domains []Domain `yaml:"domains"`
	// Extra adds forces beyond the declarations, present from hour 0.
	Extra Extra `yaml:"extra"`
	// Model overrides the model's constants (docs/simulate.md).
	Model ModelParams `yaml:"model"`
	// Terrain is the ground of the single axis (default open); Axes, when
	// given, split the attack over several, each with its own objective,
	// defender and terrain (backstop additions).
	Terrain Terrain `yaml:"terrain"`
	FrontKm float64 `yaml:"front_km"`
	Axes    []Axis  `yaml:"axes"`
	// Strike is the attacker's long-range strike on the guarantors'
	// bases and reinforcements on the move (backstop addition).
	Strike *Strike `yaml:"strike"`
}

// Axis is one axis of advance: the attacker's share of its force, the
// depth of the objective, the defender met there and the ground.
type Axis struct {
	ID          string  `yaml:"id,required"`
	Share       float64 `yaml:"share,required"`
	ObjectiveKm float64 `yaml:"objective_km,required"`
	Defender    Force   `yaml:"defender,required"`
	Terrain     Terrain `yaml:"terrain"`
	// Decisive axes decide the outcome: the objective falls when any of
	// them reaches its objective (default true).
	Decisive *bool `yaml:"decisive"`
	// FrontKm is the width of the axis, to turn its depth of advance
	// into ground taken (km² a day); optional.
	FrontKm float64 `yaml:"front_km"`
}

// Strike delays the reinforcements that must travel: a Share of them
// (0-1) is struck on the way or at its base and arrives Delay later
// (median; drawn per run), less what guarantor air defence shields.
type Strike struct {
	Share float64  `yaml:"share,required"`
	Delay Duration `yaml:"delay,required"`
}

// Extra is additional force beyond the declarations, in place at hour 0.
type Extra struct {
	TroopsInTheatre float64 `yaml:"troops_in_theatre"`
	Aircraft        float64 `yaml:"aircraft"`
}

// Force is one side's strength at the point of attack.
type Force struct {
	// Battalions is required (> 0) unless Units are given (checked by load).
	Battalions float64 `yaml:"battalions"`
	// Quality multiplies combat power; 1.0 is the reference.
	Quality float64 `yaml:"quality"`
	// AirDefense (attacker only) is the share of the guarantors' air
	// sorties its air defence neutralises, 0–1 (default 0.5).
	AirDefense *float64 `yaml:"air_defense"`
	// Type is the kind of the battalions (default mechanised); Units,
	// when given, list a mixed force by type and replace Battalions and
	// Type (backstop additions).
	Type  ForceType   `yaml:"type"`
	Units []ForceUnit `yaml:"units"`
	// Posture (defender only) is how ready its ground is (default hasty).
	Posture DefencePosture `yaml:"posture"`
	// Reserves (defender only) are battalions that join after a delay.
	Reserves []Reserve `yaml:"reserves"`
}

// ForceUnit is one part of a mixed force: battalions of one type.
type ForceUnit struct {
	Type       ForceType `yaml:"type,required"`
	Battalions float64   `yaml:"battalions,required"`
	Quality    float64   `yaml:"quality"`
}

// Reserve is a defender's reserve: battalions that join After the attack
// begins.
type Reserve struct {
	Battalions float64   `yaml:"battalions,required"`
	Type       ForceType `yaml:"type"`
	Quality    float64   `yaml:"quality"`
	After      Duration  `yaml:"after,required"`
}

// Politics is how one party decides once a response calls for a decision.
type Politics struct {
	// Decide is the chance that it decides to act at all (default 0.85).
	Decide *float64 `yaml:"decide"`
	// Delay scales the framework's decision deadline for the median
	// decision time (default 1.0: on the deadline; 2.0: twice as slow).
	Delay *float64 `yaml:"delay"`
	// Spread is the log-normal spread of the decision time (default 0.5).
	Spread *float64 `yaml:"spread"`
}

// ModelParams are the simulation's constants; zero means the documented
// default.
type ModelParams struct {
	TroopsPerBattalion float64  `yaml:"troops_per_battalion"`
	AdvanceKmh         float64  `yaml:"advance_kmh"`
	BreakthroughRatio  float64  `yaml:"breakthrough_ratio"`
	AttritionPerHour   float64  `yaml:"attrition_per_hour"`
	GuarantorQuality   float64  `yaml:"guarantor_quality"`
	SortiesPerHour     float64  `yaml:"sorties_per_hour"`
	KillsPerSortie     float64  `yaml:"kills_per_sortie"`
	TransitInRegion    Duration `yaml:"transit_in_region"`
	TransitHome        Duration `yaml:"transit_over_the_horizon"`
	Noise              float64  `yaml:"noise"`
	// WarningResponse is the share of the scenario's warning time the
	// coalition uses: its consultation starts that long before the attack
	// (default 0: warning is not acted on, as in RAND's games).
	WarningResponse float64 `yaml:"warning_response"`
	// Uncertainty, when false, fixes every calibrated parameter at its
	// central value instead of drawing it per run from its documented
	// range (default true). A parameter the scenario sets is always fixed.
	Uncertainty *bool `yaml:"uncertainty"`
	// Hubs gives the transit time from a logistics hub (a pledge's `hub`)
	// to the point of attack; a pledge through a listed hub takes it
	// instead of the transit of its posture.
	Hubs map[string]Duration `yaml:"hubs"`
}

// Corroboration declares how incidents from several sources confirm one
// another: an incident of an anchoring source is scored by its source's
// reliability plus the points of every other source with a record within
// the distance and time window; the score maps to a confidence level.
type Corroboration struct {
	ID string `yaml:"id,required"`
	// DistanceKm and Window bound a match (defaults 25 km and 6h).
	DistanceKm float64               `yaml:"distance_km"`
	Window     Duration              `yaml:"window"`
	Sources    []CorroborationSource `yaml:"sources,required"`
	// Levels are the confidence levels, weakest first, each reached at
	// its points (default: possible 1, moderate 2, high 3, confirmed 4).
	Levels []ConfidenceLevel `yaml:"levels"`
	Note   string            `yaml:"note"`
}

// CorroborationSource is one source's part in corroboration.
type CorroborationSource struct {
	// Source matches the incidents' `source` field.
	Source string `yaml:"source,required"`
	// Reliability is the points an incident of this source starts with
	// when it is scored (default 1).
	Reliability *float64 `yaml:"reliability"`
	// Anchor says whether this source's incidents are scored; the others
	// only corroborate.
	Anchor bool `yaml:"anchor"`
	// Points is what a record of this source adds when it corroborates an
	// incident of another source (default 1), once per source.
	Points *float64 `yaml:"points"`
	// Precision is how coarse its timestamps are ("24h" for day-only
	// dates): a record stands for the interval [time, time+precision), so
	// its window widens accordingly. Records whose fields say
	// time_precision: day are taken as 24h whatever this says.
	Precision Duration `yaml:"precision"`
	// Types, when set, limits the source's records that take part.
	Types []string `yaml:"types"`
	Note  string   `yaml:"note"`
}

// ConfidenceLevel is one named level of confidence.
type ConfidenceLevel struct {
	Name   string  `yaml:"name,required"`
	Points float64 `yaml:"points,required"`
}

// Confidence is what corroboration concluded about an incident.
type Confidence struct {
	// Level is 0 (below the first level) to the number of levels; Name is
	// the level's name ("" at 0); Points the total.
	Level  int     `json:"level"`
	Name   string  `json:"name"`
	Points float64 `json:"points"`
	// Sources are the other sources whose records matched, sorted: empty
	// when the incident rests on its own source alone.
	Sources []string `json:"sources"`
}
