package assess

// FormatVersion is the version of the Report's JSON schema (docs/assess.md).
const FormatVersion = 1

// Report is the whole assessment of one framework at one date. Lists are
// never nil, so the JSON never holds null.
type Report struct {
	FormatVersion int           `json:"format_version"`
	Framework     FrameworkInfo `json:"framework"`
	// At is the date of the assessment (YYYY-MM-DD): only pledges available
	// on or before it count as "now".
	At           string                `json:"at"`
	Verdict      string                `json:"verdict"`
	Requirements []RequirementCoverage `json:"requirements"`
	Domains      []DomainCoverage      `json:"domains"`
	Layers       []LayerCoverage       `json:"layers"`
	Timeline     []TimelinePoint       `json:"timeline"`
	Matrix       Matrix                `json:"matrix"`
	Parties      []PartySummary        `json:"parties"`
	GDPSource    string                `json:"gdp_source"`
	Politics     Politics              `json:"politics"`
	Sequence     []StepStatus          `json:"sequence"`
	// Binding is the binding profile: per domain with requirements, how
	// binding the pledged coverage is.
	Binding []BindingProfile `json:"binding"`
	// Commitments are the commitments of the declarations in force, the
	// adversary's first.
	Commitments []CommitmentState `json:"commitments"`
}

// BindingProfile is how binding one domain's pledged coverage is: the
// coverage counted at the assessment date split by the pledges' effective
// class (docs/assess.md).
type BindingProfile struct {
	Domain       string `json:"domain"`
	Requirements int    `json:"requirements"`
	// Amounts is the split in each unit of the domain's requirements, in
	// requirement order; a pledge counted towards two requirements of one
	// unit is counted once.
	Amounts []BindingAmount `json:"amounts"`
	// Share is the split as shares of the domain's pledged coverage, each
	// requirement weighing equally (its counted quantity over the required
	// one); they add up to 1, or are all 0 when nothing is pledged.
	Share BindingSplit `json:"share"`
}

// BindingAmount is the pledged coverage of a domain in one unit and its
// split by class.
type BindingAmount struct {
	Unit    string  `json:"unit"`
	Pledged float64 `json:"pledged"`
	BindingSplit
}

// BindingSplit is a quantity or a share per class, strongest first.
type BindingSplit struct {
	Automatic     float64 `json:"automatic"`
	Conditional   float64 `json:"conditional"`
	Discretionary float64 `json:"discretionary"`
	Assurance     float64 `json:"assurance"`
}

// CommitmentState is one commitment of a declaration in force: a promise
// a party makes about its own conduct.
type CommitmentState struct {
	Party string `json:"party"`
	Role  string `json:"role"`
	ID    string `json:"id"`
	Title string `json:"title"`
	// Status is the status in force (the last of its history) and Since
	// its date.
	Status string `json:"status"`
	Since  string `json:"since"`
	// Binding is the class the declaration gives it ("" when none).
	Binding string `json:"binding"`
	// Breach names the breach that violated it (status violated).
	Breach string `json:"breach"`
	Note   string `json:"note"`
}

// FrameworkInfo identifies the framework assessed.
type FrameworkInfo struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Status      string `json:"status"`
	Beneficiary string `json:"beneficiary"`
}

// RequirementCoverage is how far the latest declarations meet one requirement.
type RequirementCoverage struct {
	ID       string  `json:"id"`
	Title    string  `json:"title"`
	Layer    int     `json:"layer"`
	Domain   string  `json:"domain"`
	Unit     string  `json:"unit"`
	Required float64 `json:"required"`
	Posture  string  `json:"posture"` // "" when any posture counts
	By       string  `json:"by"`      // "" when no deadline
	// Pledged is the quantity counted at the assessment date, in Unit.
	Pledged float64 `json:"pledged"`
	// Approved is the part of Pledged whose sign-off is done or not required.
	Approved float64 `json:"approved"`
	// Delivered is the delivered part of Pledged.
	Delivered float64 `json:"delivered"`
	// Share is Pledged / Required (0 to more than 1).
	Share float64 `json:"share"`
	Met   bool    `json:"met"`
	// Eventual is what counts once every pledge is available (still
	// respecting By); MetOn is the first date on which Share reaches 1, or
	// "" if it never does.
	Eventual      float64        `json:"eventual"`
	MetOn         string         `json:"met_on"`
	Contributions []Contribution `json:"contributions"`
	// Excluded lists the pledges of the same domain and layer that do not
	// count, with the reason. A pledge that counts towards another
	// requirement of the domain in its own unit is not listed.
	Excluded []Exclusion `json:"excluded"`
}

// Contribution is one pledge counted towards a requirement, in the
// requirement's unit.
type Contribution struct {
	Party     string  `json:"party"`
	Pledge    string  `json:"pledge"`
	Quantity  float64 `json:"quantity"`
	Delivered float64 `json:"delivered"`
	Approval  string  `json:"approval"`
	Available string  `json:"available"` // "now" or YYYY-MM-DD
	// Now is false for a pledge that counts only later (available after At).
	Now bool `json:"now"`
}

// Exclusion is a pledge that does not count towards a requirement.
type Exclusion struct {
	Party  string `json:"party"`
	Pledge string `json:"pledge"`
	// Reason is one of: unit, posture, by, rejected.
	Reason string `json:"reason"`
	Detail string `json:"detail"`
}

