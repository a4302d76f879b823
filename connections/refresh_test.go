package connections

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sfmcp/sfmcp/config"
	"github.com/sfmcp/sfmcp/salesforce"
	"github.com/sfmcp/sfmcp/salesforce/emulator"
)

const soqlAccount = "SELECT Id FROM Account LIMIT 1"

func (e *env) query(conn *Connection, principal, soql string) (*salesforce.QueryResult, error) {
	res, err := conn.Client.Query(as(principal), soql, salesforce.QueryOptions{})
	e.out(err)
	return res, err
}

func (e *env) stored(principal string) Secret {
	e.t.Helper()
	sec, err := e.store.Get(context.Background(), Key{Connection: "prod", Principal: principal})
	if err != nil {
		e.t.Fatal(err)
	}
	return sec
}

// TestRefreshRotation: with rotation on, every refresh stores the new refresh token and the
// old one is dead; session expiry mid-use refreshes once and the call succeeds.
func TestRefreshRotation(t *testing.T) {
	for _, rotation := range []bool{true, false} {
		t.Run(fmt.Sprint("rotation=", rotation), func(t *testing.T) {
			e := newEnv(t, emulator.Options{RefreshRotation: rotation, SessionIdle: time.Hour})
			c := e.conn("prod", config.ModePerUser)
			e.login(c, "alice", "alice@acme.demo")
			rt1 := e.stored("alice").RefreshToken
			m := e.manager(c)
			conn, err := m.Resolve(as("alice"), "alice", "prod")
			if err != nil {
				t.Fatal(e.out(err))
			}
			if _, err := e.query(conn, "alice", soqlAccount); err != nil {
				t.Fatal(err)
			}
			if n := e.org.Count("token.refresh_token"); n != 1 {
				t.Fatalf("refreshes after first call = %d, want 1 (no access token is stored)", n)
			}
			rt2 := e.stored("alice").RefreshToken
			if rotation == (rt2 == rt1) {
				t.Fatalf("rotation=%v but stored refresh token changed=%v", rotation, rt2 != rt1)
			}
			// The session ends (idle timeout) between two calls: one refresh, the call succeeds.
			if _, err := e.query(conn, "alice", soqlAccount); err != nil {
				t.Fatal(err)
			}
			e.clock.Advance(2 * time.Hour)
			if _, err := e.query(conn, "alice", soqlAccount); err != nil {
				t.Fatalf("call after session expiry: %v", err)
			}
			if n := e.org.Count("token.refresh_token"); n != 2 {
				t.Fatalf("refreshes = %d, want 2", n)
			}
			rt3 := e.stored("alice").RefreshToken
			if rotation == (rt3 == rt2) {
				t.Fatalf("rotation=%v: second refresh changed the stored token=%v", rotation, rt3 != rt2)
			}
			// With rotation the old refresh tokens are dead at Salesforce; without, it still works.
			f, _ := newFlow(c, e.hc, time.Now)
			_, err = f.refresh(context.Background(), rt1, false)
			e.out(err)
			if rotation != errors.Is(err, ErrReconnect) {
				t.Fatalf("old refresh token after rotation=%v: %v", rotation, err)
			}
		})
	}
}

// TestRefreshRevoked: a revoked refresh token becomes ErrReconnect with the login command.
func TestRefreshRevoked(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	c := e.conn("prod", config.ModePerUser)
	e.login(c, "alice", "alice@acme.demo")
	m := e.manager(c)
	conn, err := m.Resolve(as("alice"), "alice", "prod")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.query(conn, "alice", soqlAccount); err != nil {
		t.Fatal(err)
	}
	e.org.RevokeAll("alice@acme.demo")
	for range 2 {
		_, err = e.query(conn, "alice", soqlAccount)
		var rc *ReconnectError
		if !errors.Is(err, ErrReconnect) || !errors.As(err, &rc) {
			t.Fatalf("after revoke: %v", err)
		}
		if !strings.Contains(rc.Error(), "reconnect: run `sfmcp login --connection prod`") || rc.Reason != "expired access/refresh token" {
			t.Fatalf("message: %s", rc.Error())
		}
		if msg, ok := Explain(err); !ok || msg != rc.Error() {
			t.Fatalf("Explain = %q, %v", msg, ok)
		}
	}
	// Logging in again fixes it without restarting: the token source reads the store again.
	e.login(c, "alice", "alice@acme.demo")
	if _, err := e.query(conn, "alice", soqlAccount); err != nil {
		t.Fatalf("after a new login: %v", err)
	}
	// With a connect URL (HTTP transport) the advice is the link.
	m2 := e.manager(c)
	m2.connectURL = func(p, c string) string { return "https://sfmcp.example/connect?c=" + c }
	conn2, err := m2.Resolve(as("alice"), "alice", "prod")
	if err != nil {
		t.Fatal(err)
	}
	e.org.RevokeAll("alice@acme.demo")
	_, err = e.query(conn2, "alice", soqlAccount)
	if !errors.Is(err, ErrReconnect) || !strings.Contains(err.Error(), "reconnect at https://sfmcp.example/connect?c=prod") {
		t.Fatalf("with connect URL: %v", err)
	}
}

