package salesforce

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const lockRow = `[{"message":"unable to obtain exclusive access to this record or 1 records: 0015g00000QxTzAAAV","errorCode":"UNABLE_TO_LOCK_ROW","fields":[]}]`

// failThen answers the first n requests with fail, then with status/body.
func failThen(n int, fail func(http.ResponseWriter), status int, body []byte) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, _ *http.Request, i int) {
		if i <= n {
			fail(w)
			return
		}
		reply(w, status, body)
	}
}

func status(code int, body string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) { reply(w, code, []byte(body)) }
}

func TestRetries(t *testing.T) {
	id := "0015g00000QxTzAAAV"
	okQuery := example(t, "query_empty.json")
	unavailable := status(503, string(example(t, "error_server_unavailable.json")))
	tests := []struct {
		name     string
		handle   func(http.ResponseWriter, *http.Request, int)
		call     func(c *Client) error
		attempts int
		wantCode string // "" = success
	}{
		{"GET 503 then ok", failThen(2, unavailable, 200, okQuery),
			func(c *Client) error { _, err := c.Query(bg, "SELECT Id FROM Account", QueryOptions{}); return err }, 3, ""},
		{"GET 503 every time gives up after 3", failThen(99, unavailable, 200, okQuery),
			func(c *Client) error { _, err := c.Query(bg, "SELECT Id FROM Account", QueryOptions{}); return err }, 3, "SERVER_UNAVAILABLE"},
		{"GET 502 html then ok", failThen(1, status(502, "<html>bad gateway</html>"), 200, okQuery),
			func(c *Client) error { _, err := c.Query(bg, "SELECT Id FROM Account", QueryOptions{}); return err }, 2, ""},
		{"GET dropped connection then ok", failThen(1, drop, 200, okQuery),
			func(c *Client) error { _, err := c.Query(bg, "SELECT Id FROM Account", QueryOptions{}); return err }, 2, ""},
		{"PATCH lock row then ok", failThen(1, status(400, lockRow), 204, nil),
			func(c *Client) error { return c.Update(bg, "Account", id, map[string]any{"Name": "x"}) }, 2, ""},
		{"PATCH lock row 3 times", failThen(9, status(400, lockRow), 204, nil),
			func(c *Client) error { return c.Update(bg, "Account", id, map[string]any{"Name": "x"}) }, 3, "UNABLE_TO_LOCK_ROW"},
		{"DELETE dropped then ok", failThen(2, drop, 204, nil),
			func(c *Client) error { return c.Delete(bg, "Account", id) }, 3, ""},
		{"GET concurrent long txn then ok", failThen(1, status(403, string(example(t, "error_concurrent_limit_exceeded.json"))), 200, okQuery),
			func(c *Client) error { _, err := c.Query(bg, "SELECT Id FROM Account", QueryOptions{}); return err }, 2, ""},
		{"GET daily limit is not retried", failThen(9, status(403, string(example(t, "error_request_limit_exceeded.json"))), 200, okQuery),
			func(c *Client) error { _, err := c.Query(bg, "SELECT Id FROM Account", QueryOptions{}); return err }, 1, "REQUEST_LIMIT_EXCEEDED"},
		{"GET 400 is not retried", failThen(9, status(400, string(example(t, "error_malformed_query.json"))), 200, okQuery),
			func(c *Client) error { _, err := c.Query(bg, "SELECT Id FRM Account", QueryOptions{}); return err }, 1, "MALFORMED_QUERY"},
		{"POST 503 is not retried", failThen(9, unavailable, 201, example(t, "create_ok.json")),
			func(c *Client) error { _, err := c.Create(bg, "Account", map[string]any{"Name": "x"}); return err }, 1, "SERVER_UNAVAILABLE"},
		{"POST lock row is not retried", failThen(9, status(400, lockRow), 201, example(t, "create_ok.json")),
			func(c *Client) error { _, err := c.Create(bg, "Account", map[string]any{"Name": "x"}); return err }, 1, "UNABLE_TO_LOCK_ROW"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, tt.handle)
			err := tt.call(f.client(t))
			if tt.wantCode == "" && err != nil || tt.wantCode != "" && !IsCode(err, tt.wantCode) {
				t.Errorf("err = %v, want code %q", err, tt.wantCode)
			}
			if got := f.count(); got != tt.attempts {
				t.Errorf("%d attempts, want %d", got, tt.attempts)
			}
		})
	}
}

