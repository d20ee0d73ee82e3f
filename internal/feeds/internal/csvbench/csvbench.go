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

// Compare runs read (which returns the rows it read) b.N times, then
// encoding/csv over data as many times outside the timer, and reports
// rows/s and the reader's speed as a percentage of encoding/csv's
// ("%csv": 50 means twice the time of encoding/csv).
func Compare(b *testing.B, data []byte, read func() int) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		rows += read()
	}
	elapsed := b.Elapsed()
	b.StopTimer()
	start := time.Now()
	for range b.N {
		Rows(data)
	}
	base := time.Since(start)
	b.ReportMetric(float64(rows)/elapsed.Seconds(), "rows/s")
	b.ReportMetric(100*base.Seconds()/elapsed.Seconds(), "%csv")
}
