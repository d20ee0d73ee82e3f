// Package csvbench measures a feed reader against encoding/csv reading
// the same bytes into nothing, so the ratio says how much the reader
// adds to reading CSV. (The readers scan with feeds.Scanner, which is
// faster than encoding/csv, so the reference is not a floor.)
package csvbench

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"testing"
	"time"
)

// Rows reads data with encoding/csv as the readers set it up (records
// reused, any number of fields, into nothing) and returns the number of
// records.
func Rows(data []byte) int {
	r := csv.NewReader(bytes.NewReader(data))
	r.ReuseRecord = true
	r.FieldsPerRecord = -1
	n := 0
	for {
		_, err := r.Read()
		if errors.Is(err, io.EOF) {
			return n
		}
		n++
	}
}

// Compare runs read (which returns the rows it read) and encoding/csv
// over data in turn, b.N times each, and reports rows/s and the reader's
// speed as a percentage of encoding/csv's ("%csv": 50 means twice the
// time of encoding/csv). Alternating them, rather than timing one loop
// and then the other, puts both under the same load when the machine is
// shared; ns/op is the reader's alone.
func Compare(b *testing.B, data []byte, read func() int) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	rows := 0
	var base time.Duration
	for b.Loop() {
		rows += read()
		b.StopTimer()
		start := time.Now()
		Rows(data)
		base += time.Since(start)
		b.StartTimer()
	}
	elapsed := b.Elapsed()
	b.ReportMetric(float64(rows)/elapsed.Seconds(), "rows/s")
	b.ReportMetric(100*base.Seconds()/elapsed.Seconds(), "%csv")
}
