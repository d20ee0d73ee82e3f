package render

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/record"
)

func sampleRecord() *record.Record {
	half, one, ratio := 0.5, 1.0, 0.8
	return &record.Record{FormatVersion: record.FormatVersion, Framework: "fw", Rule: record.Rule,
		AsOf: time.Date(2025, 10, 1, 12, 0, 0, 0, time.UTC),
		Parties: []record.Party{
			{Party: "DE", Name: "Germany", Role: "guarantor", Due: 1, Pending: 1, Delivered: []record.Delivery{}, Grade: record.NoGrade},
			{Party: "FR", Name: "France", Role: "guarantor", Due: 2, Late: 1, Overdue: 1, Delivered: []record.Delivery{},
				ActedShare: &half, Score: ptrTo(0.25), Grade: "D", MedianDelayRatio: &ratio, Samples: 1},
			{Party: "GB", Name: "United Kingdom", Role: "guarantor", Due: 2, OnTime: 2, PledgesActivated: 1,
				Delivered: []record.Delivery{{Pledge: "gb-air", Quantity: 1200}}, ActedShare: &one, Score: &one, Grade: "A", Samples: 2},
		}}
}

func ptrTo(v float64) *float64 { return &v }

func TestRecordViews(t *testing.T) {
	r := sampleRecord()
	for _, f := range RecordFormats {
		var b bytes.Buffer
		if err := Record(&b, f, r, TableOptions{}); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out := b.String()
		switch f {
		case FormatJSON:
			var back record.Record
			if err := json.Unmarshal(b.Bytes(), &back); err != nil || len(back.Parties) != 3 || back.Rule != record.Rule {
				t.Errorf("json does not read back: %v\n%s", err, out)
			}
			if strings.Contains(out, `\u003e`) {
				t.Error("json escapes ≥ or > in the rule")
			}
		case FormatHTML:
			for _, want := range []string{"<!DOCTYPE html>", "gb-air 1,200", `class="good">A`, "A ≥ 0.9"} {
				if !strings.Contains(out, want) {
					t.Errorf("html lacks %q", want)
				}
			}
			if strings.Contains(out, "<script") || strings.Contains(out, "src=") {
				t.Error("html page is not self-contained")
			}
		case FormatMarkdown:
			if !strings.Contains(out, "| GB | 2 | 2 | 0 | 0 | 0 | 0 | gb-air 1,200 | 100 % | A (1.00) |") {
				t.Errorf("markdown row of GB:\n%s", out)
			}
		case FormatTable:
			for _, want := range []string{"5 responses due from 3 parties: 2 on time, 1 late, 0 declined, 1 pending, 1 overdue",
				"as of 2025-10-01 12:00Z", "Grade: score =", "D (0.25)", "—"} {
				if !strings.Contains(out, want) {
					t.Errorf("table lacks %q:\n%s", want, out)
				}
			}
			if strings.Contains(out, "\x1b[") {
				t.Error("colour without TableOptions.Color")
			}
		}
	}
	for _, f := range RecordFormats {
		if err := Record(&bytes.Buffer{}, f, nil, TableOptions{}); err == nil {
			t.Errorf("%s: no error for a nil record", f)
		}
	}
}

func TestRecordSummaryNothingDue(t *testing.T) {
	r := &record.Record{Framework: "fw", Parties: []record.Party{{Party: "GB", NotDue: 2, Grade: record.NoGrade}}}
	if got, want := RecordSummary(r), "no response due from 1 party (2 responses not due on rejected breaches)"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
}
