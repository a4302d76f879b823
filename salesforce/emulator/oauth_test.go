package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is an adjustable Options.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// oauthEnv is an org on an httptest server; my is the My Domain base URL
// (http://127.0.0.1:PORT), login the login host (http://localhost:PORT).
type oauthEnv struct {
	t          *testing.T
	org        *Org
	clock      *fakeClock
	my, login  string
	srv        *httptest.Server
	httpClient *http.Client
}

func newOAuthEnv(t *testing.T, opts Options) *oauthEnv {
	t.Helper()
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	org := New(opts)
	srv := httptest.NewServer(org.Handler())
	t.Cleanup(srv.Close)
	_, port, _ := strings.Cut(strings.TrimPrefix(srv.URL, "http://"), ":")
	return &oauthEnv{
		t: t, org: org, clock: clock, srv: srv,
		my: "http://127.0.0.1:" + port, login: "http://localhost:" + port,
		httpClient: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
	}
}

// do sends req to the test server, keeping its Host (so "localhost" reaches the login host
// even where localhost resolves to ::1).
func (e *oauthEnv) do(req *http.Request) (*http.Response, []byte) {
	e.t.Helper()
	host := req.URL.Host
	req.URL.Host = strings.TrimPrefix(e.srv.URL, "http://")
	req.Host = host
	resp, err := e.httpClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp, b
}

func (e *oauthEnv) postForm(base, path string, form url.Values) (*http.Response, []byte) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return e.do(req)
}

func (e *oauthEnv) get(url, token string) (*http.Response, []byte) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return e.do(req)
}

// token posts to base's token endpoint and decodes the JSON object answered.
func (e *oauthEnv) token(base string, form url.Values) (int, map[string]any) {
	e.t.Helper()
	resp, b := e.postForm(base, "/services/oauth2/token", form)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		e.t.Fatalf("token response %d not a JSON object: %q", resp.StatusCode, b)
	}
	if resp.StatusCode != 200 && resp.Header.Get("Cache-Control") != "no-store" {
		e.t.Errorf("error response Cache-Control = %q, want no-store", resp.Header.Get("Cache-Control"))
	}
	return resp.StatusCode, m
}

// wantOAuthError asserts a 400 {"error","error_description"} with exactly those keys.
func wantOAuthError(t *testing.T, status int, body map[string]any, code, desc string) {
	t.Helper()
	if status != 400 || body["error"] != code || body["error_description"] != desc || len(body) != 2 {
		t.Fatalf("got %d %v, want 400 %s / %s", status, body, code, desc)
	}
}

func (e *oauthEnv) ccForm() url.Values {
	return url.Values{"grant_type": {"client_credentials"}, "client_id": {e.org.ClientID()}, "client_secret": {e.org.ClientSecret()}}
}

var accessTokenShape = regexp.MustCompile(`^00D[0-9A-Za-z]{12}!AQ[0-9A-Za-z._]{40,}$`)

// checkSuccess asserts the WIRE.md §1.4 shape: exact key set, types, signature.
func checkSuccess(t *testing.T, e *oauthEnv, body map[string]any, user string, keys ...string) {
	t.Helper()
	want := append([]string{"access_token", "instance_url", "id", "token_type", "scope"}, keys...)
	if len(body) != len(want) {
		t.Errorf("keys = %v, want exactly %v", body, want)
	}
	for _, k := range want {
		if _, ok := body[k].(string); !ok {
			t.Errorf("%s = %#v, want a string", k, body[k])
		}
	}
	if _, ok := body["expires_in"]; ok {
		t.Error("expires_in present")
	}
	if !accessTokenShape.MatchString(body["access_token"].(string)) {
		t.Errorf("access_token %q not shaped 00D…!AQ…", body["access_token"])
	}
	if !strings.HasPrefix(body["access_token"].(string), e.org.OrgID()[:15]+"!") {
		t.Error("access_token does not start with the org id")
	}
	if body["token_type"] != "Bearer" || body["instance_url"] != e.my {
		t.Errorf("token_type/instance_url = %v %v, want Bearer %s", body["token_type"], body["instance_url"], e.my)
	}
	u := e.org.userByUsername(user)
	if wantID := e.login + "/id/" + e.org.OrgID() + "/" + u.ID; body["id"] != wantID {
		t.Errorf("id = %v, want %s", body["id"], wantID)
	}
	if ia, ok := body["issued_at"].(string); ok {
		ms, err := strconv.ParseInt(ia, 10, 64)
		if err != nil || ms != e.clock.Now().UnixMilli() {
			t.Errorf("issued_at = %q, want %d", ia, e.clock.Now().UnixMilli())
		}
		if sig := tokenSignature(body["id"].(string), ia, e.org.ClientSecret()); body["signature"] != sig {
			t.Errorf("signature = %v, want %s", body["signature"], sig)
		}
	}
}

