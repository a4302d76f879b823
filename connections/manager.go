package connections

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sfmcp/sfmcp/config"
	"github.com/sfmcp/sfmcp/salesforce"
)

// Manager is the Resolver: it builds Connections from the config and the secret store, and
// keeps the live ones (client + in-memory access token) per (connection, principal).
// It is safe for concurrent use.
type Manager struct {
	cfg        *config.Config
	store      Store
	hc         *http.Client
	log        *slog.Logger
	now        func() time.Time
	connectURL func(principal, connection string) string
	clientOpts []salesforce.Option

	mu       sync.Mutex
	cache    map[Key]*Connection
	building map[Key]*sync.Mutex
	budgets  map[string]*budget // per connection name: the org's API usage
}

// Option configures a Manager.
type Option func(*Manager)

// WithHTTPClient sets the HTTP client for token requests and, wrapped with the token, for
// API calls (default http.DefaultClient's transport).
func WithHTTPClient(hc *http.Client) Option { return func(m *Manager) { m.hc = hc } }

// WithLogger sets the logger (default: discard). Tokens are never logged.
func WithLogger(l *slog.Logger) Option { return func(m *Manager) { m.log = l } }

// WithConnectURL sets how to tell a principal where to connect over HTTP; its URL replaces
// the `sfmcp login` advice in NotConnectedError and ReconnectError. "" keeps the CLI advice.
func WithConnectURL(f func(principal, connection string) string) Option {
	return func(m *Manager) { m.connectURL = f }
}

// WithClientOptions adds options to every salesforce.Client the Manager builds.
func WithClientOptions(opts ...salesforce.Option) Option {
	return func(m *Manager) { m.clientOpts = append(m.clientOpts, opts...) }
}

// NewManager returns a Manager for the connections in cfg, with secrets in st.
func NewManager(cfg *config.Config, st Store, opts ...Option) *Manager {
	m := &Manager{
		cfg: cfg, store: st, hc: http.DefaultClient, log: slog.New(slog.DiscardHandler), now: time.Now,
		cache: map[Key]*Connection{}, building: map[Key]*sync.Mutex{}, budgets: map[string]*budget{},
	}
	for _, o := range opts {
		o(m)
	}
	return m
}

// Lookup returns the configured connection called name; "" means the first one.
func (m *Manager) Lookup(name string) (config.Connection, error) {
	if c, ok := m.cfg.Connection(name); ok {
		return c, nil
	}
	return config.Connection{}, &UnknownConnectionError{Name: name, Known: names(m.cfg)}
}

// Allowed reports whether principal may use the shared connection c: its allow list names
// the principal, a group the principal is in ("group:NAME"), or "*".
func (m *Manager) Allowed(c config.Connection, principal string) bool {
	if principal == "" {
		return false
	}
	for _, a := range c.Allow {
		if group, ok := strings.CutPrefix(a, "group:"); ok {
			if slices.Contains(m.cfg.Groups[group], principal) {
				return true
			}
			continue
		}
		if a == "*" || a == principal {
			return true
		}
	}
	return false
}

// secretKey is where a connection's login for principal is stored, and the cache key.
func secretKey(c config.Connection, principal string) Key {
	if c.Mode == config.ModeShared {
		return Key{Connection: c.Name, Principal: SharedPrincipal}
	}
	return Key{Connection: c.Name, Principal: principal}
}

// Resolve implements Resolver: the connection named connection ("" = the first) for
// principal. Per-user connections use the principal's own login (*NotConnectedError if
// there is none); shared ones check the allow list (*NotAllowedError) and use the one
// service identity. Unknown names give *UnknownConnectionError.
func (m *Manager) Resolve(ctx context.Context, principal, connection string) (*Connection, error) {
	c, err := m.Lookup(connection)
	if err != nil {
		return nil, err
	}
	if principal == "" {
		return nil, errors.New("connections: Resolve needs the caller's principal")
	}
	if c.Mode == config.ModeShared && !m.Allowed(c, principal) {
		return nil, &NotAllowedError{Connection: c.Name, Principal: principal}
	}
	key := secretKey(c, principal)
	m.mu.Lock()
	if conn := m.cache[key]; conn != nil {
		m.mu.Unlock()
		return conn, nil
	}
	lock := m.building[key]
	if lock == nil {
		lock = &sync.Mutex{}
		m.building[key] = lock
	}
	m.mu.Unlock()

	lock.Lock() // one build per key at a time
	defer lock.Unlock()
	m.mu.Lock()
	conn := m.cache[key]
	m.mu.Unlock()
	if conn != nil {
		return conn, nil
	}
	conn, err = m.build(ctx, c, key, principal)
	if err != nil {
		return nil, m.withConnectURL(err, principal, c.Name)
	}
	m.mu.Lock()
	m.cache[key] = conn
	m.mu.Unlock()
	return conn, nil
}

