package salesforce

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// maxBody bounds how much of a response the client reads.
const maxBody = 64 << 20

// request is one REST call as the operations describe it.
type request struct {
	method     string
	path       string // escaped path from the host, e.g. /services/data/v62.0/query
	query      url.Values
	body       any // JSON-encoded when non-nil
	header     http.Header
	idempotent bool   // safe to send again after a dropped connection or a 502/503
	object     string // for error messages
}

// response is a received answer with its body read.
type response struct {
	status int
	header http.Header
	body   []byte
}

// outcomeUnknownError is a non-idempotent request that may have been sent but got no
// answer. The operations turn it into a message that says how to check (see Create).
type outcomeUnknownError struct{ cause error }

func (e *outcomeUnknownError) Error() string {
	return "salesforce: the request may have been sent but no response arrived: " + e.cause.Error()
}
func (e *outcomeUnknownError) Unwrap() []error { return []error{ErrOutcomeUnknown, e.cause} }

// do sends r, retrying idempotent requests on 502/503/UNABLE_TO_LOCK_ROW and dropped
// connections, and refreshing the session once on 401 INVALID_SESSION_ID. Any status below
// 400 except 3xx redirects (300 and 304 are returned) counts as success.
func (c *Client) do(ctx context.Context, r request) (*response, error) {
	var payload []byte
	if r.body != nil {
		var err error
		if payload, err = json.Marshal(r.body); err != nil {
			return nil, &Error{Code: CodeInvalidArgument, Object: r.object, Message: "cannot encode the values as JSON: " + err.Error()}
		}
	}
	u, err := c.resolve(r.path, r.query)
	if err != nil {
		return nil, err
	}
	refreshed := false
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("salesforce: %s %s not sent: %w", r.method, u.Path, err)
		}
		resp, sent, err := c.roundTrip(ctx, r, u, payload)
		if err != nil {
			var te *TokenError
			switch {
			case errors.As(err, &te):
				return nil, err // the auth layer failed before anything was sent
			case !sent && ctx.Err() == nil && attempt < c.attempts:
				// Nothing reached the server (e.g. connection refused): safe for any method.
			case !sent:
				return nil, err
			case !r.idempotent:
				return nil, &outcomeUnknownError{cause: err}
			case ctx.Err() != nil || !retryableNetError(err) || attempt >= c.attempts:
				return nil, err
			}
			if werr := c.wait(ctx, r, attempt, err); werr != nil {
				return nil, werr
			}
			continue
		}
		if resp.status < 400 && (resp.status < 300 || resp.status == 300 || resp.status == 304) {
			return resp, nil
		}
		perr := ParseError(resp.status, resp.body)
		var se *Error
		if errors.As(perr, &se) {
			se.Object = r.object
		}
		if resp.status == http.StatusUnauthorized && IsCode(perr, "INVALID_SESSION_ID") && c.refresh != nil && !refreshed {
			refreshed = true
			c.log.Info("salesforce session expired; refreshing", "method", r.method, "path", u.Path)
			if rerr := c.refresh(ctx); rerr != nil {
				return nil, fmt.Errorf("salesforce: the session expired and refreshing it failed: %w", rerr)
			}
			attempt-- // the retry after a refresh does not use up a retry
			continue
		}
		if r.idempotent && attempt < c.attempts && retryableStatus(resp.status, perr) {
			if werr := c.wait(ctx, r, attempt, perr); werr != nil {
				return nil, werr
			}
			continue
		}
		return nil, perr
	}
}

