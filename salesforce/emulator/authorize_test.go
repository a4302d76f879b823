package emulator

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

const testCallback = "http://localhost:1717/OauthRedirect"

// testVerifier is a 43+ char PKCE verifier; testChallenge is its S256.
var (
	testVerifier  = strings.Repeat("v3rifier-", 6)
	testChallenge = s256(testVerifier)
)

func (e *oauthEnv) authzParams(extra ...string) url.Values {
	v := url.Values{
		"response_type": {"code"}, "client_id": {e.org.ClientID()}, "redirect_uri": {testCallback},
		"scope": {"api refresh_token id"}, "state": {"st-1"}, "code_challenge": {testChallenge},
	}
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] == "" {
			v.Del(extra[i])
		} else {
			v.Set(extra[i], extra[i+1])
		}
	}
	return v
}

// authorize posts the login+consent form directly and returns the redirect Location.
func (e *oauthEnv) authorize(params url.Values, user, password, action string) *url.URL {
	e.t.Helper()
	f := url.Values{}
	for k, v := range params {
		f[k] = v
	}
	f.Set("username", user)
	f.Set("password", password)
	f.Set("action", action)
	resp, b := e.postForm(e.login, "/services/oauth2/authorize", f)
	if resp.StatusCode != http.StatusFound {
		e.t.Fatalf("authorize: %d %s", resp.StatusCode, b)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		e.t.Fatal(err)
	}
	return loc
}

// code runs the authorize step for user and returns the code.
func (e *oauthEnv) code(user string, params url.Values) string {
	e.t.Helper()
	loc := e.authorize(params, user, DemoPassword, "allow")
	c := loc.Query().Get("code")
	if c == "" {
		e.t.Fatalf("no code in %s", loc)
	}
	return c
}

func (e *oauthEnv) exchange(code string, extra ...string) (int, map[string]any) {
	f := url.Values{
		"grant_type": {"authorization_code"}, "code": {code}, "client_id": {e.org.ClientID()},
		"client_secret": {e.org.ClientSecret()}, "redirect_uri": {testCallback}, "code_verifier": {testVerifier},
	}
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] == "" {
			f.Del(extra[i])
		} else {
			f.Set(extra[i], extra[i+1])
		}
	}
	return e.token(e.login, f)
}

// TestAuthorizeBrowserFlow drives the page like a browser: GET the page, submit the form
// it contains, follow the redirect to the callback, exchange the code with the verifier.
func TestAuthorizeBrowserFlow(t *testing.T) {
	e := newOAuthEnv(t, Options{})
	callback := make(chan url.Values, 1)
	cb := http.NewServeMux()
	cb.HandleFunc("/OauthRedirect", func(w http.ResponseWriter, r *http.Request) {
		callback <- r.URL.Query()
		_, _ = w.Write([]byte("done"))
	})
	cbSrv := newLoopbackServer(t, cb)
	redirect := "http://127.0.0.1:" + cbSrv + "/OauthRedirect"

	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	q := e.authzParams("redirect_uri", redirect, "state", "xyz 123", "login_hint", "alice@acme.demo")
	resp, err := browser.Get(e.my + "/services/oauth2/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	page := readAll(t, resp)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("page: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, id := range []string{`id="username"`, `id="password"`, `id="allow"`, `id="deny"`, `value="alice@acme.demo"`} {
		if !strings.Contains(page, id) {
			t.Errorf("page lacks %s", id)
		}
	}
	form := hiddenFields(page)
	if form.Get("redirect_uri") != redirect || form.Get("state") != "xyz 123" || form.Get("code_challenge") != testChallenge {
		t.Fatalf("hidden fields: %v", form)
	}
	form.Set("username", "alice@acme.demo")
	form.Set("password", DemoPassword)
	form.Set("action", "allow")
	action := regexp.MustCompile(`<form[^>]*action="([^"]+)"`).FindStringSubmatch(page)[1]
	resp, err = browser.PostForm(e.my+action, form)
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp); body != "done" {
		t.Fatalf("callback page: %q", body)
	}
	got := <-callback
	if got.Get("state") != "xyz 123" || !strings.HasPrefix(got.Get("code"), "aPrx") {
		t.Fatalf("callback query %v", got)
	}
	status, body := e.exchange(got.Get("code"), "redirect_uri", redirect)
	if status != 200 {
		t.Fatalf("exchange: %d %v", status, body)
	}
	checkSuccess(t, e, body, "alice@acme.demo", "issued_at", "signature", "refresh_token")
	if body["scope"] != "api refresh_token id" {
		t.Errorf("scope %v", body["scope"])
	}
	if !strings.HasPrefix(body["refresh_token"].(string), "5Aep861") {
		t.Errorf("refresh token shape %v", body["refresh_token"])
	}
	if e.org.Count("token.authorization_code") != 1 {
		t.Errorf("counter %d", e.org.Count("token.authorization_code"))
	}
}

