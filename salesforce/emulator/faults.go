package emulator

import (
	"bufio"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// FaultKind selects what an injected fault does.
type FaultKind int

const (
	// FaultLatency delays the request by Fault.Latency, then serves it normally.
	FaultLatency FaultKind = iota + 1
	// Fault503 answers 503 SERVER_UNAVAILABLE "server too busy".
	Fault503
	// FaultLockRow answers 400 UNABLE_TO_LOCK_ROW.
	FaultLockRow
	// FaultDrop closes the connection without an answer. For a write the request is
	// processed first (the outcome is then unknown to the client). It needs a real
	// HTTP/1 connection (Start, httptest.Server); elsewhere the handler aborts with
	// http.ErrAbortHandler.
	FaultDrop
)

func (k FaultKind) String() string {
	switch k {
	case FaultLatency:
		return "latency"
	case Fault503:
		return "503"
	case FaultLockRow:
		return "lock_row"
	case FaultDrop:
		return "drop"
	}
	return "unknown"
}

// Fault describes an injected failure. It fires for the Next N matching requests when
// Next > 0, otherwise on each matching request with probability Rate (1 = always).
// PathPrefix limits it to request paths with that prefix ("" matches all).
type Fault struct {
	Kind       FaultKind
	Rate       float64
	Next       int
	Latency    time.Duration
	PathPrefix string
}

type faults struct {
	mu   sync.Mutex
	list []*Fault
	rnd  *rand.Rand
}

// Inject adds a fault. Faults are checked in the order they were injected; the first that
// fires wins (latency faults add their delay and let later faults fire too).
func (o *Org) Inject(f Fault) {
	o.fault.mu.Lock()
	defer o.fault.mu.Unlock()
	if o.fault.rnd == nil {
		seed := uint64(o.opts.Seed) //nolint:gosec // any bit pattern is a fine seed
		// Deterministic pseudo-randomness for reproducible fault schedules, not security.
		o.fault.rnd = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) //nolint:gosec
	}
	o.fault.list = append(o.fault.list, &f)
}

// ClearFaults removes every injected fault.
func (o *Org) ClearFaults() {
	o.fault.mu.Lock()
	o.fault.list = nil
	o.fault.mu.Unlock()
}

// pick returns the faults that fire for path, consuming Next counts.
func (fs *faults) pick(path string) (delay time.Duration, kind FaultKind) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	keep := fs.list[:0]
	for _, f := range fs.list {
		fire := false
		if strings.HasPrefix(path, f.PathPrefix) && kind == 0 {
			if f.Next > 0 {
				f.Next--
				fire = true
			} else if f.Rate > 0 {
				fire = f.Rate >= 1 || fs.rnd.Float64() < f.Rate
			}
		}
		if fire {
			if f.Kind == FaultLatency {
				delay += f.Latency
			} else {
				kind = f.Kind
			}
		}
		if f.Next > 0 || f.Rate > 0 {
			keep = append(keep, f)
		}
	}
	fs.list = keep
	return delay, kind
}

// apply runs injected faults for r. It returns true when the request has been answered
// (or dropped) and must not be served.
func (o *Org) applyFaults(w http.ResponseWriter, r *http.Request, serve http.Handler) bool {
	o.fault.mu.Lock()
	none := len(o.fault.list) == 0
	o.fault.mu.Unlock()
	if none {
		return false
	}
	delay, kind := o.fault.pick(r.URL.Path)
	if delay > 0 {
		o.incr("fault.latency")
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return true
		}
	}
	switch kind {
	case Fault503:
		o.incr("fault.503")
		writeErrors(w, 503, nil, &apiError{Status: 503, Code: "SERVER_UNAVAILABLE", Message: "server too busy"})
		return true
	case FaultLockRow:
		o.incr("fault.lock_row")
		id := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
		if _, ok := normID(id); !ok {
			id = makeID("001", 1)
		}
		writeErrors(w, 400, nil, newErr(400, "UNABLE_TO_LOCK_ROW",
			"unable to obtain exclusive access to this record or 1 records: "+id))
		return true
	case FaultDrop:
		o.incr("fault.drop")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			serve.ServeHTTP(discardWriter{h: http.Header{}}, r)
		}
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				_ = c.Close()
				return true
			}
		}
		panic(http.ErrAbortHandler) // closes the connection without a response
	}
	return false
}

// discardWriter swallows a response (used to process a write whose answer is dropped).
type discardWriter struct{ h http.Header }

func (d discardWriter) Header() http.Header         { return d.h }
func (d discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d discardWriter) WriteHeader(int)             {}

// statusWriter records the status code and passes Hijack through.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if hj, ok := s.ResponseWriter.(http.Hijacker); ok {
		return hj.Hijack()
	}
	return nil, nil, errors.New("emulator: hijack not supported")
}

func (s *statusWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
