package connections

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/sfmcp/sfmcp/config"
	"github.com/sfmcp/sfmcp/salesforce/emulator"
)

func TestResolveNames(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	prod, sandbox := e.conn("prod", config.ModePerUser), e.conn("sandbox", config.ModePerUser)
	e.login(sandbox, "alice", "alice@acme.demo")
	m := e.manager(prod, sandbox)

	_, err := m.Resolve(as("alice"), "alice", "staging")
	var uc *UnknownConnectionError
	if !errors.As(err, &uc) || e.out(err) == "" || err.Error() != `unknown connection "staging"; connections are: prod, sandbox` {
		t.Fatalf("unknown: %v", err)
	}
	// "" is the first connection, where alice has not logged in.
	_, err = m.Resolve(as("alice"), "alice", "")
	var nc *NotConnectedError
	if !errors.As(err, &nc) || nc.Connection != "prod" {
		t.Fatalf("empty name: %v", err)
	}
	if want := "alice has not connected Salesforce connection prod yet; run `sfmcp login --connection prod`, then call again"; err.Error() != want {
		t.Fatalf("message %q", e.out(err))
	}
	conn, err := m.Resolve(as("alice"), "alice", "sandbox")
	if err != nil || conn.Name != "sandbox" {
		t.Fatalf("sandbox: %v %v", conn, err)
	}
	// Cached: the same live connection every time.
	again, _ := m.Resolve(as("alice"), "alice", "sandbox")
	if again != conn {
		t.Fatal("connection not cached")
	}
	// A connect URL (HTTP transport) replaces the CLI advice.
	m.connectURL = func(p, c string) string { return "https://sfmcp.example/connect/" + c }
	_, err = m.Resolve(as("bob"), "bob", "prod")
	if !errors.As(err, &nc) || !strings.Contains(e.out(err), "connect at https://sfmcp.example/connect/prod") {
		t.Fatalf("connect URL: %v", err)
	}
	_, err = NewManager(&config.Config{}, e.store).Resolve(as("a"), "a", "")
	if !errors.As(err, &uc) || !strings.Contains(err.Error(), "no connections are configured") {
		t.Fatalf("no connections: %v", err)
	}
}

func TestSharedAllow(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	c := e.conn("svc", config.ModeShared)
	c.Allow = []string{"dave", "group:sales"}
	m := e.manager(c)
	// Allowed, but nobody ran `sfmcp login --shared` yet.
	_, err := m.Resolve(as("dave"), "dave", "svc")
	var nc *NotConnectedError
	if !errors.As(err, &nc) || !nc.Shared || !strings.Contains(e.out(err), "an admin must run `sfmcp login --connection svc --shared`") {
		t.Fatalf("shared, no login: %v", err)
	}
	for p, ok := range map[string]bool{"dave": true, "carol": true, "eve": false, "": false, "group:sales": false} {
		if got := m.Allowed(c, p); got != ok {
			t.Errorf("Allowed(%q) = %v", p, got)
		}
	}
	c.Allow = []string{"*"}
	if !m.Allowed(c, "anyone") {
		t.Error(`"*" does not allow everyone`)
	}
}

