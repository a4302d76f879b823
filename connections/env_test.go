package connections

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sfmcp/sfmcp/config"
	"github.com/sfmcp/sfmcp/connections/store"
	"github.com/sfmcp/sfmcp/salesforce"
	"github.com/sfmcp/sfmcp/salesforce/emulator"
)

// clock is a test clock shared by the emulator and the Manager.
type clock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.off += d
	c.mu.Unlock()
}

type principalKey struct{}

// env is an emulated org plus everything a test needs to watch the traffic: every token
// Salesforce issued (to check none ever leaks into output), every text the package
// produced (errors, status, logs, login output), and which principal sent which token.
type env struct {
	t     *testing.T
	clock *clock
	org   *emulator.Org
	srv   *emulator.Server
	store store.Store
	hc    *http.Client
	logs  *syncBuffer

	mu       sync.Mutex
	secrets  []string            // tokens and codes issued by the emulator
	outputs  []string            // texts produced by this package
	sentBy   map[string][]string // principal -> bearer tokens sent for it
	events   []string            // "put:<rt>" and "api:<access>" in order
	mutate   func(form url.Values)
	tokenReq int
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newEnv(t *testing.T, opts emulator.Options) *env {
	t.Helper()
	e := &env{t: t, clock: &clock{}, store: store.NewMemory(), logs: &syncBuffer{}, sentBy: map[string][]string{}}
	opts.Now = e.clock.Now
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	e.org = emulator.New(opts)
	srv, err := emulator.Start(e.org, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	e.hc = &http.Client{Transport: &recorder{e: e, base: http.DefaultTransport}}
	t.Cleanup(func() {
		_ = srv.Close()
		e.assertNoLeaks()
	})
	return e
}

// recorder is the base transport under everything the package sends.
type recorder struct {
	e    *env
	base http.RoundTripper
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	e := r.e
	if strings.HasSuffix(req.URL.Path, tokenPath) && req.Body != nil {
		body, _ := io.ReadAll(req.Body)
		form, _ := url.ParseQuery(string(body))
		e.mu.Lock()
		e.tokenReq++
		mutate := e.mutate
		e.mu.Unlock()
		if mutate != nil {
			mutate(form)
		}
		enc := form.Encode()
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(strings.NewReader(enc))
		req.ContentLength = int64(len(enc))
	}
	if auth := req.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") && strings.Contains(req.URL.Path, "/services/data/") {
		tok := strings.TrimPrefix(auth, "Bearer ")
		p, _ := req.Context().Value(principalKey{}).(string)
		e.mu.Lock()
		e.sentBy[p] = append(e.sentBy[p], tok)
		e.events = append(e.events, "api:"+tok)
		e.mu.Unlock()
	}
	resp, err := r.base.RoundTrip(req)
	if err != nil || !strings.HasSuffix(req.URL.Path, tokenPath) {
		return resp, err
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	var v struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
	}
	if json.Unmarshal(body, &v) == nil {
		e.addSecret(v.AccessToken, v.RefreshToken)
	}
	return resp, nil
}

func (e *env) addSecret(s ...string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, x := range s {
		if x != "" {
			e.secrets = append(e.secrets, x)
		}
	}
}

// out records a text the package produced (an error, status, output) and returns it.
func (e *env) out(v any) string {
	var s string
	switch x := v.(type) {
	case nil:
		return ""
	case error:
		s = x.Error() + "\n" + fmt.Sprintf("%+v %#v", x, x)
		if msg, ok := Explain(x); ok {
			s += "\n" + msg
		}
		s += "\n" + salesforce.Explain(x)
	case string:
		s = x
	default:
		s = fmt.Sprintf("%+v", x)
	}
	e.mu.Lock()
	e.outputs = append(e.outputs, s)
	e.mu.Unlock()
	return s
}

func (e *env) setMutate(f func(url.Values)) {
	e.mu.Lock()
	e.mutate = f
	e.mu.Unlock()
}

// assertNoLeaks fails the test if an issued token or code appears in anything the package
// produced: errors, status output, login output or log lines.
func (e *env) assertNoLeaks() {
	for _, l := range e.leaks() {
		e.t.Error(l)
	}
}

func (e *env) leaks() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	all := strings.Join(e.outputs, "\n") + "\n" + e.logs.String()
	for _, s := range e.secrets {
		if strings.Contains(all, s) {
			out = append(out, fmt.Sprintf("a secret issued by the emulator (%.10s...) appears in the package's output", s))
		}
		for _, part := range strings.Split(s, "!") { // the part after the org id alone
			if len(part) > 20 && strings.Contains(all, part) {
				out = append(out, fmt.Sprintf("part of a secret (%.10s...) appears in the package's output", part))
			}
		}
	}
	return out
}