// TestConcurrentExpiry: 100 concurrent calls on a connection whose access token just
// expired cause exactly one refresh, and all succeed.
func TestConcurrentExpiry(t *testing.T) {
	for _, rotation := range []bool{false, true} {
		t.Run(fmt.Sprint("rotation=", rotation), func(t *testing.T) {
			e := newEnv(t, emulator.Options{RefreshRotation: rotation, SessionIdle: time.Hour})
			c := e.conn("prod", config.ModePerUser)
			e.login(c, "alice", "alice@acme.demo")
			m := e.manager(c)
			conn, err := m.Resolve(as("alice"), "alice", "prod")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.query(conn, "alice", soqlAccount); err != nil {
				t.Fatal(err)
			}
			before := e.org.Count("token.refresh_token")
			e.clock.Advance(2 * time.Hour) // the access token is now expired at Salesforce
			var wg sync.WaitGroup
			errs := make(chan error, 100)
			for range 100 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := e.query(conn, "alice", soqlAccount)
					errs <- err
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			if n := e.org.Count("token.refresh_token") - before; n != 1 {
				t.Fatalf("refreshes for 100 concurrent calls = %d, want 1", n)
			}
		})
	}
}

// failingStore refuses Puts while fail is set and records the order of events.
type failingStore struct {
	Store
	e    *env
	mu   sync.Mutex
	fail bool
}

func (s *failingStore) Put(ctx context.Context, k Key, sec Secret) error {
	s.mu.Lock()
	fail := s.fail
	s.mu.Unlock()
	if fail {
		return errors.New("disk full")
	}
	s.e.mu.Lock()
	s.e.events = append(s.e.events, "put:"+sec.RefreshToken)
	s.e.mu.Unlock()
	return s.Store.Put(ctx, k, sec)
}

// TestRotatedTokenSavedBeforeUse: the rotated refresh token is stored before the new access
// token is sent, and if it cannot be stored the access token is not used.
func TestRotatedTokenSavedBeforeUse(t *testing.T) {
	e := newEnv(t, emulator.Options{RefreshRotation: true})
	c := e.conn("prod", config.ModePerUser)
	e.login(c, "alice", "alice@acme.demo")
	fs := &failingStore{Store: e.store, e: e}
	e.store = fs
	m := e.manager(c)
	conn, err := m.Resolve(as("alice"), "alice", "prod")
	if err != nil {
		t.Fatal(err)
	}
	fs.fail = true
	_, err = e.query(conn, "alice", soqlAccount)
	if err == nil || !strings.Contains(err.Error(), "saving it failed") || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("with a failing store: %v", err)
	}
	e.mu.Lock()
	apiCalls := len(e.events)
	e.mu.Unlock()
	if apiCalls != 0 {
		t.Fatalf("the access token was used although its refresh token was not saved: %v", apiCalls)
	}
	fs.mu.Lock()
	fs.fail = false
	fs.mu.Unlock()
	// The rotated token kept in memory is saved now and used (the old one is dead).
	if _, err := e.query(conn, "alice", soqlAccount); err != nil {
		t.Fatal(err)
	}
	e.mu.Lock()
	events := slices.Clone(e.events)
	e.mu.Unlock()
	firstPut, firstAPI, lastPut := -1, -1, ""
	for i, ev := range events {
		if strings.HasPrefix(ev, "put:") {
			if firstPut < 0 {
				firstPut = i
			}
			if firstAPI < 0 {
				lastPut = strings.TrimPrefix(ev, "put:")
			}
		}
		if strings.HasPrefix(ev, "api:") && firstAPI < 0 {
			firstAPI = i
		}
	}
	if firstPut < 0 || firstAPI < 0 || firstPut > firstAPI {
		t.Fatalf("events %d put at %d, first API call at %d: the refresh token must be saved first", len(events), firstPut, firstAPI)
	}
	if e.stored("alice").RefreshToken != lastPut {
		t.Fatal("the stored refresh token is not the last one saved before the call")
	}
}

// TestLoginChangedUser: when the principal logs in again as another Salesforce user, the
// live connection is dropped and the next Resolve acts as the new user.
func TestLoginChangedUser(t *testing.T) {
	e := newEnv(t, emulator.Options{SessionIdle: time.Hour})
	c := e.conn("prod", config.ModePerUser)
	e.login(c, "alice", "alice@acme.demo")
	m := e.manager(c)
	conn, err := m.Resolve(as("alice"), "alice", "prod")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.query(conn, "alice", soqlAccount); err != nil {
		t.Fatal(err)
	}
	e.login(c, "alice", "admin@acme.demo")
	e.clock.Advance(2 * time.Hour)
	_, err = e.query(conn, "alice", soqlAccount)
	if err == nil || !strings.Contains(err.Error(), "the saved login changed to Salesforce user admin@acme.demo; call again") {
		t.Fatalf("old connection: %v", err)
	}
	conn2, err := m.Resolve(as("alice"), "alice", "prod")
	if err != nil || conn2 == conn || conn2.Identity.Username != "admin@acme.demo" {
		t.Fatalf("new connection: %+v %v", conn2, err)
	}
	if _, err := e.query(conn2, "alice", soqlAccount); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(e.logs.String(), "Salesforce access token refreshed") {
		t.Fatal("refreshes are not logged")
	}
}
