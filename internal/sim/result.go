package sim

// FormatVersion is the version of the Result's JSON schema (docs/simulate.md).
const FormatVersion = 2

// Result is the outcome of a scenario's runs.
type Result struct {
	FormatVersion int     `json:"format_version"`
	Scenario      string  `json:"scenario"`
	Framework     string  `json:"framework"`
	Start         string  `json:"start"`
	Runs          int     `json:"runs"`
	Seed          int64   `json:"seed"`
	ObjectiveKm   float64 `json:"objective_km"`
	HorizonH      float64 `json:"horizon_hours"`
	Verdict       string  `json:"verdict"`
	// Within is P(objective reached) within 24 h, 72 h, 7 d, 30 d (and
	// the horizon when it differs).
	Within []Within `json:"within"`
	// Reached is the share of runs in which the objective fell within the
	// horizon; Hours describes when, over those runs.
	Reached   float64   `json:"reached"`
	Hours     Quantiles `json:"hours"`
	Histogram []Bin     `json:"histogram"`
	// HoldP72 is P(the objective holds for 72 h).
	HoldP72 float64 `json:"hold_72h"`
	// DecideLate is P(no guarantor has decided by 72 h).
	DecideLate float64   `json:"decide_late"`
	Losses     Losses    `json:"losses"`
	Forces     Forces    `json:"forces"`
	InPlace    []InPlace `json:"in_place"`
	// Sensitivity: for each pledge, the Measure with it minus without it.
	Sensitivity []Sensitivity `json:"sensitivity"`
	// Needed: the smallest extra force that lifts P(hold 72 h) to 0.9.
	Needed []Need `json:"needed"`
	// SensitivityRuns is the number of runs each variant used.
	SensitivityRuns int `json:"sensitivity_runs"`
	// Measure is what the sensitivities measure: P(the objective holds
	// 72 h), or, when it holds 72 h in nearly every run but falls later,
	// P(it holds to the horizon); MeasureP is its value over all runs.
	Measure  Measure `json:"sensitivity_measure"`
	MeasureP float64 `json:"sensitivity_measure_p"`
	// Parameters: for each calibrated parameter drawn per run, the
	// Measure with it pinned at the low and at the high end of its range
	// (the others still drawn), largest swing first.
	Parameters []ParameterSensitivity `json:"parameters"`
	// Axes: per axis of advance, how deep the attacker got.
	Axes []AxisResult `json:"axes"`
	// GroundKm2PerDay is the ground taken a day over the run (depth ×
	// front_km, summed over the axes), when the scenario gives front_km.
	GroundKm2PerDay *Quantiles `json:"ground_km2_per_day,omitempty"`
	// Politics says, per guarantor, the chance of deciding and the delay
	// the runs used, and whether they came from the scenario or from the
	// party's record (simulate --record).
	Politics []PoliticsSource `json:"politics"`
}

// Measure is a chance that the objective holds for Hours.
type Measure struct {
	Label string  `json:"label"`
	Hours float64 `json:"hours"`
}

// ParameterSensitivity is how much one calibrated parameter moves the
// verdict.
type ParameterSensitivity struct {
	Name     string  `json:"name"`
	Source   string  `json:"source"`
	Low      float64 `json:"low"`
	High     float64 `json:"high"`
	HoldLow  float64 `json:"hold_at_low"`
	HoldHigh float64 `json:"hold_at_high"`
	Fixed    bool    `json:"fixed"`
}

// AxisResult describes one axis of advance.
type AxisResult struct {
	ID          string  `json:"id"`
	Share       float64 `json:"share"`
	ObjectiveKm float64 `json:"objective_km"`
	Posture     string  `json:"posture"`
	// DepthKm is the median depth the attacker reached by the end of the
	// run (the objective, or the horizon).
	DepthKm float64 `json:"depth_km_median"`
}

// Within is the chance the objective falls within a time.
type Within struct {
	Label string  `json:"label"`
	Hours float64 `json:"hours"`
	P     float64 `json:"p"`
}

// Quantiles of the hours to the objective, over the runs that reach it
// (all -1 when none does).
type Quantiles struct {
	Median float64 `json:"median"`
	P5     float64 `json:"p5"`
	P95    float64 `json:"p95"`
}

// Bin is one bar of the histogram of hours to the objective.
type Bin struct {
	FromH float64 `json:"from_hours"`
	ToH   float64 `json:"to_hours"`
	Runs  int     `json:"runs"`
}

// Losses are mean shares of combat power lost.
type Losses struct {
	Attacker float64 `json:"attacker"`
	Defender float64 `json:"defender"`
}

// Forces describes what the guarantors bring.
type Forces struct {
	TroopsInTheatre float64 `json:"troops_in_theatre"`
	TroopsLater     float64 `json:"troops_later"`
	Aircraft        float64 `json:"aircraft"`
	Pledges         int     `json:"pledges"`
}

// InPlace is P(a party's forces of a domain are in place before the
// objective falls, or by the horizon when it holds).
type InPlace struct {
	Party  string  `json:"party"`
	Domain string  `json:"domain"`
	Forces int     `json:"forces"`
	P      float64 `json:"p"`
}

// Sensitivity is what one pledge adds to P(hold 72 h).
type Sensitivity struct {
	Party  string  `json:"party"`
	Pledge string  `json:"pledge"`
	Domain string  `json:"domain"`
	Delta  float64 `json:"delta"`
}

// Need is the smallest extra force of one kind that lifts P(hold 72 h) to
// 0.9: Amount is -1 when even Max does not.
type Need struct {
	Kind   string  `json:"kind"`
	Amount float64 `json:"amount"`
	Max    float64 `json:"max"`
	HoldP  float64 `json:"hold_72h"`
}
