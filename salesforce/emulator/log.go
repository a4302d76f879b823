package emulator

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"sync"
	"time"
)

// RequestLog is one request the org received. It never holds a token.
type RequestLog struct {
	Method string
	Path   string
	// UserID is the authenticated user's id for REST calls, "" otherwise.
	UserID string
	// TokenID is a short SHA-256 hash of the bearer token (TokenHash), "" without one.
	TokenID string
	// Status is the HTTP status written (0 for dropped connections).
	Status int
}

type logKey struct{}

type stats struct {
	mu       sync.Mutex
	log      []*RequestLog
	counters map[string]int
	apiUsed  int
	apiDay   time.Time // UTC date apiUsed belongs to; the budget resets each day
}

// rollDay resets the daily API usage when the org clock has moved to another day.
// Caller holds s.mu.
func (s *stats) rollDay(now time.Time) {
	if d := dateOnly(now); !d.Equal(s.apiDay) {
		s.apiDay, s.apiUsed = d, 0
	}
}

// TokenHash is the TokenID recorded for a bearer token: 12 hex chars of its SHA-256.
func TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:6])
}

func (s *stats) begin(r *http.Request) *RequestLog {
	e := &RequestLog{Method: r.Method, Path: r.URL.Path}
	if t := bearerToken(r); t != "" {
		e.TokenID = TokenHash(t)
	}
	s.mu.Lock()
	s.log = append(s.log, e)
	s.mu.Unlock()
	return e
}

func (s *stats) setUser(r *http.Request, userID string) {
	if e, ok := r.Context().Value(logKey{}).(*RequestLog); ok {
		s.mu.Lock()
		e.UserID = userID
		s.mu.Unlock()
	}
}

func (s *stats) setStatus(r *http.Request, status int) {
	if e, ok := r.Context().Value(logKey{}).(*RequestLog); ok {
		s.mu.Lock()
		e.Status = status
		s.mu.Unlock()
	}
}

// incr adds one to a named counter (e.g. "api", "token.refresh_token").
func (o *Org) incr(name string) {
	o.stats.mu.Lock()
	if o.stats.counters == nil {
		o.stats.counters = map[string]int{}
	}
	o.stats.counters[name]++
	o.stats.mu.Unlock()
}

// Count returns a counter: "api" (charged REST calls), "rest.<METHOD>", "fault.<kind>",
// and the OAuth counters such as "token.refresh_token".
func (o *Org) Count(name string) int {
	o.stats.mu.Lock()
	defer o.stats.mu.Unlock()
	return o.stats.counters[name]
}

// Requests returns a copy of the request log.
func (o *Org) Requests() []RequestLog {
	o.stats.mu.Lock()
	defer o.stats.mu.Unlock()
	out := make([]RequestLog, len(o.stats.log))
	for i, e := range o.stats.log {
		out[i] = *e
	}
	return out
}

// ResetRequests clears the request log (counters and API usage are kept).
func (o *Org) ResetRequests() {
	o.stats.mu.Lock()
	o.stats.log = nil
	o.stats.mu.Unlock()
}

// chargeAPI counts one API call against the daily budget. It returns the usage after the
// call and false when the budget was already exhausted (the call is then refused).
func (o *Org) chargeAPI() (used int, ok bool) {
	now := o.now()
	o.stats.mu.Lock()
	defer o.stats.mu.Unlock()
	o.stats.rollDay(now)
	if o.stats.apiUsed >= o.opts.APIDailyLimit {
		return o.stats.apiUsed, false
	}
	o.stats.apiUsed++
	if o.stats.counters == nil {
		o.stats.counters = map[string]int{}
	}
	o.stats.counters["api"]++
	return o.stats.apiUsed, true
}

// apiUsage returns the API calls used today and the daily limit.
func (o *Org) apiUsage() (used, limit int) {
	now := o.now()
	o.stats.mu.Lock()
	defer o.stats.mu.Unlock()
	o.stats.rollDay(now)
	return o.stats.apiUsed, o.opts.APIDailyLimit
}

// SetAPIUsage sets the calls already used today (to test budget exhaustion quickly).
func (o *Org) SetAPIUsage(used int) {
	now := o.now()
	o.stats.mu.Lock()
	o.stats.rollDay(now)
	o.stats.apiUsed = used
	o.stats.mu.Unlock()
}
