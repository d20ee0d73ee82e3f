//go:build !unix

package server

// openFileLimit is unknown here: the connection limits are their defaults.
func openFileLimit() int { return 0 }