func TestTokenSignatureMatchesWireExample(t *testing.T) {
	// examples/token_authorization_code.json, signed with EXAMPLE_CLIENT_SECRET.
	got := tokenSignature("https://login.salesforce.com/id/00D5g000004VxQmEAK/0055g00000Bc7RkAAJ", "1767225600000", "EXAMPLE_CLIENT_SECRET")
	if got != "S2vvKNJoynr5EY/Kfq4+DkJHrhXfpF83DNZOJDqbqN0=" {
		t.Fatalf("signature = %s", got)
	}
}

func TestClientCredentials(t *testing.T) {
	e := newOAuthEnv(t, Options{})
	status, body := e.token(e.my, e.ccForm())
	if status != 200 {
		t.Fatalf("status %d %v", status, body)
	}
	checkSuccess(t, e, body, "integration@acme.demo", "issued_at", "signature")
	if body["scope"] != "api" {
		t.Errorf("scope = %v", body["scope"])
	}
	if e.org.Count("token.client_credentials") != 1 {
		t.Errorf("counter = %d", e.org.Count("token.client_credentials"))
	}
	// The token works and names the run-as user.
	req := httptest.NewRequest("GET", "/services/data/v62.0/", nil)
	req.Header.Set("Authorization", "Bearer "+body["access_token"].(string))
	u, err := e.org.authenticate(req)
	if err != nil || u.Username != "integration@acme.demo" {
		t.Fatalf("authenticate = %v, %v", u, err)
	}
}

