// Package entrymeta derives, from a logged document, the columns the
// server stores next to it (internal/store.Entry) and serves with it
// (internal/api.Entry): its kind, framework, subject, date and revision,
// and the incident ids an Incidents document reports. The server derives
// them when it accepts a document; `backstop verify` and the server's
// start-up check derive them again from the document to catch columns
// edited in the database. One function for all, so that they cannot
// disagree.
package entrymeta

import (
	"fmt"
	"strconv"

	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/model"
)

// Meta is what the server derives from one document.
type Meta struct {
	Kind string
	// Framework is the framework the document names; "" for Incidents and
	// Corroboration documents and a Scenario naming none, whose framework
	// is the one they were submitted to (the path decides).
	Framework string
	// Subject: a Framework's id, a Declaration's party, the breach a
	// Finding or an Action is about (its id, or else its trigger);
	// otherwise "".
	Subject string
	// Date: a Declaration's date, a Finding's or an Action's day (of its
	// time, in UTC), as YYYY-MM-DD (the API's date format); otherwise "".
	// Revision: a Declaration's; otherwise 0.
	Date     string
	Revision int64
	// Incidents are an Incidents document's incident ids, in order.
	Incidents []string
}

// Of derives the Meta of a decoded document.
func Of(doc *load.Document) Meta {
	m := Meta{Kind: string(doc.Kind), Framework: doc.FrameworkID()}
	switch {
	case doc.Framework != nil:
		m.Subject = doc.Framework.ID
	case doc.Declaration != nil:
		m.Subject = doc.Declaration.Party
		m.Date = doc.Declaration.Date.String()
		m.Revision = int64(doc.Declaration.Revision)
	case doc.Finding != nil:
		m.Subject = breachSubject(doc.Finding.Breach)
		m.Date = timestamp(doc.Finding.Date)
	case doc.Action != nil:
		m.Subject = breachSubject(doc.Action.Breach)
		m.Date = timestamp(doc.Action.Date)
	case doc.Option != nil:
		m.Subject = doc.Option.ID
	case doc.Incidents != nil:
		for _, inc := range doc.Incidents.Incidents {
			m.Incidents = append(m.Incidents, inc.ID)
		}
	}
	return m
}

// breachSubject names the breach a Finding or Action is about: its id
// when it gives one, else its trigger.
func breachSubject(b model.BreachRef) string {
	if b.ID != "" {
		return b.ID
	}
	return b.Trigger
}

// timestamp writes the day of a document's time, in UTC, as a Date.
func timestamp(t model.Timestamp) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(model.DateLayout)
}

// FromText decodes a document's text (without its signature block) alone
// and derives its Meta. A document the server accepted decodes; an error
// means the text is not one document.
func FromText(text []byte) (Meta, error) {
	set, _ := load.Bytes("document", text) // alone, a declaration lacks its framework: errors expected
	if len(set.Docs) != 1 {
		return Meta{}, fmt.Errorf("the text holds %d documents, not one", len(set.Docs))
	}
	return Of(set.Docs[0]), nil
}

// Column is one stored column that differs from the document.
type Column struct {
	Name           string // as the API names it: kind, framework, subject, date, revision
	Stored, Actual string
}

func (c Column) String() string {
	return fmt.Sprintf("%s is %q in the log but %q in the document", c.Name, c.Stored, c.Actual)
}

// Compare lists the columns of a stored entry (kind, framework, subject,
// date, revision, as given) that differ from what m derives. framework is
// compared only when the document names one.
func (m Meta) Compare(kind, framework, subject, date string, revision int64) []Column {
	var out []Column
	add := func(name, stored, actual string) {
		if stored != actual {
			out = append(out, Column{name, stored, actual})
		}
	}
	add("kind", kind, m.Kind)
	if m.Framework != "" {
		add("framework", framework, m.Framework)
	}
	add("subject", subject, m.Subject)
	add("date", date, m.Date)
	add("revision", strconv.FormatInt(revision, 10), strconv.FormatInt(m.Revision, 10))
	return out
}
