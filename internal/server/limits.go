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
