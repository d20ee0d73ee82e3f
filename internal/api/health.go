package api

import "time"

// The values of Health.Status.
const (
	// HealthOK: every check passed.
	HealthOK = "ok"
	// HealthDegraded: the server answers and its store is reachable, but
	// something needs the operator: an append failed recently, or the
	// data folder's free space could not be measured.
	HealthDegraded = "degraded"
	// HealthFailing: the server cannot take submissions: its store does
	// not answer, or its data folder is (nearly) full. /v1/health answers
	// 503.
	HealthFailing = "failing"
)

// Health is the answer of /v1/health: whether the server is up and what
// it reports of its store, disk, appender and witnesses.
type Health struct {
	// Status is HealthOK, HealthDegraded or HealthFailing.
	Status string `json:"status"`
	// Entries is the log's size.
	Entries int64 `json:"entries"`
	// Store is the database's dialect: "sqlite" or "postgres".
	Store string `json:"store"`
	// Layers says which map layers the server was started with.
	Layers HealthLayers `json:"layers"`
	// ShuttingDown: the server has begun a graceful shutdown and takes no
	// more submissions.
	ShuttingDown bool         `json:"shutting_down"`
	Checks       HealthChecks `json:"checks"`
}

// HealthLayers says which map layers the server has: the dashboard asks
// for a layer only when it is there.
type HealthLayers struct {
	Oblasts   bool `json:"oblasts"`
	Territory bool `json:"territory"`
}

// HealthChecks are the checks behind Health.Status.
type HealthChecks struct {
	Store     StoreCheck     `json:"store"`
	Disk      DiskCheck      `json:"disk"`
	Appender  AppenderCheck  `json:"appender"`
	Witnesses WitnessesCheck `json:"witnesses"`
}

// StoreCheck is a bounded ping of the database.
type StoreCheck struct {
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
	// LatencyMS is how long the ping took, in milliseconds.
	LatencyMS float64 `json:"latency_ms"`
}

// DiskCheck is the free space of the data folder.
type DiskCheck struct {
	OK bool `json:"ok"`
	// FreeBytes is the space available to the server in Path's file
	// system; null when it was not measured (no data folder, or a platform
	// where the server cannot measure it).
	FreeBytes *uint64 `json:"free_bytes"`
	// MinFreeBytes is the threshold below which the check fails.
	MinFreeBytes uint64 `json:"min_free_bytes"`
	// Path is the data folder as the server was given it.
	Path  string `json:"path"`
	Error string `json:"error,omitempty"`
}

// AppenderCheck reports the last failure of the appender, the one writer
// of the log.
type AppenderCheck struct {
	// OK is false while the last append failed less than a window ago.
	OK        bool       `json:"ok"`
	LastError string     `json:"last_error,omitempty"`
	At        *time.Time `json:"at,omitempty"`
}

// WitnessesCheck reports the witnesses that cosign the log's checkpoints.
type WitnessesCheck struct {
	Configured int `json:"configured"`
	// LastCosignature is when a witness last cosigned a checkpoint, and
	// LastCosignatureAgeS its age in whole seconds; null when none has.
	LastCosignature     *time.Time `json:"last_cosignature,omitempty"`
	LastCosignatureAgeS *int64     `json:"last_cosignature_age_s"`
}

// Ready is the answer of /v1/ready when the server can accept
// submissions; otherwise it answers 503 with a Problem.
type Ready struct {
	Ready bool `json:"ready"`
}
