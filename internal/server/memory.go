package server

import (
	"fmt"
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// DefaultMemoryLimit is serve's soft memory limit: under the soak test's
// flood (docs/serve.md) it keeps the peak resident memory near 400 MiB.
const DefaultMemoryLimit = "384MiB"

// ParseSize reads a size: a whole number of bytes, or one with a unit
// KiB, MiB or GiB.
func ParseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		shift  uint
	}{{"GiB", 30}, {"MiB", 20}, {"KiB", 10}, {"", 0}}
	for _, u := range units {
		num, ok := strings.CutSuffix(s, u.suffix)
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
		if err != nil || n < 0 || n > math.MaxInt64>>u.shift {
			break
		}
		return n << u.shift, nil
	}
	return 0, fmt.Errorf("%q is not a size such as 384MiB, 1GiB or 0", s)
}

// ApplyMemoryLimit sets the Go runtime's soft limit to limit bytes (0
// leaves it): the collector works harder as the heap nears it, so a flood
// of requests that each load the record costs CPU rather than memory.
// GOMEMLIMIT in the environment wins unless override.
func ApplyMemoryLimit(limit int64, override bool) {
	if _, env := os.LookupEnv("GOMEMLIMIT"); limit > 0 && (!env || override) {
		debug.SetMemoryLimit(limit)
	}
}

// MemorySettings reads serve's --memory-limit (setting the Go runtime's
// soft limit, ApplyMemoryLimit; limitGiven when the flag was set, which
// then wins over GOMEMLIMIT) and returns --min-free in bytes.
func MemorySettings(memoryLimit, minFree string, limitGiven bool) (minFreeBytes int64, err error) {
	limit, err := ParseSize(memoryLimit)
	if err != nil {
		return 0, fmt.Errorf("--memory-limit: %v", err)
	}
	minFreeBytes, err = ParseSize(minFree)
	if err != nil || minFreeBytes == 0 {
		return 0, fmt.Errorf("--min-free: a size such as 64MiB or 1GiB, not %q", minFree)
	}
	ApplyMemoryLimit(limit, limitGiven)
	return minFreeBytes, nil
}