// TestTwoPrincipals: alice and bob, per-user logins on one connection, see different
// Opportunities (private sharing) for the same query, and no call of one ever carries the
// other's token (checked against the emulator's request log).
func TestTwoPrincipals(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	c := e.conn("prod", config.ModePerUser)
	e.login(c, "alice", "alice@acme.demo")
	e.login(c, "bob", "bob@acme.demo")
	m := e.manager(c)
	e.org.ResetRequests()

	const soql = "SELECT Id, OwnerId FROM Opportunity"
	users := map[string]emulator.User{"alice": e.user("alice@acme.demo"), "bob": e.user("bob@acme.demo")}
	rows := map[string]map[string]bool{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for p := range users {
		for range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				conn, err := m.Resolve(as(p), p, "prod")
				if err != nil {
					t.Error(e.out(err))
					return
				}
				res, err := e.query(conn, p, soql)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				if rows[p] == nil {
					rows[p] = map[string]bool{}
				}
				for _, r := range res.Records {
					if owner := r.Get("OwnerId").String(); owner != users[p].ID {
						t.Errorf("%s sees an Opportunity owned by %s", p, owner)
					}
					rows[p][r.Get("Id").String()] = true
				}
			}()
		}
	}
	wg.Wait()
	if len(rows["alice"]) == 0 || len(rows["bob"]) == 0 {
		t.Fatalf("rows: alice %d, bob %d", len(rows["alice"]), len(rows["bob"]))
	}
	for id := range rows["alice"] {
		if rows["bob"][id] {
			t.Fatalf("alice and bob both see %s", id)
		}
	}
	// Tokens sent per principal (seen on the wire) are disjoint, and the emulator ran every
	// request with such a token as that principal's user.
	e.mu.Lock()
	tokenOf := map[string]string{} // token hash -> principal
	for p, toks := range e.sentBy {
		for _, tok := range toks {
			h := emulator.TokenHash(tok)
			if q, ok := tokenOf[h]; ok && q != p {
				t.Errorf("one token was sent for %s and %s", p, q)
			}
			tokenOf[h] = p
		}
	}
	e.mu.Unlock()
	rest := 0
	for _, r := range e.org.Requests() {
		if !strings.HasPrefix(r.Path, "/services/data/") {
			continue
		}
		rest++
		p, ok := tokenOf[r.TokenID]
		if !ok {
			t.Fatalf("request %s with a token nobody sent", r.Path)
		}
		if r.UserID != users[p].ID {
			t.Fatalf("a call for %s ran as user %s", p, r.UserID)
		}
	}
	if rest < 20 {
		t.Fatalf("only %d REST requests logged", rest)
	}
}

func TestBudget(t *testing.T) {
	e := newEnv(t, emulator.Options{APIDailyLimit: 1000})
	c := e.conn("prod", config.ModePerUser)
	e.login(c, "alice", "alice@acme.demo")
	m := e.manager(c)
	conn, err := m.Resolve(as("alice"), "alice", "prod")
	if err != nil {
		t.Fatal(err)
	}
	if err := conn.CheckBudget(); err != nil {
		t.Fatalf("no usage seen yet: %v", err)
	}
	e.org.SetAPIUsage(800)
	if _, err := e.query(conn, "alice", soqlAccount); err != nil {
		t.Fatal(err)
	}
	if err := conn.CheckBudget(); err != nil {
		t.Fatalf("801 of 1000 used, 100 reserved: %v", err)
	}
	e.org.SetAPIUsage(899)
	if _, err := e.query(conn, "alice", soqlAccount); err != nil {
		t.Fatal(err)
	}
	err = conn.CheckBudget()
	var be *BudgetError
	if !errors.As(err, &be) || be.Used != 900 || be.Max != 1000 || be.Reserve != 100 {
		t.Fatalf("900 of 1000 used: %v", err)
	}
	msg := e.out(err)
	for _, want := range []string{"used 900 of its 1000 API requests", "keeps 100 in reserve for the org's other integrations", "Ask a Salesforce admin", "or wait"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q: %s", want, msg)
		}
	}
	// The usage is the org's: another principal's connection sees it too.
	e.login(c, "bob", "bob@acme.demo")
	bob, _ := m.Resolve(as("bob"), "bob", "prod")
	if err := bob.CheckBudget(); !errors.As(err, &be) {
		t.Fatalf("bob: %v", err)
	}
	// An absolute reserve.
	c.APIReserve = "50"
	m2 := e.manager(c)
	conn2, _ := m2.Resolve(as("alice"), "alice", "prod")
	if _, err := e.query(conn2, "alice", soqlAccount); err != nil {
		t.Fatal(err)
	}
	if err := conn2.CheckBudget(); err != nil {
		t.Fatalf("901 of 1000 with reserve 50: %v", err)
	}
	e.org.SetAPIUsage(949)
	_, _ = e.query(conn2, "alice", soqlAccount)
	if err := conn2.CheckBudget(); !errors.As(err, &be) || be.Reserve != 50 {
		t.Fatalf("950 of 1000 with reserve 50: %v", err)
	}
}
