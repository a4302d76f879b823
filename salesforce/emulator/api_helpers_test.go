package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// apiNow is the fixed clock of REST tests.
var apiNow = time.Date(2025, 11, 4, 12, 0, 0, 0, time.UTC)

// apiEnv is an org behind a real loopback HTTP server, with a token per user.
type apiEnv struct {
	t      *testing.T
	o      *Org
	srv    *httptest.Server
	mu     sync.Mutex // guards now
	now    time.Time
	tokMu  sync.Mutex // guards tokens
	tokens map[string]string
}

func newAPI(t *testing.T, opts Options) *apiEnv {
	t.Helper()
	a := &apiEnv{t: t, now: apiNow, tokens: map[string]string{}}
	if opts.Now == nil {
		opts.Now = a.clock
	}
	a.o = New(opts)
	a.srv = httptest.NewServer(a.o.Handler())
	t.Cleanup(a.srv.Close)
	return a
}

func (a *apiEnv) clock() time.Time { a.mu.Lock(); defer a.mu.Unlock(); return a.now }

func (a *apiEnv) advance(d time.Duration) { a.mu.Lock(); a.now = a.now.Add(d); a.mu.Unlock() }

func (a *apiEnv) token(user string) string {
	a.t.Helper()
	a.tokMu.Lock()
	defer a.tokMu.Unlock()
	if tok, ok := a.tokens[user]; ok {
		return tok
	}
	tok, err := a.o.IssueToken(user + "@acme.demo")
	if err != nil {
		a.t.Fatal(err)
	}
	a.tokens[user] = tok
	return tok
}

// apiResp is a response read in full.
type apiResp struct {
	status int
	header http.Header
	body   []byte
}

// call sends method path (relative to /services/data/v62.0 unless it starts with
// /services) as user ("" = no token); body is JSON-encoded unless it is a string.
func (a *apiEnv) call(user, method, path string, body any, hdr ...string) apiResp {
	a.t.Helper()
	if !strings.HasPrefix(path, "/services") {
		path = "/services/data/v62.0" + path
	}
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			a.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, a.srv.URL+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+a.token(user))
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := a.srv.Client().Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return apiResp{status: resp.StatusCode, header: resp.Header, body: b}
}

func (a *apiEnv) get(user, path string) apiResp { return a.call(user, http.MethodGet, path, nil) }

// query runs SOQL through /query (or /queryAll).
func (a *apiEnv) query(user, soql string) apiResp {
	return a.get(user, "/query?q="+url.QueryEscape(soql))
}

// rows runs a query that must succeed and returns its records.
func (a *apiEnv) rows(user, soql string) []map[string]any {
	a.t.Helper()
	r := a.query(user, soql)
	if r.status != 200 {
		a.t.Fatalf("%s: %d %s", soql, r.status, r.body)
	}
	var out struct {
		Records []map[string]any `json:"records"`
	}
	r.decode(a.t, &out)
	return out.Records
}

// one runs a query expected to return exactly one row.
func (a *apiEnv) one(user, soql string) map[string]any {
	a.t.Helper()
	rs := a.rows(user, soql)
	if len(rs) != 1 {
		a.t.Fatalf("%s: %d rows, want 1", soql, len(rs))
	}
	return rs[0]
}

// id returns the Id of the single row matched.
func (a *apiEnv) id(soql string) string {
	a.t.Helper()
	return a.one("admin", soql)["Id"].(string)
}

func (r apiResp) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("bad JSON %q: %v", r.body, err)
	}
}

func (r apiResp) obj(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	r.decode(t, &m)
	return m
}

// restError is one element of a REST error array.
type restError struct {
	Message   string    `json:"message"`
	ErrorCode string    `json:"errorCode"`
	Fields    *[]string `json:"fields"`
}

// wantError checks status, errorCode and (if msg is not "") a message substring.
func (r apiResp) wantError(t *testing.T, status int, code, msg string) restError {
	t.Helper()
	var errs []restError
	if err := json.Unmarshal(r.body, &errs); err != nil || len(errs) != 1 {
		t.Fatalf("want a one-element error array, got %d %s", r.status, r.body)
	}
	if r.status != status || errs[0].ErrorCode != code || !strings.Contains(errs[0].Message, msg) {
		t.Fatalf("got %d %s %q, want %d %s containing %q", r.status, errs[0].ErrorCode, errs[0].Message, status, code, msg)
	}
	if ct := r.header.Get("Content-Type"); ct != contentTypeJSON {
		t.Errorf("Content-Type %q", ct)
	}
	return errs[0]
}

func (r apiResp) wantStatus(t *testing.T, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
}