// roundTrip sends one attempt. sent reports whether any of the request may have reached
// the server; it is false only when the transport positively failed before writing.
func (c *Client) roundTrip(ctx context.Context, r request, u *url.URL, payload []byte) (_ *response, sent bool, _ error) {
	var getConn, gotConn atomic.Bool
	trace := &httptrace.ClientTrace{
		GetConn: func(string) { getConn.Store(true) },
		GotConn: func(httptrace.GotConnInfo) { gotConn.Store(true) },
	}
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), r.method, u.String(), body)
	if err != nil {
		return nil, false, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "sfmcp")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, vs := range r.header {
		req.Header[k] = vs
	}
	start := time.Now()
	hr, err := c.hc.Do(req)
	if err != nil {
		// Not sent: the transport looked for a connection and never got one (dial or TLS
		// failure). A transport that bypasses net/http's (a test double) counts as sent.
		notSent := getConn.Load() && !gotConn.Load() || isDialError(err)
		return nil, !notSent, withoutQuery(err)
	}
	defer func() { _ = hr.Body.Close() }()
	data, err := readBody(hr)
	if err == nil && len(data) > maxBody {
		err = fmt.Errorf("response larger than %d MiB", maxBody>>20)
	}
	c.observeLimitInfo(hr.Header.Get("Sforce-Limit-Info"))
	c.log.Debug("salesforce call", "method", r.method, "path", u.Path, "status", hr.StatusCode, "duration", time.Since(start))
	if err != nil {
		return nil, true, fmt.Errorf("salesforce: reading the %d response to %s %s: %w", hr.StatusCode, r.method, u.Path, err)
	}
	return &response{status: hr.StatusCode, header: hr.Header, body: data}, true, nil
}

// readBody reads at most maxBody+1 bytes, in one allocation when the length is known.
func readBody(hr *http.Response) ([]byte, error) {
	lr := io.LimitReader(hr.Body, maxBody+1)
	n := hr.ContentLength
	if n <= 0 || n > maxBody {
		return io.ReadAll(lr)
	}
	buf := make([]byte, n+1) // one spare byte shows a body longer than announced
	m, err := io.ReadFull(lr, buf)
	if err == io.ErrUnexpectedEOF && int64(m) == n {
		err = nil
	} else if err == nil {
		var rest []byte
		rest, err = io.ReadAll(lr)
		buf = append(buf, rest...)
		m = len(buf)
	}
	return buf[:m], err
}

// withoutQuery drops the query string (a SOQL statement may hold record values) from the
// URL that net/http puts in its errors; the wrapped error stays reachable for errors.Is.
func withoutQuery(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	u, perr := url.Parse(ue.URL)
	if perr != nil {
		return &url.Error{Op: ue.Op, URL: "(url)", Err: ue.Err}
	}
	u.RawQuery, u.Fragment = "", ""
	return &url.Error{Op: ue.Op, URL: u.String(), Err: ue.Err}
}

func isDialError(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// retryableNetError reports a dropped connection: reset, EOF, broken pipe.
func retryableNetError(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNABORTED) ||
		errors.Is(err, syscall.EPIPE) || isDialError(err)
}

// retryableStatus reports answers that mean "nothing was done, try again shortly".
func retryableStatus(status int, err error) bool {
	switch {
	case status == http.StatusBadGateway, status == http.StatusServiceUnavailable:
		return true
	case IsCode(err, "UNABLE_TO_LOCK_ROW"), IsCode(err, CodeServerUnavailable):
		return true
	case IsCode(err, "REQUEST_LIMIT_EXCEEDED"):
		var e *Error
		return errors.As(err, &e) && strings.Contains(e.Message, "ConcurrentPerOrgLongTxn")
	}
	return false
}

// backoffDelay is the wait before retry number attempt (1-based): the base doubled per
// retry, capped at 20 times the base, with jitter between half and all of it.
func (c *Client) backoffDelay(attempt int) time.Duration {
	limit := 20 * c.backoff
	d := limit
	if attempt < 30 {
		d = min(c.backoff<<(attempt-1), limit)
	}
	if d <= 0 {
		return 0
	}
	return d/2 + rand.N(d/2+1) //nolint:gosec // jitter needs no cryptographic randomness
}

// wait sleeps before retry number attempt (1-based), honouring ctx.
func (c *Client) wait(ctx context.Context, r request, attempt int, cause error) error {
	d := c.backoffDelay(attempt)
	c.log.Warn("salesforce call failed; retrying", "method", r.method, "path", r.path, "attempt", attempt, "delay", d, "error", cause.Error())
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("salesforce: %w while waiting to retry after: %w", ctx.Err(), cause)
	}
}
