// Package sim stress-tests a guarantee: a seeded, replayable Monte Carlo of
// a renewed offensive against the beneficiary, with the guarantors' forces
// generated from their declarations and the framework's own response chain.
//
// Prepare turns a Scenario, its framework and the latest declarations into
// a Plan (the forces, their postures, readiness and transit, the decision
// deadlines per domain, the model's constants). Run simulates one run from
// its own random stream, so results do not depend on how runs are split
// among workers; Simulate runs many in parallel and aggregates them into a
// Result: the chance and timing of the objective falling, the forces in
// place in time, the sensitivity to each pledge and the smallest extra
// force that holds. docs/simulate.md states every assumption and its
// source; internal/render renders the Result.
package sim