func TestAuthorizeWrongPasswordShowsPageAgain(t *testing.T) {
	e := newOAuthEnv(t, Options{})
	f := e.authzParams()
	for _, cred := range [][2]string{{"alice@acme.demo", "wrong"}, {"nobody@acme.demo", DemoPassword}, {"former@acme.demo", DemoPassword}} {
		f.Set("username", cred[0])
		f.Set("password", cred[1])
		f.Set("action", "allow")
		resp, b := e.postForm(e.login, "/services/oauth2/authorize", f)
		if resp.StatusCode != 200 || !strings.Contains(string(b), "check your username and password") || !strings.Contains(string(b), `id="password"`) {
			t.Errorf("%s: %d %s", cred[0], resp.StatusCode, b)
		}
	}
}

func TestAuthorizeErrorPages(t *testing.T) {
	e := newOAuthEnv(t, Options{})
	cases := []struct {
		params url.Values
		text   string
	}{
		{e.authzParams("client_id", "3MVG9nope"), "error=invalid_client_id&error_description=client%20identifier%20invalid"},
		{e.authzParams("client_id", ""), "error=invalid_client_id&error_description=client%20identifier%20invalid"},
		{e.authzParams("redirect_uri", ""), "error=redirect_uri_missing"},
		{e.authzParams("redirect_uri", "https://evil.example/OauthRedirect"), "error=redirect_uri_mismatch"},
		{e.authzParams("redirect_uri", "http://localhost:1717/OauthRedirect/x"), "error=redirect_uri_mismatch"},
		{e.authzParams("redirect_uri", "http://localhost:1717/callback"), "error=redirect_uri_mismatch"},
		{e.authzParams("redirect_uri", "http://10.0.0.1:1717/OauthRedirect"), "error=redirect_uri_mismatch"},
		{e.authzParams("redirect_uri", "http://127.0.0.1:99999/OauthRedirect"), "error=redirect_uri_mismatch"},
	}
	for _, c := range cases {
		resp, b := e.get(e.login+"/services/oauth2/authorize?"+c.params.Encode(), "")
		if resp.StatusCode != 400 || resp.Header.Get("Location") != "" || !strings.Contains(string(b), c.text) {
			t.Errorf("%v: %d %q", c.params, resp.StatusCode, b)
		}
	}
}

func TestAuthorizeRedirectErrors(t *testing.T) {
	e := newOAuthEnv(t, Options{})
	cases := []struct {
		params url.Values
		err    string
	}{
		{e.authzParams("code_challenge_method", "plain"), "invalid_request"},
		{e.authzParams("code_challenge", "short"), "invalid_request"},
		{e.authzParams("response_type", "token"), "unsupported_response_type"},
		{e.authzParams("scope", "api bogus"), "invalid_scope"},
	}
	for _, c := range cases {
		resp, _ := e.get(e.login+"/services/oauth2/authorize?"+c.params.Encode(), "")
		loc, _ := url.Parse(resp.Header.Get("Location"))
		if resp.StatusCode != 302 || loc.Query().Get("error") != c.err || loc.Query().Get("state") != "st-1" {
			t.Errorf("%v: %d %s", c.params, resp.StatusCode, loc)
		}
	}
	// S256 named explicitly is fine.
	resp, _ := e.get(e.login+"/services/oauth2/authorize?"+e.authzParams("code_challenge_method", "S256").Encode(), "")
	if resp.StatusCode != 200 {
		t.Errorf("S256: %d", resp.StatusCode)
	}
}

func TestAuthorizeDeny(t *testing.T) {
	e := newOAuthEnv(t, Options{})
	loc := e.authorize(e.authzParams(), "", "", "deny")
	if loc.RawQuery != "error=access_denied&error_description=end-user+denied+authorization&state=st-1" {
		t.Fatalf("deny redirect: %s", loc)
	}
	if loc.Scheme+"://"+loc.Host+loc.Path != testCallback {
		t.Fatalf("deny went to %s", loc)
	}
}

