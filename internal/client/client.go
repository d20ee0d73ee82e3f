// Package client is the Go client of backstop's HTTP API, used by
// `backstop submit` and `backstop verify`: it sends signed documents, signs
// read requests with the caller's key, and fetches the log's checkpoints
// and proofs. It trusts nothing it receives: Verify (verify.go) is the
// audit protocol of `backstop verify`, checking what the server serves
// with internal/ledger's proofs, the parties' signatures and entrymeta.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/backstop-dev/backstop/internal/api"
	"github.com/backstop-dev/backstop/internal/signing"
)

// Client talks to one server.
type Client struct {
	Base string       // the server's URL, such as http://127.0.0.1:8080
	HTTP *http.Client // nil: a client with a 60 s timeout
	// Key signs read requests, for frameworks not open to anonymous
	// readers; nil sends them unsigned.
	Key *signing.KeyPair
}

// New returns a client of the server at base.
func New(base string, key *signing.KeyPair) (*Client, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--server %q: give the server's URL, such as http://127.0.0.1:8080", base)
	}
	return &Client{Base: strings.TrimRight(base, "/"), HTTP: &http.Client{Timeout: 60 * time.Second}, Key: key}, nil
}

// do sends a request and returns the body of a 2xx answer, or the
// server's problem as an error.
func (c *Client) do(ctx context.Context, method, uri, contentType string, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.Base+uri, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.Key != nil && method == http.MethodGet {
		h, err := signing.SignRequest(c.Key.Signer, method, uri, time.Now())
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", h)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return nil, fmt.Errorf("%s %s: reading the answer: %w", method, uri, err)
	}
	if resp.StatusCode/100 != 2 {
		p := &api.Problem{}
		if json.Unmarshal(b, p) != nil || p.Status == 0 {
			p = &api.Problem{Status: resp.StatusCode, Title: http.StatusText(resp.StatusCode), Detail: strings.TrimSpace(string(b))}
		}
		return nil, p
	}
	return b, nil
}

func (c *Client) getJSON(ctx context.Context, uri string, v any) error {
	b, err := c.do(ctx, http.MethodGet, uri, "", nil)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("GET %s: the server's answer is not the expected JSON: %w", uri, err)
	}
	return nil
}

// Submit sends a signed document to a framework's record.
func (c *Client) Submit(ctx context.Context, framework string, signed []byte) (*api.Accepted, error) {
	b, err := c.do(ctx, http.MethodPost, "/v1/frameworks/"+url.PathEscape(framework)+"/documents", api.NoteType, signed)
	if err != nil {
		return nil, err
	}
	var acc api.Accepted
	if err := json.Unmarshal(b, &acc); err != nil {
		return nil, fmt.Errorf("the server's answer is not the expected JSON: %w", err)
	}
	return &acc, nil
}

// Frameworks lists the record's frameworks.
func (c *Client) Frameworks(ctx context.Context) ([]api.Framework, error) {
	var page api.Page[api.Framework]
	err := c.getJSON(ctx, "/v1/frameworks", &page)
	return page.Items, err
}

// LogKey is the server's public key, as it says it is.
func (c *Client) LogKey(ctx context.Context) (string, error) {
	b, err := c.do(ctx, http.MethodGet, "/v1/log/key", "", nil)
	return strings.TrimSpace(string(b)), err
}

// Checkpoint is the signed checkpoint, unchecked.
func (c *Client) Checkpoint(ctx context.Context) ([]byte, error) {
	return c.do(ctx, http.MethodGet, "/v1/log/checkpoint", "", nil)
}

// Entries pages through the log from start.
func (c *Client) Entries(ctx context.Context, start int64, limit int) (api.Page[api.Entry], error) {
	var page api.Page[api.Entry]
	err := c.getJSON(ctx, fmt.Sprintf("/v1/log/entries?start=%d&limit=%d", start, limit), &page)
	return page, err
}

// Inclusion asks for the proof that the leaf is in the tree of size.
func (c *Client) Inclusion(ctx context.Context, leaf tlog.Hash, size int64) (*api.Inclusion, error) {
	var p api.Inclusion
	err := c.getJSON(ctx, fmt.Sprintf("/v1/log/proof/inclusion?hash=%s&size=%d", url.QueryEscape(leaf.String()), size), &p)
	return &p, err
}

// Consistency asks for the proof that the tree of to extends that of from.
func (c *Client) Consistency(ctx context.Context, from, to int64) (*api.Consistency, error) {
	var p api.Consistency
	err := c.getJSON(ctx, fmt.Sprintf("/v1/log/proof/consistency?from=%d&to=%d", from, to), &p)
	return &p, err
}
