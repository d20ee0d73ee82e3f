package server

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/signing"
)

// SeedDocument is one document to put in an empty record.
type SeedDocument struct {
	Name string // where it came from, for errors
	Text []byte
}

// SeedFiles cuts files' contents into documents, frameworks first and
// declarations by date, the order in which the record must receive them.
func SeedFiles(files map[string][]byte) ([]SeedDocument, error) {
	var docs []SeedDocument
	var rank []int
	var dates []string
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		for i, part := range load.SplitDocuments(files[name]) {
			set, ds := load.Bytes(name, part) // errors across documents show when it is submitted
			if len(set.Docs) != 1 {
				return nil, fmt.Errorf("%s, document %d: does not load on its own: %v", name, i+1, ds)
			}
			d := set.Docs[0]
			r, date := 1, ""
			switch {
			case d.Framework != nil:
				r = 0
			case d.Declaration != nil:
				date = fmt.Sprintf("%s/%06d", d.Declaration.Date, d.Declaration.Revision)
			case d.Finding != nil, d.Action != nil:
				// after the declarations whose pledges actions name, in
				// the order they were filed
				r = 2
				if d.Finding != nil {
					date = d.Finding.Date.UTC().Format(time.RFC3339)
				} else {
					date = d.Action.Date.UTC().Format(time.RFC3339)
				}
			}
			docs = append(docs, SeedDocument{Name: fmt.Sprintf("%s#%d", name, i+1), Text: part})
			rank, dates = append(rank, r), append(dates, date)
		}
	}
	idx := make([]int, len(docs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		if rank[a] != rank[b] {
			return rank[a] - rank[b]
		}
		if dates[a] < dates[b] {
			return -1
		} else if dates[a] > dates[b] {
			return 1
		}
		return 0
	})
	out := make([]SeedDocument, len(docs))
	for i, j := range idx {
		out[i] = docs[j]
	}
	return out, nil
}

// ErrNotEmpty is returned by Seed when the record already has entries.
var ErrNotEmpty = errors.New("the record is not empty")

// Seed signs documents with the server's key and appends them to an empty
// record, checked as submissions are. It is how `backstop serve` starts
// with the bundled example.
func (s *Server) Seed(ctx context.Context, docs []SeedDocument) (int, error) {
	if s.log.Size() > 0 {
		return 0, ErrNotEmpty
	}
	for i, d := range docs {
		signed, err := signing.Sign(d.Text, s.cfg.Key.Signer)
		if err != nil {
			return i, fmt.Errorf("%s: %w", d.Name, err)
		}
		id, err := frameworkOf(d.Text)
		if err != nil {
			s.rec.mu.RLock()
			if len(s.rec.order) == 1 {
				id, err = s.rec.order[0], nil
			}
			s.rec.mu.RUnlock()
		}
		if err != nil {
			return i, fmt.Errorf("%s: %w", d.Name, err)
		}
		sub, p := s.check(id, signed, true)
		if p != nil {
			return i, fmt.Errorf("%s: %s", d.Name, p.Detail)
		}
		if _, p := s.enqueue(ctx, sub); p != nil {
			return i, fmt.Errorf("%s: %s", d.Name, p.Detail)
		}
	}
	return len(docs), nil
}

// frameworkOf names the framework a document belongs to: its own id, the
// one it declares to, or the single framework of the record.
func frameworkOf(src []byte) (string, error) {
	set, _ := load.Bytes("seed", src)
	if len(set.Docs) != 1 {
		return "", errors.New("not one document")
	}
	d := set.Docs[0]
	if id := d.FrameworkID(); id != "" {
		return id, nil
	}
	return "", fmt.Errorf("a %s document names no framework; submit it to one", d.Kind)
}
