package api

import (
	"fmt"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/backstop-dev/backstop/internal/diag"
)

// Media types of the API.
const (
	// NoteType is the body of a submission: a signed document (its text, a
	// blank line, one "— KEY SIGNATURE" line per signature).
	NoteType    = "application/vnd.backstop.note"
	ProblemType = "application/problem+json"
)

// Entry is one leaf of the log, as the API shows it.
type Entry struct {
	Index     int64     `json:"index"`
	LeafHash  tlog.Hash `json:"leaf_hash"`
	Kind      string    `json:"kind"`
	Framework string    `json:"framework"`
	Signer    string    `json:"signer"` // party id; "" when the server's key signed (seeding)
	Key       string    `json:"key"`
	Subject   string    `json:"subject,omitempty"`
	Date      string    `json:"date,omitempty"`
	Revision  int64     `json:"revision,omitempty"`
	Received  time.Time `json:"received"`
	// SupersededBy is the entry of the declaration that replaced this one.
	SupersededBy *int64 `json:"superseded_by,omitempty"`
	// Note is the signed document as submitted; absent when the caller
	// may not read that framework's record.
	Note *string `json:"note,omitempty"`
}

// Page is a list with the link to the next page ("" on the last).
type Page[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next,omitempty"`
}

// Accepted answers a submission.
type Accepted struct {
	Entry      Entry        `json:"entry"`
	Checkpoint Checkpoint   `json:"checkpoint"`
	Warnings   []Diagnostic `json:"warnings,omitempty"`
}

// Checkpoint is the log's size and root, and the signed note that says so.
type Checkpoint struct {
	Origin string    `json:"origin"`
	Size   int64     `json:"size"`
	Root   tlog.Hash `json:"root"`
	// Note is the signed checkpoint, with the witnesses' cosignatures
	// gathered so far as further signature lines.
	Note string `json:"note"`
	// Cosignatures lists the witnesses' cosignatures on Note (checked by
	// the server; a reader checks them with the witness keys it trusts).
	Cosignatures []Cosignature `json:"cosignatures,omitempty"`
}

// Cosignature is a witness's cosignature on a checkpoint (C2SP
// tlog-cosignature, cosignature/v1): the witness cosigned the checkpoint
// at Time, having checked that it extends the last one it cosigned.
type Cosignature struct {
	Witness string    `json:"witness"` // the witness key's name
	Key     string    `json:"key"`     // NAME+HASH of its cosignature key
	Time    time.Time `json:"time"`
}

// Inclusion proves that an entry is in the tree of a size.
type Inclusion struct {
	Index    int64       `json:"index"`
	Size     int64       `json:"size"`
	LeafHash tlog.Hash   `json:"leaf_hash"`
	Proof    []tlog.Hash `json:"proof"`
}

// Consistency proves that the tree of To entries extends that of From.
type Consistency struct {
	From  int64       `json:"from"`
	To    int64       `json:"to"`
	Proof []tlog.Hash `json:"proof"`
}

// Framework is one framework of the record.
type Framework struct {
	ID            string `json:"id"`
	Title         string `json:"title,omitempty"`
	Status        string `json:"status,omitempty"`
	Entry         int64  `json:"entry"`
	AnonymousRead bool   `json:"anonymous_read"`
	Declarations  int    `json:"declarations"`
	Incidents     int    `json:"incidents"`
}

// Diagnostic is a validation finding about a submitted document.
//
// It is the one JSON shape of a diagnostic: the API's refusals carry it,
// and `backstop validate --format json` writes it (docs/json.md). Every
// field is always present.
type Diagnostic struct {
	Severity  string `json:"severity"`
	Code      string `json:"code"`
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line"`
	EndColumn int    `json:"end_column"`
	Message   string `json:"message"`
	Path      string `json:"path"`
}

// NewDiagnostic is the wire form of a diagnostic.
func NewDiagnostic(d diag.Diagnostic) Diagnostic {
	return Diagnostic{
		Severity: d.Severity.String(), Code: d.Code, File: d.Range.File,
		Line: d.Range.Start.Line, Column: d.Range.Start.Column,
		EndLine: d.Range.End.Line, EndColumn: d.Range.End.Column,
		Message: d.Summary, Path: d.Path,
	}
}

// Problem is an RFC 9457 problem detail: every refusal of the API.
type Problem struct {
	Type        string       `json:"type"`
	Title       string       `json:"title"`
	Status      int          `json:"status"`
	Detail      string       `json:"detail,omitempty"`
	Instance    string       `json:"instance,omitempty"`
	Diagnostics []Diagnostic `json:"diagnostics,omitempty"`
	// Entry is the log entry a duplicate submission already is.
	Entry *int64 `json:"entry,omitempty"`
}

func (p *Problem) Error() string {
	if p.Detail != "" {
		return fmt.Sprintf("%d %s: %s", p.Status, p.Title, p.Detail)
	}
	return fmt.Sprintf("%d %s", p.Status, p.Title)
}

// Scenario is one stress test stored under a framework.
type Scenario struct {
	ID    string `json:"id"`
	Entry int64  `json:"entry"`
	Note  string `json:"note,omitempty"`
	// Runs are the scenario's runs; ServerRuns those the server simulates
	// (at most 100,000: `backstop simulate` runs them all).
	Runs       int `json:"runs"`
	ServerRuns int `json:"server_runs"`
}

// Event is what the event stream (/v1/events) sends each time the log
// grows: its new size and root, as in the checkpoint.
type Event struct {
	Size int64     `json:"size"`
	Root tlog.Hash `json:"root"`
}