func TestClientCredentialsBasicAuth(t *testing.T) {
	e := newOAuthEnv(t, Options{})
	req, _ := http.NewRequest("POST", e.my+"/services/oauth2/token", strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(e.org.ClientID(), e.org.ClientSecret())
	resp, b := e.do(req)
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"access_token"`) {
		t.Fatalf("basic auth: %d %s", resp.StatusCode, b)
	}
	req, _ = http.NewRequest("POST", e.my+"/services/oauth2/token", strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(e.org.ClientID(), "wrong")
	resp, b = e.do(req)
	if resp.StatusCode != 400 || !strings.Contains(string(b), `"invalid_client"`) {
		t.Fatalf("basic auth wrong secret: %d %s", resp.StatusCode, b)
	}
}

func TestClientCredentialsErrors(t *testing.T) {
	e := newOAuthEnv(t, Options{})
	status, body := e.token(e.login, e.ccForm())
	wantOAuthError(t, status, body, "invalid_grant", "request not supported on this domain")

	f := e.ccForm()
	f.Set("client_secret", "nope")
	status, body = e.token(e.my, f)
	wantOAuthError(t, status, body, "invalid_client", "invalid client credentials")

	f = e.ccForm()
	f.Del("client_secret")
	status, body = e.token(e.my, f)
	wantOAuthError(t, status, body, "invalid_client", "invalid client credentials")

	f = e.ccForm()
	f.Set("client_id", "3MVG9unknown")
	status, body = e.token(e.my, f)
	wantOAuthError(t, status, body, "invalid_client_id", "client identifier invalid")

	e.org.SetClientCredentialsUser("")
	status, body = e.token(e.my, e.ccForm())
	wantOAuthError(t, status, body, "invalid_grant", "no client credentials user enabled")

	e.org.SetClientCredentialsUser("alice@acme.demo")
	status, body = e.token(e.my, e.ccForm())
	if status != 200 {
		t.Fatalf("run as alice: %d %v", status, body)
	}
	checkSuccess(t, e, body, "alice@acme.demo", "issued_at", "signature")
	if e.org.Count("token.client_credentials") != 1 {
		t.Errorf("failures counted as successes: %d", e.org.Count("token.client_credentials"))
	}
}

func TestTokenEndpointErrors(t *testing.T) {
	e := newOAuthEnv(t, Options{})
	status, body := e.token(e.my, url.Values{"grant_type": {"implicit"}, "client_id": {e.org.ClientID()}})
	wantOAuthError(t, status, body, "unsupported_grant_type", "grant type not supported")
	status, body = e.token(e.my, url.Values{"grant_type": {"password"}, "client_id": {e.org.ClientID()},
		"client_secret": {e.org.ClientSecret()}, "username": {"alice@acme.demo"}, "password": {DemoPassword}})
	wantOAuthError(t, status, body, "invalid_grant", "authentication failure")
	status, body = e.token(e.my, url.Values{})
	wantOAuthError(t, status, body, "unsupported_grant_type", "grant type not supported")

	resp, b := e.get(e.my+"/services/oauth2/token?grant_type=client_credentials", "")
	if resp.StatusCode != 400 || !strings.Contains(string(b), `"invalid_request"`) {
		t.Fatalf("GET token: %d %s", resp.StatusCode, b)
	}
}

func TestSessionIdleExpiry(t *testing.T) {
	e := newOAuthEnv(t, Options{SessionIdle: time.Hour})
	tok, err := e.org.IssueToken("alice@acme.demo")
	if err != nil {
		t.Fatal(err)
	}
	auth := func() error {
		req := httptest.NewRequest("GET", "/services/data/v62.0/", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		_, err := e.org.authenticate(req)
		return err
	}
	// Each call resets the idle clock: 3 x 50 minutes of use is fine.
	for i := 0; i < 3; i++ {
		e.clock.Advance(50 * time.Minute)
		if err := auth(); err != nil {
			t.Fatalf("call %d after 50m idle: %v", i, err)
		}
	}
	e.clock.Advance(61 * time.Minute)
	err = auth()
	ae, ok := err.(*apiError)
	if !ok || ae.Status != 401 || ae.Code != "INVALID_SESSION_ID" || ae.Message != "Session expired or invalid" {
		t.Fatalf("after idle timeout: %#v", err)
	}
	// Stays dead even if the clock were to go back.
	e.clock.Advance(-30 * time.Minute)
	if auth() == nil {
		t.Fatal("expired session revived")
	}
}

func TestAuthenticateRejects(t *testing.T) {
	e := newOAuthEnv(t, Options{})
	tok, _ := e.org.IssueToken("bob@acme.demo")
	for _, h := range []string{"", "Bearer", "Bearer nope", "Basic " + tok, tok} {
		req := httptest.NewRequest("GET", "/", nil)
		if h != "" {
			req.Header.Set("Authorization", h)
		}
		if _, err := e.org.authenticate(req); err == nil {
			t.Errorf("Authorization %q accepted", h)
		}
	}
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Authorization", "OAuth "+tok)
	if u, err := e.org.authenticate(req); err != nil || u.Username != "bob@acme.demo" {
		t.Errorf("OAuth scheme: %v %v", u, err)
	}
	if _, err := e.org.IssueToken("nobody@acme.demo"); err == nil {
		t.Error("IssueToken for unknown user succeeded")
	}
	if _, err := e.org.IssueToken("former@acme.demo"); err == nil {
		t.Error("IssueToken for inactive user succeeded")
	}
}

func TestRevoke(t *testing.T) {
	e := newOAuthEnv(t, Options{})
	alive := func(tok string) bool {
		resp, _ := e.get(e.login+"/services/oauth2/userinfo", tok)
		return resp.StatusCode == 200
	}
	a1, _ := e.org.IssueToken("alice@acme.demo")
	a2, _ := e.org.IssueToken("alice@acme.demo")
	resp, b := e.postForm(e.my, "/services/oauth2/revoke", url.Values{"token": {a1}})
	if resp.StatusCode != 200 || len(b) != 0 {
		t.Fatalf("revoke: %d %q", resp.StatusCode, b)
	}
	if alive(a1) || !alive(a2) {
		t.Fatal("revoke killed the wrong token")
	}
	resp, _ = e.get(e.login+"/services/oauth2/revoke?token="+url.QueryEscape(a2), "")
	if resp.StatusCode != 200 || alive(a2) {
		t.Fatalf("GET revoke: %d", resp.StatusCode)
	}
	resp, b = e.postForm(e.my, "/services/oauth2/revoke", url.Values{"token": {a1}})
	if resp.StatusCode != 400 || !strings.Contains(string(b), `"error":"invalid_token"`) {
		t.Fatalf("revoke unknown: %d %s", resp.StatusCode, b)
	}
}

func TestRevokeAll(t *testing.T) {
	e := newOAuthEnv(t, Options{})
	a, _ := e.org.IssueToken("alice@acme.demo")
	b, _ := e.org.IssueToken("bob@acme.demo")
	e.org.RevokeAll("alice@acme.demo")
	if resp, _ := e.get(e.my+"/services/oauth2/userinfo", a); resp.StatusCode != 403 {
		t.Errorf("alice's token survived RevokeAll: %d", resp.StatusCode)
	}
	if resp, _ := e.get(e.my+"/services/oauth2/userinfo", b); resp.StatusCode != 200 {
		t.Errorf("bob's token died: %d", resp.StatusCode)
	}
}

// TestRESTSessionSeam: the REST side renders authenticate's failure as Salesforce does.
func TestRESTSessionSeam(t *testing.T) {
	e := newOAuthEnv(t, Options{SessionIdle: time.Hour})
	tok, _ := e.org.IssueToken("alice@acme.demo")
	if resp, b := e.get(e.my+"/services/data/v62.0/", tok); resp.StatusCode != 200 {
		t.Fatalf("fresh token: %d %s", resp.StatusCode, b)
	}
	e.clock.Advance(time.Hour + time.Second)
	for _, token := range []string{tok, "", "00Dbogus!AQbogus"} {
		resp, b := e.get(e.my+"/services/data/v62.0/", token)
		if resp.StatusCode != 401 || string(b) != `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]` {
			t.Errorf("token %q: %d %s", token, resp.StatusCode, b)
		}
	}
}
