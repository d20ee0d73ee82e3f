package server

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"
)

// cache keeps answers the server computed from one framework's record,
// each with the version of the record it was computed from, within two
// bounds: limit answers (0: defaultCacheEntries) and maxBytes bytes of
// encoded answers (0: defaultCacheBytes), the least recently used
// leaving first. An answer asked for at a newer version than the cached
// one is computed again, and storing it drops every answer of an older
// version.
//
// A computation runs outside the cache's lock, in its own goroutine with
// its own deadline (the server's --timeout from its start): one slow
// computation holds no other key, and a computation is not cancelled
// because the request that started it went away. Concurrent requests for
// the same key and version wait for that one computation (each for at most
// its own request's context); at most maxFlights computations run at once
// (0: GOMAXPROCS), the others waiting for a slot within their deadline.
//
// A key's cost is bounded only by the values the callers let in: the
// monitoring's ?quiet is whole minutes from 1m to 30d (quietParam).
type cache[K comparable, V any] struct {
	limit    int
	maxBytes int64
	// maxFlights bounds the computations running at once.
	maxFlights int
	// size is the memory an answer holds, in bytes.
	size func(V) int64

	mu      sync.Mutex
	latest  int64 // the newest version stored
	items   map[K]*cacheItem[K, V]
	lru     list.List // of *cacheItem, most recently used first
	bytes   int64
	flights map[K]*flight[V]
	slots   chan struct{}

	// computed, when set (by tests), is called when each computation
	// ends, with its error, before its waiters are woken.
	computed func(key K, err error)
}

type cacheItem[K comparable, V any] struct {
	key     K
	version int64
	val     V
	size    int64
	elem    *list.Element
}

// flight is one computation in progress; done is closed when val and err
// are set.
type flight[V any] struct {
	version int64
	done    chan struct{}
	val     V
	err     error
}

// Defaults of the cache's bounds, per framework and kind of answer.
const (
	defaultCacheEntries = 16
	defaultCacheBytes   = 64 << 20
)

// errComputeTimeout is the error of a computation that ran out of its
// deadline (wrapped with the cause).
var errComputeTimeout = errors.New("the computation took longer than the server's --timeout")

// get returns the answer for key at version, computing it with compute
// (whose context ends after timeout) when the cache holds none. The
// caller waits for at most ctx.
func (c *cache[K, V]) get(ctx context.Context, version int64, key K, timeout time.Duration, compute func(context.Context) (V, error)) (V, error) {
	c.mu.Lock()
	if c.items == nil {
		c.items, c.flights = map[K]*cacheItem[K, V]{}, map[K]*flight[V]{}
		n := c.maxFlights
		if n <= 0 {
			n = max(1, runtime.GOMAXPROCS(0))
		}
		c.slots = make(chan struct{}, n)
	}
	if it := c.items[key]; it != nil && it.version >= version {
		c.lru.MoveToFront(it.elem)
		c.mu.Unlock()
		return it.val, nil
	}
	f := c.flights[key]
	if f == nil || f.version < version {
		f = &flight[V]{version: version, done: make(chan struct{})}
		c.flights[key] = f
		go c.run(key, f, timeout, compute)
	}
	c.mu.Unlock()
	select {
	case <-f.done:
		return f.val, f.err
	case <-ctx.Done():
		var zero V
		return zero, context.Cause(ctx)
	}
}

// run computes f, stores its answer and wakes its waiters.
func (c *cache[K, V]) run(key K, f *flight[V], timeout time.Duration, compute func(context.Context) (V, error)) {
	ctx, cancel := context.WithTimeoutCause(context.Background(), timeout, errComputeTimeout)
	defer cancel()
	var (
		v   V
		err error
	)
	select {
	case c.slots <- struct{}{}:
		func() {
			defer func() {
				<-c.slots
				if p := recover(); p != nil {
					err = fmt.Errorf("internal error computing the answer: %v", p)
				}
			}()
			v, err = compute(ctx)
		}()
		if err != nil && ctx.Err() != nil {
			err = fmt.Errorf("%w: %w", context.Cause(ctx), err)
		}
	case <-ctx.Done():
		err = fmt.Errorf("%w (waiting for one of the %d computations running)", context.Cause(ctx), cap(c.slots))
	}
	c.mu.Lock()
	if c.flights[key] == f {
		delete(c.flights, key)
	}
	if err == nil {
		c.store(key, f.version, v)
	}
	c.mu.Unlock()
	f.val, f.err = v, err
	// The hook runs before the waiters wake, so that a test that has its
	// answer has seen its computation counted.
	if c.computed != nil {
		c.computed(key, err)
	}
	close(f.done)
}

// store keeps v, evicting within the bounds. The caller holds mu.
func (c *cache[K, V]) store(key K, version int64, v V) {
	if version < c.latest {
		return // a request that raced an append: its answer is already old
	}
	if version > c.latest {
		c.latest = version
		for e := c.lru.Front(); e != nil; {
			next := e.Next()
			if it := e.Value.(*cacheItem[K, V]); it.version < version {
				c.remove(it)
			}
			e = next
		}
	}
	if old := c.items[key]; old != nil {
		c.remove(old)
	}
	limit, maxBytes := c.limit, c.maxBytes
	if limit <= 0 {
		limit = defaultCacheEntries
	}
	if maxBytes <= 0 {
		maxBytes = defaultCacheBytes
	}
	var size int64
	if c.size != nil {
		size = c.size(v)
	}
	if size > maxBytes {
		return // answered, not kept
	}
	it := &cacheItem[K, V]{key: key, version: version, val: v, size: size}
	it.elem = c.lru.PushFront(it)
	c.items[key] = it
	c.bytes += size
	for len(c.items) > limit || c.bytes > maxBytes {
		c.remove(c.lru.Back().Value.(*cacheItem[K, V]))
	}
}

func (c *cache[K, V]) remove(it *cacheItem[K, V]) {
	c.lru.Remove(it.elem)
	delete(c.items, it.key)
	c.bytes -= it.size
}

// stats are the cache's entries and bytes (for tests).
func (c *cache[K, V]) stats() (entries int, bytes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items), c.bytes
}

// encodedSize is what an encoded answer holds: its bytes, and room for
// the gzip made when a client first asks for it (a tenth of JSON, a
// quarter to be safe).
func encodedSize(e *encoded) int64 {
	if e == nil {
		return 0
	}
	n := int64(len(e.raw))
	return n + n/4
}