func TestDroppedCreateIsOutcomeUnknown(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) { drop(w) })
	_, err := f.client(t).Create(bg, "Account", map[string]any{"Name": "O'Brien & Sons", "Industry": "Retail"})
	if !errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("err = %v, want ErrOutcomeUnknown", err)
	}
	if f.count() != 1 {
		t.Errorf("%d attempts: a create was sent again", f.count())
	}
	msg := Explain(err)
	for _, want := range []string{"may or may not have been created", `SELECT Id FROM Account WHERE Name = 'O\'Brien & Sons' AND CreatedDate = TODAY`} {
		if !strings.Contains(msg, want) {
			t.Errorf("Explain = %q\nwant it to contain %q", msg, want)
		}
	}
	var ou *OutcomeUnknownError
	if !errors.As(err, &ou) || ou.Object != "Account" {
		t.Errorf("err = %#v", err)
	}
}

func TestCreateNotSentIsNotOutcomeUnknown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close() // nothing listens: the connection is refused before anything is sent
	c, err := New("http://"+addr, &http.Client{}, WithBackoff(time.Microsecond))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Create(bg, "Account", map[string]any{"Name": "x"})
	if err == nil || errors.Is(err, ErrOutcomeUnknown) {
		t.Errorf("err = %v; a refused connection means the record was not created", err)
	}
}

// tokenFailTransport fails like an auth transport whose token refresh was refused.
type tokenFailTransport struct{ calls atomic.Int32 }

func (t *tokenFailTransport) RoundTrip(*http.Request) (*http.Response, error) {
	t.calls.Add(1)
	return nil, &TokenError{HTTPStatus: 400, Code: "invalid_grant", Description: "expired access/refresh token"}
}

func TestTokenErrorFromTransport(t *testing.T) {
	tr := &tokenFailTransport{}
	c, _ := New("https://acme.my.salesforce.com", &http.Client{Transport: tr}, WithBackoff(time.Microsecond))
	_, err := c.Create(bg, "Account", map[string]any{"Name": "x"})
	if !IsCode(err, "invalid_grant") || errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(Explain(err), "Reconnect") || tr.calls.Load() != 1 {
		t.Errorf("Explain = %q, calls = %d", Explain(err), tr.calls.Load())
	}
}

