package incidents

import (
	"context"
	"errors"
	"io"
	"os"
	"os/signal"
)

// ErrNoInput is FollowInput's error when there is no standard input.
var ErrNoInput = errors.New("no standard input to follow")

// FollowInput opens what a follow run reads: stdin, named "<stdin>",
// when path is "", else the file at path as it grows (Growing), until
// Ctrl-C. Closing releases the file and the Ctrl-C handler; it is
// returned, never nil, with the error of a file that cannot be opened.
func FollowInput(path string, stdin io.Reader) (r io.Reader, name string, closeFn func(), err error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	if path == "" {
		if stdin == nil {
			return nil, "", stop, ErrNoInput
		}
		return stdin, "<stdin>", stop, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, "", stop, err
	}
	return Growing(ctx, f), path, func() { f.Close(); stop() }, nil
}
