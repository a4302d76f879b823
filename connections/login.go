package connections

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/oauth2"

	"github.com/sfmcp/sfmcp/config"
)

// DefaultLoginTimeout is how long Login waits for the browser.
const DefaultLoginTimeout = 5 * time.Minute

// callbackPath is the redirect path registered on the connected app.
const callbackPath = "/OauthRedirect"

// LoginOptions configure Login.
type LoginOptions struct {
	// Principal is whose login this is (per_user connections).
	Principal string
	// Shared stores the login as the connection's shared identity (sfmcp login --shared).
	Shared bool
	// NoBrowser only prints the URL to open.
	NoBrowser bool
	// Out receives the instructions (the URL to open); nil = io.Discard.
	Out io.Writer
	// OpenBrowser opens a URL in the user's browser; it is called on its own goroutine.
	// nil (or an error) means the user opens the printed URL.
	OpenBrowser func(url string) error
	// Store keeps the refresh token and identity. Required.
	Store Store
	// HTTPClient sends the token and identity requests; nil = http.DefaultClient.
	HTTPClient *http.Client
	// Listener, if set, receives the redirect instead of 127.0.0.1:callback_port (tests).
	// Its port is used in the redirect URI http://localhost:PORT/OauthRedirect.
	Listener net.Listener
	// Timeout bounds the wait for the browser; 0 = DefaultLoginTimeout.
	Timeout time.Duration
}

// Login runs the OAuth web-server flow with PKCE (S256) for an authorization_code
// connection: it serves the redirect on 127.0.0.1:callback_port (redirect URI
// http://localhost:PORT/OauthRedirect), sends the user to Salesforce's authorize page,
// checks state, exchanges the code, finds the user's identity and stores the refresh token
// with it under (connection, principal) — or (connection, SharedPrincipal) with Shared.
func Login(ctx context.Context, conn config.Connection, opts LoginOptions) (Identity, error) {
	if err := checkLoginTarget(conn, opts); err != nil {
		return Identity{}, err
	}
	out := opts.Out
	if out == nil {
		out = io.Discard
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultLoginTimeout
	}
	f, err := newFlow(conn, opts.HTTPClient, time.Now)
	if err != nil {
		return Identity{}, err
	}
	ln := opts.Listener
	if ln == nil {
		ln, err = net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(conn.CallbackPort)))
		if err != nil {
			return Identity{}, fmt.Errorf("cannot listen for the login redirect on 127.0.0.1:%d (%v); stop what uses that port or set callback_port "+
				"(and add http://localhost:PORT/OauthRedirect to the connected app's callback URLs)", conn.CallbackPort, err)
		}
	}
	defer func() { _ = ln.Close() }()
	addr, ok := ln.Addr().(*net.TCPAddr)
	if !ok {
		return Identity{}, errors.New("connections: the login listener must be TCP")
	}
	port := addr.Port
	cfg := f.oauthConfig("http://localhost:" + strconv.Itoa(port) + callbackPath)
	state, verifier := randomString(), oauth2.GenerateVerifier()
	authURL := cfg.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier))

	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cb := &callback{state: state, codes: make(chan callbackResult, 1), done: make(chan error, 1)}
	srv := &http.Server{Handler: cb, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer func() {
		sctx, scancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer scancel()
		_ = srv.Shutdown(sctx)
	}()

	fmt.Fprintf(out, "Log in to Salesforce (connection %s) in your browser", conn.Name)
	if opts.NoBrowser || opts.OpenBrowser == nil {
		fmt.Fprintf(out, ": open this URL\n\n  %s\n\n", authURL)
	} else {
		fmt.Fprintf(out, ". If it does not open, visit:\n\n  %s\n\n", authURL)
		go func() { _ = opts.OpenBrowser(authURL) }()
	}
	fmt.Fprintf(out, "Waiting up to %s for the login...\n", timeout)

	var res callbackResult
	select {
	case res = <-cb.codes:
	case <-ctx.Done():
		cb.done <- ctx.Err() // a redirect arriving now gets an error page
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return Identity{}, fmt.Errorf("login timed out after %s without an answer from the browser; run `%s` again (with --no-browser to copy the URL yourself)",
				timeout, loginCommand(conn.Name, opts.Shared))
		}
		return Identity{}, ctx.Err()
	}
	id, err := finishLogin(ctx, f, cfg, res, verifier, conn, opts)
	cb.done <- err
	return id, err
}

