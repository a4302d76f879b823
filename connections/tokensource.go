package connections

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// fetchTimeout bounds one token request. A fetch runs detached from the caller's
// cancellation: with refresh-token rotation the old token dies as soon as Salesforce
// answers, so the answer must always be received and saved.
const fetchTimeout = 60 * time.Second

// tokenSource keeps one connection's access token in memory (Salesforce sends no expiry)
// and gets a new one through fetch when there is none or Salesforce rejected the current
// one. Concurrent callers share one fetch.
type tokenSource struct {
	fetch func(ctx context.Context) (string, error)

	mu       sync.Mutex
	access   string  // current access token, "" = none
	rejected string  // the current token, once a response to it was 401
	flight   *flight // the running fetch, nil if none
}

// flight is one fetch that callers wait on.
type flight struct {
	done  chan struct{}
	token string
	err   error
}

func newTokenSource(initial string, fetch func(ctx context.Context) (string, error)) *tokenSource {
	return &tokenSource{access: initial, fetch: fetch}
}

// Token returns the current access token, fetching one if there is none.
func (ts *tokenSource) Token(ctx context.Context) (string, error) {
	ts.mu.Lock()
	if ts.access != "" {
		tok := ts.access
		ts.mu.Unlock()
		return tok, nil
	}
	return ts.join(ctx) // unlocks
}

// Invalidate reports that Salesforce rejected the access token stale. Only if stale is still
// the current token is a new one fetched, so many calls failing with the same token cause
// one fetch; the others get the token that fetch brought.
func (ts *tokenSource) Invalidate(ctx context.Context, stale string) error {
	ts.mu.Lock()
	if ts.access != "" && ts.access != stale {
		ts.mu.Unlock()
		return nil // already replaced
	}
	ts.access = ""
	_, err := ts.join(ctx) // unlocks
	return err
}

// join waits for the running fetch or starts one; ts.mu is held on entry and released.
func (ts *tokenSource) join(ctx context.Context) (string, error) {
	f := ts.flight
	if f == nil {
		f = &flight{done: make(chan struct{})}
		ts.flight = f
		go ts.run(context.WithoutCancel(ctx), f)
	}
	ts.mu.Unlock()
	select {
	case <-f.done:
		return f.token, f.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func (ts *tokenSource) run(ctx context.Context, f *flight) {
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	tok, err := ts.fetch(ctx)
	ts.mu.Lock()
	f.token, f.err = tok, err
	if err == nil {
		ts.access, ts.rejected = tok, ""
	}
	ts.flight = nil
	ts.mu.Unlock()
	close(f.done)
}

// noteRejected records that a response to tok was 401.
func (ts *tokenSource) noteRejected(tok string) {
	ts.mu.Lock()
	if tok == ts.access {
		ts.rejected = tok
	}
	ts.mu.Unlock()
}

// refreshHook is the salesforce client's WithRefresh hook (called after 401
// INVALID_SESSION_ID): it invalidates the token that was rejected, if it is still current.
func (ts *tokenSource) refreshHook(ctx context.Context) error {
	ts.mu.Lock()
	stale := ts.rejected
	ts.mu.Unlock()
	if stale == "" {
		// The rejected token was already replaced (or is being replaced): wait for that.
		_, err := ts.Token(ctx)
		return err
	}
	return ts.Invalidate(ctx, stale)
}

// drop forgets the access token (after a logout).
func (ts *tokenSource) drop() {
	ts.mu.Lock()
	ts.access, ts.rejected = "", ""
	ts.mu.Unlock()
}

// transport adds the access token to every request and notes 401 answers.
type transport struct {
	ts   *tokenSource
	base http.RoundTripper
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	tok, err := t.ts.Token(req.Context())
	if err != nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, asTransportError(err)
	}
	r := req.Clone(req.Context())
	r.Header.Set("Authorization", "Bearer "+tok)
	resp, err := t.base.RoundTrip(r)
	if err == nil && resp.StatusCode == http.StatusUnauthorized {
		t.ts.noteRejected(tok)
	}
	return resp, err
}
