package connections

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/sfmcp/sfmcp/config"
	"github.com/sfmcp/sfmcp/salesforce"
	"github.com/sfmcp/sfmcp/salesforce/emulator"
)

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// TestLoginEndToEnd drives the emulator's authorize page with an http.Client (cookie jar)
// instead of a browser, then uses the stored login.
func TestLoginEndToEnd(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	c := e.conn("prod", config.ModePerUser)
	id := e.login(c, "alice", "alice@acme.demo")
	alice := e.user("alice@acme.demo")
	if id.UserID != alice.ID || id.Username != "alice@acme.demo" || id.OrgID != e.org.OrgID() {
		t.Fatalf("identity = %+v, want alice %s in %s", id, alice.ID, e.org.OrgID())
	}
	sec, err := e.store.Get(context.Background(), Key{Connection: "prod", Principal: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sec.RefreshToken, "5Aep861") || sec.UserID != alice.ID || sec.Username != "alice@acme.demo" ||
		sec.InstanceURL != e.srv.InstanceURL || sec.OrgID != e.org.OrgID() || sec.IssuedAt.IsZero() {
		t.Fatalf("stored secret = %v", sec)
	}
	if n := e.org.Count("token.authorization_code"); n != 1 {
		t.Fatalf("code exchanges = %d", n)
	}

	m := e.manager(c)
	conn, err := m.Resolve(as("alice"), "alice", "prod")
	if err != nil {
		t.Fatal(e.out(err))
	}
	if conn.Identity != id || conn.InstanceURL != e.srv.InstanceURL || conn.Mode != config.ModePerUser {
		t.Fatalf("connection = %+v", conn)
	}
	res, err := conn.Client.Query(as("alice"), "SELECT Id, Name FROM Account LIMIT 1", salesforce.QueryOptions{})
	if err != nil || len(res.Records) != 1 {
		t.Fatalf("query as alice: %v %v", res, e.out(err))
	}
	for _, r := range e.org.Requests() {
		if strings.HasPrefix(r.Path, "/services/data/") && r.UserID != alice.ID {
			t.Fatalf("REST call %s ran as %s, want alice", r.Path, r.UserID)
		}
	}
}

func TestLoginNoBrowser(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	c := e.conn("prod", config.ModePerUser)
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, err := Login(context.Background(), c, LoginOptions{Principal: "bob", NoBrowser: true, Out: pw, Store: e.store,
			HTTPClient: e.hc, Listener: listen(t), Timeout: time.Minute,
			OpenBrowser: func(string) error { t.Error("NoBrowser opened a browser"); return nil }})
		_ = pw.Close()
		done <- err
	}()
	// The user copies the printed URL into a browser.
	buf := make([]byte, 4096)
	n, _ := io.ReadAtLeast(pr, buf, 1)
	printed := string(buf[:n])
	for !strings.Contains(printed, "Waiting") {
		k, err := pr.Read(buf)
		if err != nil {
			t.Fatalf("output: %q", printed)
		}
		printed += string(buf[:k])
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	authURL := regexp.MustCompile(`http://localhost:\d+/services/oauth2/authorize\S+`).FindString(printed)
	u, err := url.Parse(authURL)
	if err != nil || u.Query().Get("code_challenge_method") != "S256" || len(u.Query().Get("code_challenge")) != 43 ||
		u.Query().Get("state") == "" || !strings.HasSuffix(u.Query().Get("redirect_uri"), "/OauthRedirect") ||
		!strings.HasPrefix(u.Query().Get("redirect_uri"), "http://localhost:") || u.Query().Get("scope") != "api refresh_token id" {
		t.Fatalf("printed authorize URL %q", authURL)
	}
	e.out(printed)
	if _, err := e.browse(authURL, "bob@acme.demo", true, true); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(e.out(err))
	}
	if sec, err := e.store.Get(context.Background(), Key{Connection: "prod", Principal: "bob"}); err != nil || sec.Username != "bob@acme.demo" {
		t.Fatalf("stored: %v %v", sec, err)
	}
}

// loginWith runs Login with a browser function; it returns Login's error.
func (e *env) loginWith(c config.Connection, opts LoginOptions, browser func(authURL string)) error {
	opts.Store, opts.HTTPClient = e.store, e.hc
	if opts.Listener == nil {
		opts.Listener = listen(e.t)
	}
	if opts.Timeout == 0 {
		opts.Timeout = time.Minute
	}
	opts.OpenBrowser = func(u string) error { browser(u); return nil }
	_, err := Login(context.Background(), c, opts)
	e.out(err)
	return err
}

func TestLoginDeniedAndStateMismatch(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	c := e.conn("prod", config.ModePerUser)
	err := e.loginWith(c, LoginOptions{Principal: "alice"}, func(u string) {
		p, _ := e.browse(u, "alice@acme.demo", false, true)
		if !strings.Contains(p, "denied") {
			t.Errorf("deny page: %s", p)
		}
	})
	if err == nil || !strings.Contains(err.Error(), "denied") {
		t.Fatalf("deny: %v", err)
	}
	// A redirect with the wrong state is refused and the login keeps waiting for the real one.
	err = e.loginWith(c, LoginOptions{Principal: "alice"}, func(u string) {
		au, _ := url.Parse(u)
		cb, _ := url.Parse(au.Query().Get("redirect_uri"))
		resp, err := http.Get(cb.String() + "?code=forged&state=wrong")
		if err != nil || resp.StatusCode != http.StatusBadRequest {
			t.Errorf("forged callback: %v %v", resp, err)
		}
		if _, err := e.browse(u, "alice@acme.demo", true, true); err != nil {
			t.Error(err)
		}
	})
	if err != nil {
		t.Fatalf("login after a forged callback: %v", err)
	}
	if _, err := e.store.Get(context.Background(), Key{Connection: "prod", Principal: "alice"}); err != nil {
		t.Fatal(err)
	}
}