func TestAuthorizationCodeFailures(t *testing.T) {
	e := newOAuthEnv(t, Options{})
	// Reuse: single use.
	c := e.code("alice@acme.demo", e.authzParams())
	if status, body := e.exchange(c); status != 200 {
		t.Fatalf("first exchange %d %v", status, body)
	}
	status, body := e.exchange(c)
	wantOAuthError(t, status, body, "invalid_grant", "invalid authorization code")
	// Unknown code.
	status, body = e.exchange("aPrxnotacode==")
	wantOAuthError(t, status, body, "invalid_grant", "invalid authorization code")
	// Expired after 15 minutes.
	c = e.code("alice@acme.demo", e.authzParams())
	e.clock.Advance(15*time.Minute + time.Second)
	status, body = e.exchange(c)
	wantOAuthError(t, status, body, "invalid_grant", "expired authorization code")
	// Just inside 15 minutes is fine.
	c = e.code("alice@acme.demo", e.authzParams())
	e.clock.Advance(14 * time.Minute)
	if status, body := e.exchange(c); status != 200 {
		t.Fatalf("14-minute-old code: %d %v", status, body)
	}
	// PKCE: challenge sent, no verifier.
	status, body = e.exchange(e.code("alice@acme.demo", e.authzParams()), "code_verifier", "")
	wantOAuthError(t, status, body, "invalid_grant", "invalid code verifier")
	// PKCE: mismatch.
	status, body = e.exchange(e.code("alice@acme.demo", e.authzParams()), "code_verifier", testVerifier+"x")
	wantOAuthError(t, status, body, "invalid_request", "invalid code verifier")
	// redirect_uri must match the authorization request.
	status, body = e.exchange(e.code("alice@acme.demo", e.authzParams()), "redirect_uri", "http://127.0.0.1:1717/OauthRedirect")
	wantOAuthError(t, status, body, "redirect_uri_mismatch", "redirect_uri must match configuration")
	// Wrong secret.
	status, body = e.exchange(e.code("alice@acme.demo", e.authzParams()), "client_secret", "nope")
	wantOAuthError(t, status, body, "invalid_client", "invalid client credentials")
	// Unknown client.
	status, body = e.exchange(e.code("alice@acme.demo", e.authzParams()), "client_id", "3MVG9nope")
	wantOAuthError(t, status, body, "invalid_client_id", "client identifier invalid")
	// Without PKCE the client is confidential: the secret is required.
	status, body = e.exchange(e.code("alice@acme.demo", e.authzParams("code_challenge", "")), "client_secret", "", "code_verifier", "")
	wantOAuthError(t, status, body, "invalid_client", "invalid client credentials")
	if status, body := e.exchange(e.code("alice@acme.demo", e.authzParams("code_challenge", "")), "code_verifier", ""); status != 200 {
		t.Fatalf("confidential without PKCE: %d %v", status, body)
	}
	// A public PKCE client needs no secret.
	if status, body := e.exchange(e.code("alice@acme.demo", e.authzParams()), "client_secret", ""); status != 200 {
		t.Fatalf("public PKCE client: %d %v", status, body)
	}
}

func TestAuthorizationCodeScopes(t *testing.T) {
	e := newOAuthEnv(t, Options{})
	// No refresh_token scope: no refresh token.
	status, body := e.exchange(e.code("bob@acme.demo", e.authzParams("scope", "api id")))
	if status != 200 {
		t.Fatalf("%d %v", status, body)
	}
	checkSuccess(t, e, body, "bob@acme.demo", "issued_at", "signature")
	// No scope: the app's default scopes.
	_, body = e.exchange(e.code("bob@acme.demo", e.authzParams("scope", "")))
	if body["scope"] != defaultScope || body["refresh_token"] == nil {
		t.Fatalf("default scope: %v", body)
	}
}

func newLoopbackServer(t *testing.T, h http.Handler) (port string) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	_, port, _ = strings.Cut(strings.TrimPrefix(srv.URL, "http://"), ":")
	return port
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// hiddenFields extracts the form's hidden inputs (HTML entities decoded).
func hiddenFields(page string) url.Values {
	v := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(page, -1) {
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	return v
}
