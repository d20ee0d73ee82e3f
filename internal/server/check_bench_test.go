package server

import "testing"

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