// DomainCoverage summarises the requirements of one domain.
type DomainCoverage struct {
	Domain       string `json:"domain"`
	Requirements int    `json:"requirements"`
	Met          int    `json:"met"`
	// Coverage is the smallest Share among the domain's requirements (the
	// gate function coverage(domain)); 1 for a domain with no requirement.
	Coverage float64 `json:"coverage"`
}

// LayerCoverage summarises the requirements of one layer.
type LayerCoverage struct {
	Layer        int     `json:"layer"`
	Requirements int     `json:"requirements"`
	Met          int     `json:"met"`
	Coverage     float64 `json:"coverage"` // smallest Share of the layer
}

// TimelinePoint is the coverage of every domain with requirements on one
// date: the dates are the assessment date and every date on which a pledge
// becomes available; coverage is a step function between them.
type TimelinePoint struct {
	Date string `json:"date"`
	// Coverage maps domain → coverage on that date.
	Coverage map[string]float64 `json:"coverage"`
	// Met is the number of requirements met on that date.
	Met int `json:"met"`
}

// Matrix is who gives what: a row per party that pledged, a cell per domain.
type Matrix struct {
	Domains []string    `json:"domains"` // the domains with requirements, in language order
	Rows    []MatrixRow `json:"rows"`
}

// MatrixRow is one party's pledges by domain.
type MatrixRow struct {
	Party string `json:"party"`
	// Cells maps domain → the party's counted quantities in that domain.
	Cells map[string]Cell `json:"cells"`
}

// Cell is one party's counted contribution to the requirements of a domain.
type Cell struct {
	Items []CellItem `json:"items"`
	// Share is the party's share of the domain's requirements, averaged
	// over them (0.27 = 27 % of what the domain needs).
	Share float64 `json:"share"`
}

// CellItem is the quantity counted towards one requirement.
type CellItem struct {
	Requirement string  `json:"requirement"`
	Quantity    float64 `json:"quantity"`
	Unit        string  `json:"unit"`
	Share       float64 `json:"share"` // Quantity / the requirement's quantity
}

// PartySummary is one party's declared contribution and burden share.
type PartySummary struct {
	Party string `json:"party"`
	Name  string `json:"name"`
	Role  string `json:"role"`
	// Declared is the date of the party's latest declaration ("" if none);
	// Superseded counts its earlier declarations.
	Declared   string `json:"declared"`
	Superseded int    `json:"superseded"`
	Pledges    int    `json:"pledges"`
	// Money totals of every pledge of the latest declaration, whatever its
	// availability: one-off amounts in EUR bn and yearly ones in EUR bn/yr,
	// pledged and delivered.
	MoneyEURbn            float64 `json:"money_eur_bn"`
	MoneyEURbnPerYear     float64 `json:"money_eur_bn_per_year"`
	DeliveredEURbn        float64 `json:"delivered_eur_bn"`
	DeliveredEURbnPerYear float64 `json:"delivered_eur_bn_per_year"`
	// Points is the party's contribution in requirement units: the sum,
	// over requirements, of its counted quantity divided by the required
	// quantity. Share is Points over all guarantors' Points.
	Points float64 `json:"points"`
	Share  float64 `json:"share"`
	// GDPUSDbn is the party's GDP (0 when unknown); GDPShare its share of
	// the guarantors' GDP; BurdenRatio is Share / GDPShare (1 = a fair
	// share, 0 when GDP is unknown).
	GDPUSDbn    float64 `json:"gdp_usd_bn"`
	GDPShare    float64 `json:"gdp_share"`
	BurdenRatio float64 `json:"burden_ratio"`
}

// Politics lists the political facts of the declarations.
type Politics struct {
	CaveatViolations []RestrictionHit `json:"caveat_violations"`
	RedLineCrossings []RestrictionHit `json:"red_line_crossings"`
	Superseded       []Supersession   `json:"superseded"`
	NoPledge         []string         `json:"no_pledge"` // guarantors without a pledge
	AwaitingApproval []PledgeRef      `json:"awaiting_approval"`
	Rejected         []PledgeRef      `json:"rejected"`
}

// RestrictionHit is a pledge that falls under a caveat or red line.
type RestrictionHit struct {
	Party       string `json:"party"` // who pledged
	Pledge      string `json:"pledge"`
	Owner       string `json:"owner"`       // whose caveat or red line
	Restriction string `json:"restriction"` // its id
	Note        string `json:"note"`
}

// Supersession is an earlier declaration replaced by a later one.
type Supersession struct {
	Party string `json:"party"`
	Date  string `json:"date"`
	By    string `json:"by"` // the date of the declaration that counts
}

// PledgeRef names one pledge.
type PledgeRef struct {
	Party    string  `json:"party"`
	Pledge   string  `json:"pledge"`
	Domain   string  `json:"domain"`
	Quantity float64 `json:"quantity"`
	Unit     string  `json:"unit"`
	Requires string  `json:"requires"`
}

// StepStatus is one step of the sequence.
type StepStatus struct {
	ID    string   `json:"id"`
	Title string   `json:"title"`
	After []string `json:"after"`
	Gate  string   `json:"gate"`
	// State is "open" (every earlier step open and the gate true) or "blocked".
	State string `json:"state"`
	// BlockedBy lists the earlier steps that are not open.
	BlockedBy []string `json:"blocked_by"`
	// Failing lists the parts of the gate (its top-level && terms) that are false.
	Failing []Condition `json:"failing"`
}

// Condition is one term of a gate with the values of the gate functions in it.
type Condition struct {
	Expression string `json:"expression"`
	// Values shows what each gate function call in it returned,
	// e.g. {"coverage(\"land\")": "0.62"}.
	Values map[string]string `json:"values"`
}
