// Package emulator is an in-memory Salesforce org that speaks the real wire format
// (shared/salesforce/WIRE.md): OAuth, a REST subset, a SOQL/SOSL engine, users with
// object permissions, field-level security and sharing, fault injection and seed data.
// It is used by tests, benchmarks and `sfmcp demo`.
package emulator

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Options configure a new Org. The zero value is a small demo org.
type Options struct {
	// Records is an approximate size knob: the number of seeded records across all objects.
	// 0 means the demo size (a few hundred records).
	Records int
	// Seed makes the generated data deterministic.
	Seed int64
	// APIDailyLimit is the daily API request budget; default 100000. When it is used up,
	// REST calls answer 403 REQUEST_LIMIT_EXCEEDED.
	APIDailyLimit int
	// SessionIdle is the access-token idle timeout; default 2h.
	SessionIdle time.Duration
	// RefreshRotation turns on refresh-token rotation.
	RefreshRotation bool
	// Now is the clock; default time.Now. Date literals (TODAY, LAST_N_DAYS:n) use it.
	Now func() time.Time
}

// Org is an emulated Salesforce org. All methods are safe for concurrent use.
type Org struct {
	opts  Options
	orgID string // 18-char 00D id

	auth *authState // OAuth state (tokens.go)

	mu      sync.RWMutex // guards users, db, locators
	users   []*User
	usersBy map[string]*User // lower-case username and 18-char id
	db      *store

	stats stats  // request log, counters, API usage
	fault faults // injected faults
}

// New builds an org with seeded users and data.
func New(opts Options) *Org {
	if opts.APIDailyLimit <= 0 {
		opts.APIDailyLimit = 100000
	}
	if opts.SessionIdle <= 0 {
		opts.SessionIdle = 2 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	o := &Org{opts: opts}
	o.orgID = mustTo18("00D5g00000" + "AcMeD")
	o.initUsers()
	o.auth = newAuthState(o)
	o.db = newStore(o)
	o.seed()
	return o
}

// now is the org clock.
func (o *Org) now() time.Time { return o.opts.Now() }

// OrgID returns the 18-character organization id.
func (o *Org) OrgID() string { return o.orgID }

// Handler serves every host: the login host (localhost) and the My Domain host
// (127.0.0.1 or any other name) are told apart by the Host header.
func (o *Org) Handler() http.Handler {
	oauth := o.oauthHandler()
	route := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case strings.HasPrefix(p, "/services/oauth2/"), strings.HasPrefix(p, "/id/"):
			oauth.ServeHTTP(w, r)
		case p == "/services/data" || strings.HasPrefix(p, "/services/data/"):
			o.serveREST(w, r)
		default:
			writeErrors(w, http.StatusNotFound, nil, errNotFound())
		}
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entry := o.stats.begin(r)
		r = r.WithContext(context.WithValue(r.Context(), logKey{}, entry))
		sw := &statusWriter{ResponseWriter: w}
		if !o.applyFaults(sw, r, route) {
			route.ServeHTTP(sw, r)
		}
		o.stats.setStatus(r, sw.status)
	})
}

// isMyDomainHost reports whether the request was sent to the org's My Domain host rather
// than the login host. The login host is "localhost"; every other host name is My Domain.
func (o *Org) isMyDomainHost(r *http.Request) bool {
	return !strings.EqualFold(hostname(r.Host), "localhost")
}

// instanceURL is the My Domain base URL for the server that received r.
func (o *Org) instanceURL(r *http.Request) string {
	return scheme(r) + "://" + withHostname(r.Host, "127.0.0.1")
}

// loginURL is the login-host base URL for the server that received r.
func (o *Org) loginURL(r *http.Request) string {
	return scheme(r) + "://" + withHostname(r.Host, "localhost")
}

func scheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

func hostname(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return hostport
}

func withHostname(hostport, name string) string {
	if _, port, err := net.SplitHostPort(hostport); err == nil {
		return net.JoinHostPort(name, port)
	}
	return name
}

// Server is an org listening on a local port.
type Server struct {
	// InstanceURL is the My Domain URL, http://127.0.0.1:PORT.
	InstanceURL string
	// LoginURL is the login host URL, http://localhost:PORT (same listener).
	LoginURL string
	srv      *http.Server
	ln       net.Listener
}

// Start serves o on addr (e.g. "127.0.0.1:0") until Close.
func Start(o *Org, addr string) (*Server, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	s := &Server{
		InstanceURL: "http://" + net.JoinHostPort("127.0.0.1", port),
		LoginURL:    "http://" + net.JoinHostPort("localhost", port),
		srv:         &http.Server{Handler: o.Handler(), ReadHeaderTimeout: 10 * time.Second},
		ln:          ln,
	}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Close stops the server and closes open connections.
func (s *Server) Close() error { return s.srv.Close() }
