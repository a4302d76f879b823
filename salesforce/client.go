// Package salesforce is a small client for the Salesforce REST API: queries, search,
// describe (cached), record CRUD and upsert, limits, typed errors with actionable
// explanations, record Ids, and SOQL/SOSL escaping. Responses are read with gjson; records
// are returned as gjson.Result values, not structs.
//
// The client never sees a token: authentication is the job of the *http.Client it is given
// (for example an oauth2 transport). It only talks to the one instance URL it was built for.
package salesforce

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
)

// DefaultAPIVersion is the REST API version used unless WithAPIVersion says otherwise.
const DefaultAPIVersion = "v62.0"

// DefaultDescribeTTL is how long a describe result is used before it is revalidated.
const DefaultDescribeTTL = 10 * time.Minute

// Client calls the REST API of one Salesforce org. It is safe for concurrent use.
type Client struct {
	base     *url.URL // scheme://host only
	hc       *http.Client
	version  string
	refresh  func(ctx context.Context) error
	observer func(Usage)
	ttl      time.Duration
	log      *slog.Logger
	backoff  time.Duration // first retry delay; doubles per retry up to backoffMax
	attempts int           // tries in total for a retryable request
	now      func() time.Time

	mu       sync.Mutex
	usage    Usage
	hasUsage bool

	cache describeCache
}

// Option configures a Client.
type Option func(*Client)

// WithAPIVersion sets the REST API version, e.g. "v62.0" (the default).
func WithAPIVersion(v string) Option {
	return func(c *Client) { c.version = v }
}

// WithRefresh sets the hook called once when Salesforce answers 401 INVALID_SESSION_ID; it
// should make the http.Client's transport obtain a new access token. The request is then
// retried once (also a create: a 401 means nothing happened).
func WithRefresh(f func(ctx context.Context) error) Option {
	return func(c *Client) { c.refresh = f }
}

// WithUsageObserver sets a function called with the API usage from every Sforce-Limit-Info
// response header. It runs on the calling goroutine and must be quick.
func WithUsageObserver(f func(Usage)) Option {
	return func(c *Client) { c.observer = f }
}

// WithDescribeTTL sets how long describe results are served from memory before they are
// revalidated with If-Modified-Since (default 10 minutes). Zero or less revalidates every time.
func WithDescribeTTL(d time.Duration) Option {
	return func(c *Client) { c.ttl = d }
}

// WithLogger sets the logger (default: discard). Requests are logged at Debug without
// query strings or bodies; retries at Warn.
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) {
		if l != nil {
			c.log = l
		}
	}
}

// WithBackoff sets the delay before the first retry (default 500ms); each later retry waits
// twice as long, capped at 20 times the base, with jitter. Tests use a tiny value.
func WithBackoff(base time.Duration) Option {
	return func(c *Client) { c.backoff = base }
}

var versionPattern = regexp.MustCompile(`^v[0-9]{2,3}\.[0-9]$`)

// New returns a client for the org at instanceURL (its My Domain URL, e.g.
// https://acme.my.salesforce.com). The URL must be https, or http for a loopback host
// (127.0.0.1, localhost, ::1) such as the emulator. hc carries the authentication.
func New(instanceURL string, hc *http.Client, opts ...Option) (*Client, error) {
	if hc == nil {
		return nil, errors.New("salesforce: New needs an *http.Client (it carries the authentication)")
	}
	base, err := parseInstanceURL(instanceURL)
	if err != nil {
		return nil, err
	}
	c := &Client{
		base:     base,
		version:  DefaultAPIVersion,
		ttl:      DefaultDescribeTTL,
		log:      slog.New(slog.DiscardHandler),
		backoff:  500 * time.Millisecond,
		attempts: 3,
		now:      time.Now,
	}
	for _, o := range opts {
		o(c)
	}
	if !strings.HasPrefix(c.version, "v") {
		c.version = "v" + c.version
	}
	if !versionPattern.MatchString(c.version) {
		return nil, fmt.Errorf("salesforce: API version %q is not of the form v62.0", c.version)
	}
	// Never follow redirects: the transport adds the token to every request it sends, so a
	// redirect to another host would leak it. Salesforce's REST API does not redirect.
	hcCopy := *hc
	hcCopy.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.hc = &hcCopy
	c.cache.init()
	return c, nil
}

func parseInstanceURL(s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Host == "" || u.Opaque != "" {
		return nil, fmt.Errorf("salesforce: instance URL %q is not an absolute URL like https://acme.my.salesforce.com", truncate(s, 100))
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/") {
		return nil, fmt.Errorf("salesforce: instance URL %q must be only scheme and host, like https://acme.my.salesforce.com", truncate(u.Redacted(), 100))
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("salesforce: instance URL %q must use https (plain http is allowed only for 127.0.0.1, localhost and ::1)", u.String())
		}
	default:
		return nil, fmt.Errorf("salesforce: instance URL %q must use https", u.String())
	}
	return &url.URL{Scheme: strings.ToLower(u.Scheme), Host: strings.ToLower(u.Host)}, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (ip.Equal(net.IPv4(127, 0, 0, 1)) || ip.Equal(net.IPv6loopback))
}

// InstanceURL returns the org's base URL, e.g. "https://acme.my.salesforce.com".
func (c *Client) InstanceURL() string { return c.base.String() }

// APIVersion returns the REST API version in use, e.g. "v62.0".
func (c *Client) APIVersion() string { return c.version }

// dataPath returns the path of a REST resource under /services/data/vNN.N; rest must start
// with "/" and have its variable segments escaped already (see seg).
func (c *Client) dataPath(rest string) string {
	return "/services/data/" + c.version + rest
}

// seg escapes one path segment.
func seg(s string) string { return url.PathEscape(s) }

// resolve builds the absolute URL for an escaped path and query on this instance only.
func (c *Client) resolve(escapedPath string, q url.Values) (*url.URL, error) {
	u, err := url.Parse(c.base.String() + escapedPath)
	if err != nil || u.Scheme != c.base.Scheme || u.Host != c.base.Host {
		return nil, &Error{Code: CodeInvalidArgument, Message: fmt.Sprintf("cannot build a request path from %q", truncate(escapedPath, 100))}
	}
	if len(q) > 0 {
		u.RawQuery = q.Encode()
	}
	return u, nil
}

var namePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,79}$`)

// checkName validates an object or field API name before it goes into a URL path.
func checkName(kind, name string) error {
	if namePattern.MatchString(name) {
		return nil
	}
	return &Error{Code: CodeInvalidArgument, Message: fmt.Sprintf("%q is not a valid %s API name (letters, digits and underscores, starting with a letter, e.g. Account or Custom__c)", truncate(name, 80), kind)}
}

func checkID(object, id string) error {
	if ValidID(id) {
		return nil
	}
	return &Error{Code: "MALFORMED_ID", Object: object, Message: fmt.Sprintf("%q is not a valid record Id (15 or 18 letters and digits, as returned by Salesforce)", truncate(id, 40))}
}
