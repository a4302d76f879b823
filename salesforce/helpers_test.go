package salesforce

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// examplesDir holds a committed copy of /work/shared/salesforce/examples so that the tests
// work in a clean clone; TestExamplesCopyInSync checks it against the shared folder.
const examplesDir = "testdata/examples"

func example(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(examplesDir, name))
	if err != nil {
		t.Fatalf("example %s: %v", name, err)
	}
	return b
}

// seen is one request as the fake Salesforce received it.
type seen struct {
	Method, Path, RawPath, RawQuery string
	Query                           url.Values
	Header                          http.Header
	Body                            []byte
}

// fakeSF is an httptest server that records every request and answers with handle.
type fakeSF struct {
	srv    *httptest.Server
	mu     sync.Mutex
	reqs   []seen
	handle func(w http.ResponseWriter, r *http.Request, n int) // n counts requests from 1
}

func newFake(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, n int)) *fakeSF {
	t.Helper()
	f := &fakeSF{handle: handle}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.reqs = append(f.reqs, seen{Method: r.Method, Path: r.URL.Path, RawPath: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery,
			Query: r.URL.Query(), Header: r.Header.Clone(), Body: body})
		n := len(f.reqs)
		f.mu.Unlock()
		f.handle(w, r, n)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSF) requests() []seen {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]seen(nil), f.reqs...)
}

func (f *fakeSF) count() int { return len(f.requests()) }

func (f *fakeSF) last(t *testing.T) seen {
	t.Helper()
	r := f.requests()
	if len(r) == 0 {
		t.Fatal("no request reached the server")
	}
	return r[len(r)-1]
}

// client returns a client for the fake with a tiny backoff.
func (f *fakeSF) client(t *testing.T, opts ...Option) *Client {
	t.Helper()
	c, err := New(f.srv.URL, f.srv.Client(), append([]Option{WithBackoff(time.Microsecond)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// reply writes a JSON answer the way Salesforce does, with a Sforce-Limit-Info header.
func reply(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Sforce-Limit-Info", "api-usage=18/5000")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// fixed answers every request with the same status and body.
func fixed(status int, body []byte) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, _ *http.Request, _ int) { reply(w, status, body) }
}

// drop closes the connection without answering.
func drop(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("no hijacker")
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

var bg = context.Background()
