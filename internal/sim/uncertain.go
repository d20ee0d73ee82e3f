package sim

import (
	"math"

	"github.com/backstop-dev/backstop/internal/model"
)

// Uncertain is a calibrated parameter: known only within a range, so each
// run draws it (log-uniformly between Lo and Hi) and the spread of the
// result includes the model's uncertainty. Fixed parameters keep Central:
// those the scenario sets, or all with `model: {uncertainty: false}`.
type Uncertain struct {
	Name    string
	Lo, Hi  float64
	Central float64
	Fixed   bool
	// Source says where the central value and the range come from.
	Source string
	// Relevant is false when the parameter cannot move this scenario (a
	// posture no axis has): it is drawn but left out of the report.
	Relevant bool
}

// The uncertain parameters, by index into Plan.Uncertain.
const (
	uAdvance = iota
	uPreparedSpeed
	uFortifiedSpeed
	uPostureCombat
	uAttrition
	uGuarantorQuality
	uKills
	uBreakthrough
	nUncertain
)

// value is the parameter's value for a uniform draw u in [0, 1).
func (x *Uncertain) value(u float64) float64 {
	if x.Fixed || x.Lo == x.Hi {
		return x.Central
	}
	return x.Lo * math.Pow(x.Hi/x.Lo, u)
}

// uncertain lists the calibrated parameters of a scenario with their
// ranges (docs/simulate.md, "Honest uncertainty").
func uncertain(sc *model.Scenario, pr Params) []Uncertain {
	all := sc.Model.Uncertainty == nil || *sc.Model.Uncertainty
	has := map[model.DefencePosture]bool{}
	for _, ax := range sc.Axes {
		has[ax.Defender.Posture] = true
	}
	if len(sc.Axes) == 0 {
		has[sc.Defender.Posture] = true
	}
	m := sc.Model
	list := []Uncertain{
		uAdvance: {Name: "advance rate (km/h, hasty defence)", Lo: 3.5, Hi: 5.5, Central: pr.AdvanceKmh, Fixed: m.AdvanceKmh != 0,
			Source: "calibration: RAND's Baltic games (36–60 h) and the southern axis of 2022", Relevant: true},
		uPreparedSpeed: {Name: "speed factor, prepared defence", Lo: 0.1, Hi: 0.4, Central: 0.2,
			Source: "calibration: Crimea → Kherson, 2022 (5–7 days for ~100 km)", Relevant: has[model.Prepared]},
		uFortifiedSpeed: {Name: "speed factor, fortified defence", Lo: 0.001, Hi: 0.0045, Central: 0.002,
			Source: "calibration: DeepState net gains 2024–2026 (3–15 km² a day)", Relevant: has[model.Fortified]},
		uPostureCombat: {Name: "posture factor (× Dupuy's)", Lo: 0.92, Hi: 1.08, Central: 1,
			Source: "Dupuy's QJM 1.3 / 1.5 / 1.6, ± 8 %", Relevant: true},
		uAttrition: {Name: "attrition (per hour at parity)", Lo: 0.0006, Hi: 0.0018, Central: pr.AttritionPerHour, Fixed: m.AttritionPerHour != 0,
			Source: "Dupuy 1990: 1–4 % a day", Relevant: true},
		uGuarantorQuality: {Name: "guarantor quality", Lo: 1.0, Hi: 1.4, Central: pr.GuarantorQuality, Fixed: m.GuarantorQuality != 0,
			Source: "calibration", Relevant: true},
		uKills: {Name: "kills per sortie", Lo: 0.03, Hi: 0.08, Central: pr.KillsPerSortie, Fixed: m.KillsPerSortie != 0,
			Source: "calibration", Relevant: true},
		uBreakthrough: {Name: "breakthrough ratio", Lo: 2.5, Hi: 3.5, Central: pr.BreakthroughRatio, Fixed: m.BreakthroughRatio != 0,
			Source: "the 3:1 rule (Mearsheimer 1989), ± 0.5", Relevant: true},
	}
	for i := range list {
		if !all {
			list[i].Fixed = true
		}
		if list[i].Fixed {
			list[i].Lo, list[i].Hi = list[i].Central, list[i].Central
		}
	}
	return list
}

// pinned returns a copy of the plan with parameter k fixed at v.
func (p *Plan) pinned(k int, v float64) *Plan {
	q := *p
	q.Uncertain = append([]Uncertain(nil), p.Uncertain...)
	q.Uncertain[k].Fixed, q.Uncertain[k].Central = true, v
	return &q
}
