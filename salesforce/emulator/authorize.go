package emulator

import (
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// /services/oauth2/authorize: the web-server flow's login + consent page (WIRE.md §1.2).
//
// GET renders one HTML page with the username/password form and the Allow/Deny buttons
// (ids #username #password #allow #deny; no JavaScript). The form POSTs back to the same
// URL with every authorization parameter in hidden fields. Problems with client_id or
// redirect_uri render an error page; every later problem redirects to redirect_uri with
// error, error_description and state.

// registeredCallbacks are the connected app's callback URLs. Any loopback
// http://127.0.0.1:<port>/OauthRedirect or http://localhost:<port>/OauthRedirect also matches.
var registeredCallbacks = []string{
	"http://localhost:1717/OauthRedirect",
	"http://127.0.0.1:1717/OauthRedirect",
}

var loopbackCallback = regexp.MustCompile(`^http://(127\.0\.0\.1|localhost):[0-9]{1,5}/OauthRedirect$`)

// appScopes are the scopes the connected app may grant.
var appScopes = map[string]bool{
	"api": true, "refresh_token": true, "offline_access": true, "id": true, "openid": true,
	"profile": true, "email": true, "address": true, "phone": true, "web": true, "full": true,
	"chatter_api": true, "custom_permissions": true,
}

// defaultScope is granted when the request names no scope.
const defaultScope = "refresh_token api id"

var pkceChallenge = regexp.MustCompile(`^[A-Za-z0-9_-]{43,128}$`)

// authzRequest is a validated authorization request.
type authzRequest struct {
	ClientID, RedirectURI, State, Scope  string
	Challenge, ChallengeMethod, Nonce    string
	ResponseType, Prompt, LoginHint, Err string
}

func (o *Org) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		authzErrorPage(w, "invalid_request", "malformed request")
		return
	}
	f := r.Form
	q := &authzRequest{
		ClientID: f.Get("client_id"), RedirectURI: f.Get("redirect_uri"), State: f.Get("state"),
		Scope: f.Get("scope"), Challenge: f.Get("code_challenge"), ChallengeMethod: f.Get("code_challenge_method"),
		Nonce: f.Get("nonce"), ResponseType: f.Get("response_type"), Prompt: f.Get("prompt"), LoginHint: f.Get("login_hint"),
	}
	switch {
	case q.ClientID != o.auth.clientID:
		authzErrorPage(w, "invalid_client_id", "client identifier invalid")
		return
	case q.RedirectURI == "":
		authzErrorPage(w, "redirect_uri_missing", "redirect_uri must be provided")
		return
	case !allowedCallback(q.RedirectURI):
		authzErrorPage(w, "redirect_uri_mismatch", "redirect_uri must match configuration")
		return
	}
	if code, desc := q.validate(); code != "" {
		redirectResult(w, r, q, url.Values{"error": {code}, "error_description": {desc}})
		return
	}
	if q.Scope == "" {
		q.Scope = defaultScope
	}
	if r.Method == http.MethodGet {
		renderAuthorize(w, q, http.StatusOK)
		return
	}
	if f.Get("action") == "deny" {
		redirectResult(w, r, q, url.Values{"error": {"access_denied"}, "error_description": {"end-user denied authorization"}})
		return
	}
	u := o.userByUsername(f.Get("username"))
	if u == nil || !u.Active || f.Get("password") != u.Password {
		q.LoginHint = f.Get("username")
		q.Err = "Please check your username and password. If you still can't log in, contact your Salesforce administrator."
		renderAuthorize(w, q, http.StatusOK)
		return
	}
	code := "aPrx" + tokenString(64) + "=="
	a := o.auth
	a.mu.Lock()
	a.codes[hashToken(code)] = &authCode{
		user: u, clientID: q.ClientID, redirectURI: q.RedirectURI, challenge: q.Challenge,
		scope: q.Scope, nonce: q.Nonce, issued: o.now(),
	}
	a.mu.Unlock()
	o.incr("authorize.code")
	redirectResult(w, r, q, url.Values{"code": {code}})
}