func (e *env) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// conn is an authorization_code connection to the emulator.
func (e *env) conn(name, mode string) config.Connection {
	e.t.Setenv("SFMCP_TEST_SECRET", e.org.ClientSecret())
	c := config.Connection{
		Name: name, InstanceURL: e.srv.InstanceURL, LoginURL: e.srv.LoginURL, Mode: mode,
		Flow: config.FlowAuthorizationCode, ClientID: e.org.ClientID(), ClientSecretEnv: "SFMCP_TEST_SECRET",
		APIVersion: "v62.0", APIReserve: "10%", Scopes: []string{"api", "refresh_token", "id"},
	}
	if mode == config.ModeShared {
		c.Allow = []string{"*"}
	}
	return c
}

func (e *env) manager(conns ...config.Connection) *Manager {
	cfg := &config.Config{User: "tester", Connections: conns, Groups: map[string][]string{"sales": {"carol"}}}
	m := NewManager(cfg, e.store, WithHTTPClient(e.hc), WithLogger(e.logger()), WithClientOptions(salesforce.WithBackoff(time.Millisecond)))
	m.now = e.clock.Now
	return m
}

var (
	hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
	formAction  = regexp.MustCompile(`<form id="login" method="POST" action="([^"]+)">`)
)

// browse plays the user's browser on the emulator's authorize page: it loads authURL,
// fills #username and #password and presses #allow (or #deny). With follow it follows the
// redirect to the callback and returns that page; otherwise it returns the redirect URL.
func (e *env) browse(authURL, username string, allow, follow bool) (string, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	if !follow {
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	resp, err := c.Get(authURL)
	if err != nil {
		return "", err
	}
	page, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	for _, id := range []string{`id="username"`, `id="password"`, `id="allow"`, `id="deny"`} {
		if !bytes.Contains(page, []byte(id)) {
			return "", fmt.Errorf("authorize page (HTTP %d) has no %s: %.300s", resp.StatusCode, id, page)
		}
	}
	form := url.Values{}
	for _, m := range hiddenInput.FindAllSubmatch(page, -1) {
		form.Set(string(m[1]), html.UnescapeString(string(m[2])))
	}
	form.Set("username", username)
	form.Set("password", emulator.DemoPassword)
	form.Set("action", map[bool]string{true: "allow", false: "deny"}[allow])
	action := formAction.FindSubmatch(page)
	if action == nil {
		return "", fmt.Errorf("authorize page has no login form")
	}
	target, _ := url.Parse(authURL)
	target, _ = target.Parse(html.UnescapeString(string(action[1])))
	resp, err = c.PostForm(target.String(), form)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if !follow {
		loc := resp.Header.Get("Location")
		if u, err := url.Parse(loc); err == nil {
			e.addSecret(u.Query().Get("code"))
		}
		return loc, nil
	}
	return string(body), nil
}

// login logs principal in as username through Login and the authorize page.
func (e *env) login(c config.Connection, principal, username string) Identity {
	e.t.Helper()
	var out syncBuffer
	pages := make(chan string, 1)
	id, err := Login(context.Background(), c, LoginOptions{
		Principal: principal, Shared: principal == SharedPrincipal, Out: &out, Store: e.store, HTTPClient: e.hc,
		Listener: listen(e.t), Timeout: time.Minute,
		OpenBrowser: func(u string) error {
			p, err := e.browse(u, username, true, true)
			if err != nil {
				p = err.Error()
			}
			pages <- p
			return nil
		},
	})
	e.out(out.String())
	if err != nil {
		e.t.Fatalf("login %s as %s: %s", principal, username, e.out(err))
	}
	if p := <-pages; !strings.Contains(p, "You are logged in") {
		e.t.Fatalf("callback page: %s", p)
	}
	return id
}

func as(principal string) context.Context {
	return context.WithValue(context.Background(), principalKey{}, principal)
}

func (e *env) user(username string) emulator.User {
	for _, u := range e.org.Users() {
		if u.Username == username {
			return u
		}
	}
	e.t.Fatalf("no emulator user %s", username)
	return emulator.User{}
}
