package server

import (
	"bytes"
	"io"
	"net"
	"strconv"
	"sync"
	"time"
)

// connLimiter is a listener that keeps at most perClient connections
// open from one remote IP address and total in all. A connection over
// either bound is answered with a canned 503 busy problem and closed,
// without reaching the HTTP server: thousands of idle or streaming
// connections cannot use up the process's file descriptors, and the
// health check still gets through.
type connLimiter struct {
	net.Listener
	perClient, total int // < 0: no bound

	mu     sync.Mutex
	open   int
	byHost map[string]int
}

func newConnLimiter(l net.Listener, perClient, total int) *connLimiter {
	return &connLimiter{Listener: l, perClient: perClient, total: total, byHost: map[string]int{}}
}

// busyResponse is what a connection over the limits receives.
var busyResponse = "HTTP/1.1 503 Service Unavailable\r\n" +
	"Content-Type: application/problem+json\r\n" +
	"Retry-After: 5\r\n" +
	"Connection: close\r\n" +
	"Content-Length: " + strconv.Itoa(len(busyBody)) + "\r\n\r\n" +
	busyBody

const busyBody = `{"type":"` + problemDocs + `busy","title":"Service Unavailable","status":503,"detail":"too many connections from this address or in all; close one or retry later"}`

func (l *connLimiter) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		host := remoteHost(c)
		l.mu.Lock()
		over := (l.total >= 0 && l.open >= l.total) || (l.perClient >= 0 && l.byHost[host] >= l.perClient)
		if !over {
			l.open++
			l.byHost[host]++
		}
		l.mu.Unlock()
		if over {
			go refuse(c)
			continue
		}
		return &limitedConn{Conn: c, l: l, host: host}, nil
	}
}

// refuse answers a connection over the limits and closes it, within
// refuseTime whatever the client does. It reads the request's head first
// and half-closes before closing: a socket closed with unread data sends
// a reset, and the client would see that instead of the 503.
func refuse(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(refuseTime))
	head := make([]byte, 0, 1024)
	buf := make([]byte, 1024)
	for len(head) < 16<<10 && !bytes.Contains(head, []byte("\r\n\r\n")) {
		n, err := c.Read(buf)
		head = append(head, buf[:n]...)
		if err != nil {
			break
		}
	}
	if _, err := c.Write([]byte(busyResponse)); err != nil {
		return
	}
	if tc, ok := c.(interface{ CloseWrite() error }); ok {
		_ = tc.CloseWrite()
		_, _ = io.Copy(io.Discard, io.LimitReader(c, 64<<10)) // until the client closes
	}
}

// refuseTime bounds the life of a refused connection.
const refuseTime = 2 * time.Second

func (l *connLimiter) release(host string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open--
	if l.byHost[host]--; l.byHost[host] <= 0 {
		delete(l.byHost, host)
	}
}

func remoteHost(c net.Conn) string {
	host, _, err := net.SplitHostPort(c.RemoteAddr().String())
	if err != nil {
		return c.RemoteAddr().String()
	}
	return host
}

// limitedConn gives its place back once, when it is closed.
type limitedConn struct {
	net.Conn
	l    *connLimiter
	host string
	once sync.Once
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.release(c.host) })
	return err
}
