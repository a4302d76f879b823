package salesforce

import (
	"context"
	"errors"
	"sync"
	"time"
)

// describeCache keeps describe results in memory and merges concurrent fetches of the same
// key into one request (a hand-written singleflight). Only schema goes here.
type describeCache struct {
	mu      sync.Mutex
	entries map[string]*cacheEntry
	flights map[string]*flight
}

// testHookFlightWait, when set by a test, is called each time a caller starts waiting for
// another caller's fetch.
var testHookFlightWait func(key string)

type cacheEntry struct {
	value        any       // *ObjectDescribe or *GlobalDescribe
	checked      time.Time // when it was last fetched or revalidated
	lastModified string    // sent back as If-Modified-Since
}

type flight struct {
	done  chan struct{}
	value any
	err   error
}

func (dc *describeCache) init() {
	dc.entries = map[string]*cacheEntry{}
	dc.flights = map[string]*flight{}
}

// get returns the cached value for key while it is fresh; otherwise one caller runs fetch
// (given the stale entry, if any, for revalidation) and the others wait for its result.
func (dc *describeCache) get(ctx context.Context, c *Client, key string, fetch func(context.Context, *cacheEntry) (*cacheEntry, error)) (any, error) {
	for {
		dc.mu.Lock()
		prev := dc.entries[key]
		if prev != nil && c.now().Sub(prev.checked) < c.ttl {
			dc.mu.Unlock()
			return prev.value, nil
		}
		if f := dc.flights[key]; f != nil {
			dc.mu.Unlock()
			if testHookFlightWait != nil {
				testHookFlightWait(key)
			}
			select {
			case <-f.done:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			if f.err != nil && isContextError(f.err) && ctx.Err() == nil {
				continue // the leader gave up; this caller still wants the answer
			}
			return f.value, f.err
		}
		f := &flight{done: make(chan struct{})}
		dc.flights[key] = f
		dc.mu.Unlock()
		return dc.lead(ctx, key, prev, f, fetch)
	}
}

func (dc *describeCache) lead(ctx context.Context, key string, prev *cacheEntry, f *flight, fetch func(context.Context, *cacheEntry) (*cacheEntry, error)) (any, error) {
	f.err = errors.New("salesforce: describe fetch did not finish") // replaced unless fetch panics
	defer func() {
		dc.mu.Lock()
		delete(dc.flights, key)
		dc.mu.Unlock()
		close(f.done)
	}()
	e, err := fetch(ctx, prev)
	if err != nil {
		f.err = err
		return nil, err
	}
	dc.mu.Lock()
	dc.entries[key] = e
	dc.mu.Unlock()
	f.value, f.err = e.value, nil
	return e.value, nil
}

func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