func TestRefreshOn401(t *testing.T) {
	expired := status(401, string(example(t, "error_invalid_session_id.json")))
	t.Run("refresh then retry once", func(t *testing.T) {
		for _, method := range []string{"GET", "POST"} {
			var refreshes atomic.Int32
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				if refreshes.Load() == 0 {
					expired(w)
					return
				}
				if r.Method == "POST" {
					reply(w, 201, example(t, "create_ok.json"))
					return
				}
				reply(w, 200, example(t, "query_empty.json"))
			})
			c := f.client(t, WithRefresh(func(context.Context) error { refreshes.Add(1); return nil }))
			var err error
			if method == "GET" {
				_, err = c.Query(bg, "SELECT Id FROM Account", QueryOptions{})
			} else {
				_, err = c.Create(bg, "Account", map[string]any{"Name": "x"})
			}
			if err != nil || refreshes.Load() != 1 || f.count() != 2 {
				t.Errorf("%s: err %v, refreshes %d, requests %d; want nil, 1, 2", method, err, refreshes.Load(), f.count())
			}
		}
	})
	t.Run("still 401 after refresh", func(t *testing.T) {
		var refreshes atomic.Int32
		f := newFake(t, failThen(99, expired, 200, nil))
		c := f.client(t, WithRefresh(func(context.Context) error { refreshes.Add(1); return nil }))
		_, err := c.Query(bg, "SELECT Id FROM Account", QueryOptions{})
		if !IsCode(err, "INVALID_SESSION_ID") || refreshes.Load() != 1 || f.count() != 2 {
			t.Errorf("err %v, refreshes %d, requests %d; want INVALID_SESSION_ID, 1, 2", err, refreshes.Load(), f.count())
		}
	})
	t.Run("refresh fails", func(t *testing.T) {
		f := newFake(t, failThen(99, expired, 200, nil))
		te := &TokenError{HTTPStatus: 400, Code: "invalid_grant", Description: "expired access/refresh token"}
		c := f.client(t, WithRefresh(func(context.Context) error { return te }))
		_, err := c.Query(bg, "SELECT Id FROM Account", QueryOptions{})
		if !IsCode(err, "invalid_grant") || f.count() != 1 || !strings.Contains(Explain(err), "Reconnect") {
			t.Errorf("err %v, requests %d", err, f.count())
		}
	})
	t.Run("no hook", func(t *testing.T) {
		f := newFake(t, failThen(99, expired, 200, nil))
		_, err := f.client(t).Query(bg, "SELECT Id FROM Account", QueryOptions{})
		if !IsCode(err, "INVALID_SESSION_ID") || f.count() != 1 {
			t.Errorf("err %v, requests %d", err, f.count())
		}
	})
	t.Run("other 401 codes do not refresh", func(t *testing.T) {
		var refreshes atomic.Int32
		f := newFake(t, failThen(99, status(401, string(example(t, "error_invalid_auth_header.json"))), 200, nil))
		c := f.client(t, WithRefresh(func(context.Context) error { refreshes.Add(1); return nil }))
		_, err := c.Query(bg, "SELECT Id FROM Account", QueryOptions{})
		if !IsCode(err, "INVALID_AUTH_HEADER") || refreshes.Load() != 0 {
			t.Errorf("err %v, refreshes %d", err, refreshes.Load())
		}
	})
}

// cancelOnWarn cancels a context when the client logs that it is about to retry.
type cancelOnWarn struct {
	slog.Handler
	cancel context.CancelFunc
}

func (h cancelOnWarn) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }
func (h cancelOnWarn) Handle(context.Context, slog.Record) error    { h.cancel(); return nil }

func TestRetryHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(bg)
	defer cancel()
	f := newFake(t, fixed(503, example(t, "error_server_unavailable.json")))
	// The caller gives up while the client waits (an hour) to retry.
	c := f.client(t, WithBackoff(time.Hour), WithLogger(slog.New(cancelOnWarn{cancel: cancel})))
	_, err := c.Query(ctx, "SELECT Id FROM Account", QueryOptions{})
	if !errors.Is(err, context.Canceled) || f.count() != 1 {
		t.Errorf("err %v, requests %d; want context.Canceled after 1", err, f.count())
	}
	if !IsCode(err, CodeServerUnavailable) {
		t.Errorf("the error should keep the last Salesforce error: %v", err)
	}
	if _, err := c.Query(ctx, "SELECT Id FROM Account", QueryOptions{}); !errors.Is(err, context.Canceled) || f.count() != 1 {
		t.Errorf("a cancelled context must not send: %v, %d requests", err, f.count())
	}
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	c := &Client{backoff: 100 * time.Millisecond}
	for attempt := 1; attempt <= 40; attempt++ {
		full := min(100*time.Millisecond<<min(attempt-1, 20), 2*time.Second)
		for range 50 {
			if d := c.backoffDelay(attempt); d < full/2 || d > full {
				t.Fatalf("attempt %d: delay %v outside [%v, %v]", attempt, d, full/2, full)
			}
		}
	}
}

func TestTransportErrorsHideTheQuery(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) { drop(w) })
	_, err := f.client(t).Query(bg, "SELECT Id FROM Contact WHERE Email = 'secret@example.com'", QueryOptions{})
	if err == nil || strings.Contains(err.Error(), "secret") || strings.Contains(Explain(err), "secret") {
		t.Errorf("err = %v", err)
	}
	if !errors.Is(err, io.EOF) {
		t.Errorf("err %v should still wrap io.EOF", err)
	}
	if f.count() != 3 {
		t.Errorf("%d attempts, want 3", f.count())
	}
}