// Forget drops the live connection of (connection, principal) from memory, e.g. after a
// login or logout, so the next Resolve reads the store again.
func (m *Manager) Forget(connection, principal string) {
	key := Key{Connection: connection, Principal: principal}
	if c, ok := m.cfg.Connection(connection); ok && connection != "" {
		key = secretKey(c, principal)
	}
	m.mu.Lock()
	conn := m.cache[key]
	delete(m.cache, key)
	m.mu.Unlock()
	if conn != nil {
		conn.ts.drop()
	}
}

func (m *Manager) forgetIf(key Key, conn *Connection) {
	m.mu.Lock()
	if m.cache[key] == conn {
		delete(m.cache, key)
	}
	m.mu.Unlock()
}

func (m *Manager) withConnectURL(err error, principal, connection string) error {
	if m.connectURL == nil {
		return err
	}
	var nc *NotConnectedError
	if errors.As(err, &nc) && !nc.Shared {
		nc.ConnectURL = m.connectURL(principal, connection)
	}
	var rc *ReconnectError
	if errors.As(err, &rc) && !rc.Shared {
		rc.ConnectURL = m.connectURL(principal, connection)
	}
	return err
}

func (m *Manager) budgetFor(name string) *budget {
	m.mu.Lock()
	defer m.mu.Unlock()
	b := m.budgets[name]
	if b == nil {
		b = &budget{}
		m.budgets[name] = b
	}
	return b
}

// build makes a new Connection: from the stored login (authorization_code), or with a
// first token from the client credentials or JWT bearer grant.
func (m *Manager) build(ctx context.Context, c config.Connection, key Key, principal string) (*Connection, error) {
	f, err := newFlow(c, m.hc, m.now)
	if err != nil {
		return nil, err
	}
	conn := &Connection{Name: c.Name, Mode: c.Mode, budget: m.budgetFor(c.Name), reserve: c.APIReserve}
	shared := c.Mode == config.ModeShared
	switch c.Flow {
	case config.FlowClientCredentials, config.FlowJWTBearer:
		grant := f.clientCredentials
		if c.Flow == config.FlowJWTBearer {
			grant = f.jwtBearer
		}
		t, err := grant(ctx)
		if err != nil {
			return nil, err
		}
		if conn.InstanceURL, err = instanceFor(c, f, t.InstanceURL); err != nil {
			return nil, err
		}
		if conn.Identity, err = f.identity(ctx, t, conn.InstanceURL); err != nil {
			return nil, err
		}
		conn.ts = newTokenSource(t.AccessToken, func(ctx context.Context) (string, error) {
			t, err := grant(ctx)
			return t.AccessToken, err
		})
	default: // authorization_code: the stored refresh token
		sec, err := m.store.Get(ctx, key)
		if errors.Is(err, ErrNotFound) {
			return nil, &NotConnectedError{Connection: c.Name, Principal: principal, Shared: shared}
		}
		if err != nil {
			return nil, fmt.Errorf("connection %s: %w", c.Name, err)
		}
		if conn.InstanceURL, err = instanceFor(c, f, sec.InstanceURL); err != nil {
			return nil, err
		}
		conn.Identity = Identity{OrgID: sec.OrgID, UserID: sec.UserID, Username: sec.Username}
		r := &refresher{m: m, f: f, key: key, principal: principal, shared: shared, userID: sec.UserID, conn: conn}
		conn.ts = newTokenSource("", r.fetch)
	}
	base := m.hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	hc := &http.Client{Transport: &transport{ts: conn.ts, base: base}}
	opts := []salesforce.Option{
		salesforce.WithAPIVersion(orDefault(c.APIVersion, config.DefaultAPIVersion)),
		salesforce.WithRefresh(conn.ts.refreshHook),
		salesforce.WithUsageObserver(conn.budget.observe),
		salesforce.WithLogger(m.log.With("connection", c.Name)),
	}
	conn.Client, err = salesforce.New(conn.InstanceURL, hc, append(opts, m.clientOpts...)...)
	if err != nil {
		return nil, fmt.Errorf("connection %s: %w", c.Name, err)
	}
	return conn, nil
}