// validate checks what is reported by redirect; it returns error and description.
func (q *authzRequest) validate() (string, string) {
	switch {
	case q.ResponseType != "code":
		return "unsupported_response_type", "response type not supported"
	case q.ChallengeMethod != "" && q.ChallengeMethod != "S256":
		return "invalid_request", "unsupported code challenge method"
	case q.Challenge == "" && q.ChallengeMethod != "":
		return "invalid_request", "missing code challenge"
	case q.Challenge != "" && !pkceChallenge.MatchString(q.Challenge):
		return "invalid_request", "invalid code challenge"
	}
	for _, s := range strings.Fields(q.Scope) {
		if !appScopes[s] {
			return "invalid_scope", "the requested scope is not allowed"
		}
	}
	return "", ""
}

// allowedCallback reports whether uri exactly matches a registered callback.
func allowedCallback(uri string) bool {
	for _, c := range registeredCallbacks {
		if uri == c {
			return true
		}
	}
	if !loopbackCallback.MatchString(uri) {
		return false
	}
	u, err := url.Parse(uri)
	if err != nil {
		return false
	}
	port, err := strconv.Atoi(u.Port())
	return err == nil && port > 0 && port <= 65535
}

// redirectResult sends the browser back to the client with v (+ state).
func redirectResult(w http.ResponseWriter, r *http.Request, q *authzRequest, v url.Values) {
	u, err := url.Parse(q.RedirectURI)
	if err != nil {
		authzErrorPage(w, "redirect_uri_mismatch", "redirect_uri must match configuration")
		return
	}
	if q.State != "" {
		v.Set("state", q.State)
	}
	u.RawQuery = v.Encode()
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// authzErrorPage is Salesforce's non-redirecting error page; its text is the urlencoded
// error pair, e.g. error=invalid_client_id&error_description=client%20identifier%20invalid.
func authzErrorPage(w http.ResponseWriter, code, desc string) {
	text := "error=" + code + "&error_description=" + url.PathEscape(desc)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusBadRequest)
	// code and desc are constants of this file, never request input.
	_ = errorPage.Execute(w, template.HTML(text)) // #nosec G203
}

func renderAuthorize(w http.ResponseWriter, q *authzRequest, status int) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Frame-Options", "DENY")
	w.WriteHeader(status)
	_ = loginPage.Execute(w, q)
}

var errorPage = template.Must(template.New("err").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Error | Salesforce</title></head>
<body><h1>Remote Access Authorization Error</h1><p id="error">{{.}}</p></body></html>
`))

var loginPage = template.Must(template.New("login").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Login | Salesforce (emulated)</title>
<style>body{font-family:sans-serif;max-width:26em;margin:3em auto}label,input,button{display:block;margin:.4em 0}
input{width:100%;padding:.4em}.err{color:#c23934}.row button{display:inline-block;margin-right:1em}</style></head>
<body><h1>Acme (emulated Salesforce)</h1>
{{if .Err}}<p class="err" id="error">{{.Err}}</p>{{end}}
<form id="login" method="POST" action="/services/oauth2/authorize">
<input type="hidden" name="response_type" value="{{.ResponseType}}">
<input type="hidden" name="client_id" value="{{.ClientID}}">
<input type="hidden" name="redirect_uri" value="{{.RedirectURI}}">
<input type="hidden" name="scope" value="{{.Scope}}">
<input type="hidden" name="state" value="{{.State}}">
<input type="hidden" name="code_challenge" value="{{.Challenge}}">
<input type="hidden" name="code_challenge_method" value="{{.ChallengeMethod}}">
<input type="hidden" name="nonce" value="{{.Nonce}}">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" value="{{.LoginHint}}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password">
<h2>Allow Access?</h2>
<p>The app <b id="app">sfmcp</b> wants to access your data: <span id="scope">{{.Scope}}</span>.</p>
<div class="row"><button id="allow" name="action" value="allow" type="submit">Allow</button>
<button id="deny" name="action" value="deny" type="submit" formnovalidate>Deny</button></div>
</form></body></html>
`))
