package server

// Limits bound what clients, anonymous ones included, may hold of the
// server at once. Config embeds them; a zero field takes its default, a
// negative one lifts the bound.
type Limits struct {
	// MaxStreamsPerClient bounds the /v1/events streams open at once from
	// one client, told by its remote IP address (behind a reverse proxy
	// every client is the proxy's address: raise it there, or bound the
	// streams in the proxy). Default DefaultMaxStreamsPerClient.
	MaxStreamsPerClient int
	// MaxStreams bounds the /v1/events streams open at once in all
	// (each holds a connection, so a file descriptor). Default
	// DefaultMaxStreams.
	MaxStreams int
	// MaxConnsPerClient and MaxConns bound the connections Serve keeps
	// open at once, from one remote IP address and in all; a connection
	// over either is answered 503 busy and closed at once. Defaults
	// DefaultMaxConnsPerClient and DefaultMaxConns (the latter lowered
	// below the open-file limit).
	MaxConnsPerClient int
	MaxConns          int
}

// Defaults of Limits.
const (
	DefaultMaxStreamsPerClient = 8
	DefaultMaxStreams          = 1000
)

// limit is a bound with its default: 0 takes def, a negative one is no
// bound (-1).
func limit(n, def int) int {
	switch {
	case n == 0:
		return def
	case n < 0:
		return -1
	}
	return n
}

// Connection limits, applied by Serve to the listening socket: every
// connection holds a file descriptor, whatever it asks for.
const (
	// DefaultMaxConnsPerClient bounds the connections open at once from
	// one remote IP address (a browser opens six; an office behind one
	// address, or a proxy, more).
	DefaultMaxConnsPerClient = 128
	// DefaultMaxConns bounds the connections open at once in all, and is
	// lowered below the process's open-file limit (leaving room for the
	// database and the files the server opens).
	DefaultMaxConns = 4096
	// fileReserve is the descriptors kept out of the connections' share.
	fileReserve = 128
)

// connLimits are the connection bounds in force: Limits' fields (when
// set) or the defaults, the total no higher than the open-file limit
// allows.
func (l Limits) connLimits() (perClient, total int) {
	perClient = limit(l.MaxConnsPerClient, DefaultMaxConnsPerClient)
	total = limit(l.MaxConns, DefaultMaxConns)
	if files := openFileLimit(); files > 0 && (total < 0 || total > files-fileReserve) {
		total = max(files-fileReserve, 1)
	}
	return perClient, total
}
