package server

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// dialFrom opens a TCP connection to addr from a loopback address of its
// own (127.0.0.x), as a distinct client.
func dialFrom(t *testing.T, from, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// status sends a GET of path on c and reads the answer's status line.
func status(t *testing.T, c net.Conn, path string) string {
	t.Helper()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: backstop\r\n\r\n", path)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("reading the answer to GET %s: %v", path, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return fmt.Sprintf("%d %s", resp.StatusCode, body)
}

// TestConnectionLimits: connections held open (the attack held 20,000
// event streams, up to the open-file limit) are bounded per client
// address and in all; one over is answered 503 busy and closed at once,
// and another client still gets its health check.
func TestConnectionLimits(t *testing.T) {
	for _, tc := range []struct {
		name         string
		limits       Limits
		held         int
		refusedFrom  string // the client whose next connection is refused
		admittedFrom string // a client still served
	}{
		{"per client", Limits{MaxConnsPerClient: 5, MaxConns: 100}, 5, "127.0.0.1", "127.0.0.2"},
		{"in all", Limits{MaxConnsPerClient: 100, MaxConns: 6}, 6, "127.0.0.3", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newTestServerWith(t, envConfig{server: Config{Limits: tc.limits}})
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			served := make(chan error, 1)
			go func() { served <- e.srv.Serve(ctx, l, 5*time.Second) }()
			t.Cleanup(func() { cancel(); <-served })
			addr := l.Addr().String()
			// Held connections, each proven accepted by an answer.
			for range tc.held {
				c := dialFrom(t, "127.0.0.1", addr)
				if got := status(t, c, "/v1/health"); !strings.HasPrefix(got, "200 ") {
					t.Fatalf("a held connection: %s", got)
				}
			}
			got := status(t, dialFrom(t, tc.refusedFrom, addr), "/v1/health")
			if !strings.HasPrefix(got, "503 ") || !strings.Contains(got, "#busy") {
				t.Errorf("a connection over the limit: %q, want 503 busy", got)
			}
			if tc.admittedFrom != "" {
				if got := status(t, dialFrom(t, tc.admittedFrom, addr), "/v1/health"); !strings.HasPrefix(got, "200 ") {
					t.Errorf("another client's health check: %s", got)
				}
			}
		})
	}
}

// The bounds follow the open-file limit: never more connections than the
// process may open files, less a reserve.
func TestConnLimitsBelowOpenFiles(t *testing.T) {
	files := openFileLimit()
	if files == 0 {
		t.Skip("the open-file limit is unknown here")
	}
	_, total := Limits{MaxConns: -1}.connLimits()
	if total < 1 || total > files-fileReserve && total != 1 {
		t.Errorf("total %d with an open-file limit of %d", total, files)
	}
}