func TestLoginTimeout(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	err := e.loginWith(e.conn("prod", config.ModePerUser), LoginOptions{Principal: "alice", Timeout: 50 * time.Millisecond}, func(string) {})
	if err == nil || !strings.Contains(err.Error(), "login timed out after 50ms") || !strings.Contains(err.Error(), "sfmcp login --connection prod") {
		t.Fatalf("err = %v", err)
	}
}

func TestLoginTargetChecks(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	per := e.conn("prod", config.ModePerUser)
	shared := e.conn("svc", config.ModeShared)
	cc := shared
	cc.Flow = config.FlowClientCredentials
	cases := []struct {
		c    config.Connection
		opts LoginOptions
		want string
	}{
		{per, LoginOptions{Principal: "a", Shared: true}, "is per_user"},
		{shared, LoginOptions{Principal: "a"}, "sfmcp login --connection svc --shared"},
		{cc, LoginOptions{Shared: true}, "needs no login"},
	}
	for _, tc := range cases {
		err := e.loginWith(tc.c, tc.opts, func(string) { t.Error("browser opened") })
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.c.Name, err, tc.want)
		}
	}
	// A busy callback port is reported with the fix.
	ln := listen(t)
	defer ln.Close()
	per.CallbackPort = ln.Addr().(*net.TCPAddr).Port
	_, err := Login(context.Background(), per, LoginOptions{Principal: "a", Store: e.store})
	if err == nil || !strings.Contains(err.Error(), "callback_port") {
		t.Fatalf("busy port: %v", err)
	}
}

func TestLoginSharedThenResolve(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	c := e.conn("svc", config.ModeShared)
	c.Allow = []string{"group:sales", "dave"}
	e.login(c, SharedPrincipal, "admin@acme.demo")
	m := e.manager(c)
	for _, p := range []string{"carol", "dave"} {
		conn, err := m.Resolve(as(p), p, "svc")
		if err != nil || conn.Identity.Username != "admin@acme.demo" {
			t.Fatalf("%s: %v %v", p, conn, e.out(err))
		}
	}
	_, err := m.Resolve(as("eve"), "eve", "svc")
	var na *NotAllowedError
	if !errors.As(err, &na) || !strings.Contains(e.out(err), "eve may not use the shared connection svc") {
		t.Fatalf("eve: %v", err)
	}
}

// codeFor gets an authorization code from the authorize page without Login.
func (e *env) codeFor(f *flow, redirect, verifier, username string) string {
	e.t.Helper()
	cfg := f.oauthConfig(redirect)
	loc, err := e.browse(cfg.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier)), username, true, false)
	if err != nil {
		e.t.Fatal(err)
	}
	u, _ := url.Parse(loc)
	if u.Query().Get("code") == "" {
		e.t.Fatalf("no code in redirect %s", loc)
	}
	return u.Query().Get("code")
}

// TestCodeExchangeFailures: PKCE mismatch, reused code, expired code, wrong client secret.
func TestCodeExchangeFailures(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	c := e.conn("prod", config.ModePerUser)
	f, err := newFlow(c, e.hc, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	redirect := "http://localhost:" + strconv.Itoa(45678) + callbackPath
	cfg := f.oauthConfig(redirect)
	opts := LoginOptions{Principal: "alice", Store: e.store}
	finish := func(code, verifier string, ff *flow) error {
		_, err := finishLogin(context.Background(), ff, ff.oauthConfig(redirect), callbackResult{code: code}, verifier, c, opts)
		e.out(err)
		return err
	}
	wantFlow := func(name string, err error, code, fix string) {
		t.Helper()
		var fe *FlowError
		if !errors.As(err, &fe) || fe.Err.Code != code || !strings.Contains(err.Error(), fix) {
			t.Fatalf("%s: err = %v, want %s with %q", name, err, code, fix)
		}
	}
	_ = cfg

	v := oauth2.GenerateVerifier()
	code := e.codeFor(f, redirect, v, "alice@acme.demo")
	wantFlow("PKCE mismatch", finish(code, oauth2.GenerateVerifier(), f), "invalid_request", "code verifier did not match")

	code = e.codeFor(f, redirect, v, "alice@acme.demo")
	if err := finish(code, v, f); err != nil {
		t.Fatalf("first exchange: %v", err)
	}
	wantFlow("reused code", finish(code, v, f), "invalid_grant", "already used or expired")

	code = e.codeFor(f, redirect, v, "alice@acme.demo")
	e.clock.Advance(16 * time.Minute)
	wantFlow("expired code", finish(code, v, f), "invalid_grant", "already used or expired")

	t.Setenv("SFMCP_WRONG_SECRET", "not-the-secret")
	bad := c
	bad.ClientSecretEnv = "SFMCP_WRONG_SECRET"
	fb, err := newFlow(bad, e.hc, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	code = e.codeFor(fb, redirect, v, "alice@acme.demo")
	wantFlow("wrong client secret", finish(code, v, fb), "invalid_client", "client secret is wrong")
}
