package connections

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sfmcp/sfmcp/config"
	"github.com/sfmcp/sfmcp/salesforce/emulator"
)

func TestLogout(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	c := e.conn("prod", config.ModePerUser)
	e.login(c, "alice", "alice@acme.demo")
	rt := e.stored("alice").RefreshToken
	m := e.manager(c)
	conn, err := m.Resolve(as("alice"), "alice", "prod")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.query(conn, "alice", soqlAccount); err != nil {
		t.Fatal(err)
	}
	if err := m.Logout(context.Background(), "prod", "alice"); err != nil {
		t.Fatal(e.out(err))
	}
	if n := e.org.Count("token.revoke"); n != 1 {
		t.Fatalf("revokes = %d", n)
	}
	if _, err := e.store.Get(context.Background(), Key{Connection: "prod", Principal: "alice"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("still stored: %v", err)
	}
	// Revoked at Salesforce: the refresh token and the access tokens from it are dead.
	f, _ := newFlow(c, e.hc, time.Now)
	if _, err := f.refresh(context.Background(), rt, false); !errors.Is(err, ErrReconnect) {
		t.Fatalf("refresh after logout: %v", e.out(err))
	}
	// The live connection is gone: the next Resolve says "not connected".
	_, err = m.Resolve(as("alice"), "alice", "prod")
	var nc *NotConnectedError
	if !errors.As(err, &nc) {
		t.Fatalf("resolve after logout: %v", err)
	}
	// And the old Connection value (held by someone) cannot call any more.
	if _, err := e.query(conn, "alice", soqlAccount); !errors.As(err, &nc) {
		t.Fatalf("old connection after logout: %v", err)
	}
	if err := m.Logout(context.Background(), "prod", "alice"); !errors.Is(err, ErrNotFound) || !strings.Contains(e.out(err), "alice is not logged in to connection prod") {
		t.Fatalf("second logout: %v", err)
	}
	// A token Salesforce already revoked: deleted locally, no error.
	e.login(c, "bob", "bob@acme.demo")
	e.org.RevokeAll("bob@acme.demo")
	if err := m.Logout(context.Background(), "prod", "bob"); err != nil {
		t.Fatalf("logout of a revoked token: %v", e.out(err))
	}
	// client_credentials has nothing to log out of.
	if err := e.manager(e.ccConn()).Logout(context.Background(), "svc", "x"); err == nil || !strings.Contains(err.Error(), "no stored login") {
		t.Fatalf("cc logout: %v", err)
	}
}

func TestStatusAndCheck(t *testing.T) {
	e := newEnv(t, emulator.Options{APIDailyLimit: 5000})
	prod := e.conn("prod", config.ModePerUser)
	svc := e.ccConn()
	svc.Allow = []string{"group:sales"}
	e.login(prod, "alice", "alice@acme.demo")
	m := e.manager(prod, svc)

	st := m.Status(context.Background(), "alice")
	e.out(st)
	if len(st) != 2 {
		t.Fatalf("status: %+v", st)
	}
	p := st[0]
	if !p.Connected || p.Identity.Username != "alice@acme.demo" || p.InstanceURL != e.srv.InstanceURL || !p.UsageKnown ||
		p.Usage.Max != 5000 || p.Usage.Used < 1 || p.Reserve != 500 || p.Problem != "" || p.Mode != config.ModePerUser {
		t.Fatalf("prod status: %+v", p)
	}
	if s := st[1]; s.Connected || !strings.Contains(s.Problem, "alice may not use the shared connection svc") {
		t.Fatalf("svc status: %+v", s)
	}
	// Bob has not logged in.
	st = m.Status(context.Background(), "bob")
	e.out(st)
	if st[0].Connected || !strings.Contains(st[0].Problem, "run `sfmcp login --connection prod`") {
		t.Fatalf("bob: %+v", st[0])
	}
	// carol is in group sales: the shared client-credentials connection works for her.
	st = m.Status(context.Background(), "carol")
	e.out(st)
	if !st[1].Connected || st[1].Identity.Username != "integration@acme.demo" {
		t.Fatalf("carol svc: %+v", st[1])
	}

	res := m.Check(context.Background(), "alice")
	e.out(res)
	if !res[0].OK || !strings.Contains(res[0].Detail, "connected as alice@acme.demo") || !strings.Contains(res[0].Detail, "of 5000 today, 500 kept in reserve") {
		t.Fatalf("check prod: %+v", res[0])
	}
	if res[1].OK || !strings.Contains(res[1].Problem, "may not use") {
		t.Fatalf("check svc: %+v", res[1])
	}
	before := e.org.Count("token.refresh_token")
	_ = m.Check(context.Background(), "alice")
	if e.org.Count("token.refresh_token") != before+1 {
		t.Fatal("check did not get a fresh access token")
	}
	// Revoked: Check fails with the fix.
	e.org.RevokeAll("alice@acme.demo")
	res = m.Check(context.Background(), "alice")
	e.out(res)
	if res[0].OK || !strings.Contains(res[0].Problem, "reconnect: run `sfmcp login --connection prod`") {
		t.Fatalf("check after revoke: %+v", res[0])
	}
	// Over budget: Check fails and says why.
	e.login(prod, "alice", "alice@acme.demo")
	e.org.SetAPIUsage(4900)
	res = m.Check(context.Background(), "alice")
	e.out(res)
	if res[0].OK || !strings.Contains(res[0].Problem, "keeps 500 in reserve") {
		t.Fatalf("check over budget: %+v", res[0])
	}
}

// TestNoSecretsInOutput exercises failure paths and checks, besides the per-test check
// every env does, that output was really collected and that it holds none of the tokens.
func TestNoSecretsInOutput(t *testing.T) {
	e := newEnv(t, emulator.Options{RefreshRotation: true})
	c := e.conn("prod", config.ModePerUser)
	e.login(c, "alice", "alice@acme.demo")
	m := e.manager(c)
	conn, _ := m.Resolve(as("alice"), "alice", "prod")
	_, _ = e.query(conn, "alice", soqlAccount)
	_, _ = e.query(conn, "alice", "SELECT NoSuchField FROM Account")
	e.clock.Advance(3 * time.Hour)
	_, _ = e.query(conn, "alice", soqlAccount)
	e.org.RevokeAll("alice@acme.demo")
	e.clock.Advance(3 * time.Hour)
	_, _ = e.query(conn, "alice", soqlAccount)
	e.out(m.Status(context.Background(), "alice"))
	e.out(m.Check(context.Background(), "alice"))
	e.out(m.Logout(context.Background(), "prod", "alice"))
	sec, _ := e.store.Get(context.Background(), Key{Connection: "prod", Principal: "alice"})
	e.out(sec)

	e.mu.Lock()
	nSecrets, all := len(e.secrets), strings.Join(e.outputs, "\n")
	e.mu.Unlock()
	for _, want := range []string{"Log in to Salesforce", "No such column", "reconnect: run", "Identity:{OrgID:", "refresh_token:none"} {
		if !strings.Contains(all, want) {
			t.Errorf("collected output lacks %q: the leak check would prove little", want)
		}
	}
	if nSecrets < 5 || !strings.Contains(e.logs.String(), "salesforce") {
		t.Fatalf("collected %d secrets and %d bytes of logs", nSecrets, len(e.logs.String()))
	}
	// Self-test of the checker: a leaked token is caught.
	e2 := &env{logs: &syncBuffer{}, secrets: []string{"00Dxx!AQsecretsecretsecretsecret"}, outputs: []string{"err: AQsecretsecretsecretsecret"}}
	if len(e2.leaks()) == 0 {
		t.Fatal("the leak checker does not catch a leaked token")
	}
}
