package connections

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
)

// TestTokenSourceSingleFlight: many callers invalidating the same stale token share one
// fetch; a failing fetch is shared too; a caller's cancellation does not stop the fetch.
func TestTokenSourceSingleFlight(t *testing.T) {
	var mu sync.Mutex
	fetches := 0
	release := make(chan struct{})
	fail := false
	ts := newTokenSource("old", func(ctx context.Context) (string, error) {
		<-release
		mu.Lock()
		defer mu.Unlock()
		fetches++
		if fail {
			return "", errors.New("refused")
		}
		return fmt.Sprint("tok", fetches), nil
	})
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for range 100 {
		wg.Add(1)
		go func() { defer wg.Done(); errs <- ts.Invalidate(context.Background(), "old") }()
	}
	for { // wait until the fetch has started
		ts.mu.Lock()
		started := ts.flight != nil
		ts.mu.Unlock()
		if started {
			break
		}
		runtime.Gosched()
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ts.Token(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller: %v", err)
	}
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if tok, _ := ts.Token(context.Background()); tok != "tok1" || fetches != 1 {
		t.Fatalf("token %s after %d fetches, want tok1 after 1", tok, fetches)
	}
	// A stale token that was already replaced causes no fetch.
	if err := ts.Invalidate(context.Background(), "old"); err != nil || fetches != 1 {
		t.Fatalf("invalidate replaced token: %v, %d fetches", err, fetches)
	}
	// The rejected-token bookkeeping of the client hook.
	ts.noteRejected("old") // not current: ignored
	if err := ts.refreshHook(context.Background()); err != nil || fetches != 1 {
		t.Fatalf("hook with nothing rejected: %v, %d fetches", err, fetches)
	}
	ts.noteRejected("tok1")
	if err := ts.refreshHook(context.Background()); err != nil || fetches != 2 {
		t.Fatalf("hook after a 401: %v, %d fetches", err, fetches)
	}
	mu.Lock()
	fail = true
	mu.Unlock()
	if err := ts.Invalidate(context.Background(), "tok2"); err == nil || err.Error() != "refused" {
		t.Fatalf("failing fetch: %v", err)
	}
	if _, err := ts.Token(context.Background()); err == nil {
		t.Fatal("no token after a failed fetch, but no error either")
	}
}