// instanceFor picks the API base: the configured instance_url, else the one Salesforce
// gave with the token.
func instanceFor(c config.Connection, f *flow, fromToken string) (string, error) {
	if f.conn.InstanceURL != "" {
		return f.conn.InstanceURL, nil
	}
	if fromToken == "" {
		return "", fmt.Errorf("connection %s: Salesforce sent no instance_url; set instance_url in the config", c.Name)
	}
	return baseURL("connection "+c.Name+": instance_url from Salesforce", fromToken)
}

// refresher fetches access tokens with the stored refresh token, saving rotated ones.
type refresher struct {
	m         *Manager
	f         *flow
	key       Key
	principal string
	shared    bool
	userID    string      // the Salesforce user the Connection was built for
	conn      *Connection // to drop from the cache if the stored login changed user
	unsaved   *Secret     // a rotated secret the store refused; used until it is saved
}

// fetch runs under the token source's single flight, so it is never concurrent with itself.
func (r *refresher) fetch(ctx context.Context) (string, error) {
	sec, err := r.load(ctx)
	if err != nil {
		return "", err
	}
	t, err := r.f.refresh(ctx, sec.RefreshToken, r.shared)
	if errors.Is(err, ErrReconnect) && r.unsaved == nil {
		// Another process may have rotated the token or logged in again meanwhile.
		if again, lerr := r.load(ctx); lerr == nil && again.RefreshToken != sec.RefreshToken {
			sec = again
			t, err = r.f.refresh(ctx, sec.RefreshToken, r.shared)
		}
	}
	if err != nil {
		var rc *ReconnectError
		if errors.As(err, &rc) {
			r.m.log.Warn("Salesforce refused the saved login", "connection", r.key.Connection, "principal", r.principal, "reason", rc.Reason)
		}
		return "", r.m.withConnectURL(err, r.principal, r.key.Connection)
	}
	r.m.log.Debug("Salesforce access token refreshed", "connection", r.key.Connection, "principal", r.principal, "rotated", t.RefreshToken != "")
	if t.RefreshToken != "" { // rotation: save the new refresh token before using the access token
		sec.RefreshToken, sec.IssuedAt = t.RefreshToken, t.IssuedAt
		if err := r.m.store.Put(ctx, r.key, sec); err != nil {
			r.unsaved = &sec
			return "", fmt.Errorf("connection %s: Salesforce issued a new refresh token but saving it failed: %w", r.key.Connection, err)
		}
		r.unsaved = nil
	}
	return t.AccessToken, nil
}

func (r *refresher) load(ctx context.Context) (Secret, error) {
	if r.unsaved != nil { // try to save it again; use it either way
		sec := *r.unsaved
		if err := r.m.store.Put(ctx, r.key, sec); err == nil {
			r.unsaved = nil
		}
		return sec, nil
	}
	sec, err := r.m.store.Get(ctx, r.key)
	if errors.Is(err, ErrNotFound) {
		r.m.forgetIf(r.key, r.conn)
		return Secret{}, r.m.withConnectURL(&NotConnectedError{Connection: r.key.Connection, Principal: r.principal, Shared: r.shared}, r.principal, r.key.Connection)
	}
	if err != nil {
		return Secret{}, fmt.Errorf("connection %s: %w", r.key.Connection, err)
	}
	if sec.UserID != r.userID {
		r.m.forgetIf(r.key, r.conn)
		return Secret{}, fmt.Errorf("connection %s: the saved login changed to Salesforce user %s; call again", r.key.Connection, sec.Username)
	}
	return sec, nil
}
