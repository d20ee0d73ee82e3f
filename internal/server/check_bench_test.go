package server

import (
	"fmt"
	"testing"
)

// BenchmarkCheck measures the check of a submission (signature, decoding,
// validation next to the framework) without its append: a declaration.
func BenchmarkCheck(b *testing.B) {
	e := newTestServer(b)
	body := e.sign("GB", declaration(testFW, "GB", "2026-01-02", 0, 10))
	b.ReportAllocs()
	for b.Loop() {
		if _, p := e.srv.check(testFW, body, false); p != nil {
			b.Fatal(p.Detail)
		}
	}
}

// BenchmarkCheck100Parties is BenchmarkCheck under a framework of 100
// guarantors, each with its key: the framework is most of what a check
// used to decode and validate, and is now decoded and validated once per
// version (load.Prepared), so the check should cost about what it costs
// under a small framework.
func BenchmarkCheck100Parties(b *testing.B) {
	var guarantors []string
	for i := range 100 {
		guarantors = append(guarantors, fmt.Sprintf("G%03d", i))
	}
	e := newTestServerWith(b, envConfig{guarantors: guarantors})
	body := e.sign("G042", declaration(testFW, "G042", "2026-01-02", 0, 10))
	b.ReportAllocs()
	for b.Loop() {
		if _, p := e.srv.check(testFW, body, false); p != nil {
			b.Fatal(p.Detail)
		}
	}
}

// BenchmarkCheckFrameworkChange measures the check of a change to a
// framework with a declaration stored under it, and the change's apply.
func BenchmarkCheckFrameworkChange(b *testing.B) {
	e := newTestServer(b)
	e.mustSubmit(testFW, e.sign("GB", declaration(testFW, "GB", "2026-01-02", 0, 10)))
	body := e.sign("SEC", e.framework(testFW, "Changed title", false))
	b.ReportAllocs()
	for b.Loop() {
		sub, p := e.srv.check(testFW, body, false)
		if p != nil {
			b.Fatal(p.Detail)
		}
		r := newRecord(nil)
		if err := r.apply(sub.entry, sub.decoded); err != nil {
			b.Fatal(err)
		}
	}
}