func checkLoginTarget(conn config.Connection, opts LoginOptions) error {
	switch {
	case opts.Store == nil:
		return errors.New("connections: Login needs a Store")
	case conn.Flow != "" && conn.Flow != config.FlowAuthorizationCode:
		return fmt.Errorf("connection %s uses flow %s, which needs no login: its credentials come from the config", conn.Name, conn.Flow)
	case conn.Mode == config.ModeShared && !opts.Shared:
		return fmt.Errorf("connection %s is shared: log in its service user with `%s`", conn.Name, loginCommand(conn.Name, true))
	case conn.Mode != config.ModeShared && opts.Shared:
		return fmt.Errorf("connection %s is per_user: each person logs in with `%s` (--shared is for shared connections)", conn.Name, loginCommand(conn.Name, false))
	case !opts.Shared && opts.Principal == "":
		return errors.New("connections: Login needs the principal")
	}
	return nil
}

// finishLogin exchanges the code, finds the identity and stores the secret.
func finishLogin(ctx context.Context, f *flow, cfg *oauth2.Config, res callbackResult, verifier string, conn config.Connection, opts LoginOptions) (Identity, error) {
	if res.err != "" {
		if res.err == "access_denied" {
			return Identity{}, fmt.Errorf("the login was denied in the browser (%s)", res.desc)
		}
		te := &FlowError{Connection: conn.Name, Flow: "login"}
		te.Err = tokenErrorOf(res.err, res.desc)
		te.Fix = flowFix("authorization_code", te.Err)
		return Identity{}, te
	}
	tok, err := cfg.Exchange(f.ctx(ctx), res.code, oauth2.VerifierOption(verifier))
	if err != nil {
		return Identity{}, tokenError(conn.Name, config.FlowAuthorizationCode, opts.Shared, false, err)
	}
	t := fromOAuth2(tok, time.Now())
	if t.RefreshToken == "" {
		return Identity{}, fmt.Errorf("connection %s: Salesforce sent no refresh token; add the scope refresh_token (\"Perform requests at any time\") to the connected app and to the connection's scopes", conn.Name)
	}
	instance, err := baseURL("instance_url from Salesforce", t.InstanceURL)
	if err != nil {
		return Identity{}, fmt.Errorf("connection %s: %w", conn.Name, err)
	}
	if f.conn.InstanceURL != "" && instance != f.conn.InstanceURL {
		return Identity{}, fmt.Errorf("connection %s is for %s but this login is for the org at %s; log in to the right org (login_url %s)",
			conn.Name, f.conn.InstanceURL, instance, f.conn.LoginURL)
	}
	id, err := f.identity(ctx, t, instance)
	if err != nil {
		return Identity{}, err
	}
	principal := opts.Principal
	if opts.Shared {
		principal = SharedPrincipal
	}
	sec := Secret{RefreshToken: t.RefreshToken, InstanceURL: instance, OrgID: id.OrgID, UserID: id.UserID, Username: id.Username, IssuedAt: t.IssuedAt}
	if err := opts.Store.Put(ctx, Key{Connection: conn.Name, Principal: principal}, sec); err != nil {
		return Identity{}, fmt.Errorf("connection %s: logged in, but the token could not be saved: %w", conn.Name, err)
	}
	return id, nil
}

func randomString() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

type callbackResult struct{ code, err, desc string }

// callback serves the redirect: the first request with the right state is taken; the page
// shown waits for the outcome of the code exchange.
type callback struct {
	state string
	codes chan callbackResult
	done  chan error
}

func (cb *callback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != callbackPath {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	if q.Get("state") != cb.state {
		// Not our login (a stale tab, or a forged request): ignore it and keep waiting.
		page(w, http.StatusBadRequest, "This login link is not the one sfmcp is waiting for. Start the login again from the terminal.")
		return
	}
	res := callbackResult{code: q.Get("code"), err: q.Get("error"), desc: q.Get("error_description")}
	if res.code == "" && res.err == "" {
		res.err = "invalid_request"
	}
	select {
	case cb.codes <- res:
	default:
		page(w, http.StatusConflict, "This login was already completed. You can close this window.")
		return
	}
	select {
	case err := <-cb.done:
		if err != nil {
			page(w, http.StatusBadRequest, "The login failed: "+err.Error())
			return
		}
		page(w, http.StatusOK, "You are logged in to Salesforce. You can close this window and return to the terminal.")
	case <-r.Context().Done():
	}
}

var pageTmpl = template.Must(template.New("p").Parse(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>sfmcp login</title></head>` +
	`<body style="font-family:sans-serif;max-width:40em;margin:3em auto"><h1>sfmcp</h1><p id="message">{{.}}</p></body></html>`))

func page(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = pageTmpl.Execute(w, msg)
}
