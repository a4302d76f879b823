package salesforce

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"
)

// Usage is the org's API request usage from the Sforce-Limit-Info response header
// ("api-usage=10018/100000"): requests used in the rolling 24 hours and the maximum.
type Usage struct {
	Used, Max int
	At        time.Time
}

// Remaining returns how many API requests are left (never negative).
func (u Usage) Remaining() int { return max(u.Max-u.Used, 0) }

// Limit is one entry of the org's limits resource.
type Limit struct {
	Max, Remaining int
}

// Version is one entry of the versions resource.
type Version struct {
	Label   string // "Winter '25"
	URL     string // "/services/data/v62.0"
	Version string // "62.0"
}

// ParseLimitInfo parses a Sforce-Limit-Info header value: ";"-separated key=value pairs
// such as "api-usage=18/5000; api-bursts=1/750". It returns the pairs and, when an
// api-usage pair is well-formed, the usage.
func ParseLimitInfo(v string) (pairs map[string]string, usage Usage, ok bool) {
	for part := range strings.SplitSeq(v, ";") {
		k, val, found := strings.Cut(strings.TrimSpace(part), "=")
		k = strings.ToLower(strings.TrimSpace(k))
		if !found || k == "" {
			continue
		}
		if pairs == nil {
			pairs = map[string]string{}
		}
		pairs[k] = strings.TrimSpace(val)
	}
	u, m, found := strings.Cut(pairs["api-usage"], "/")
	if !found {
		return pairs, Usage{}, false
	}
	used, err1 := strconv.Atoi(strings.TrimSpace(u))
	maxi, err2 := strconv.Atoi(strings.TrimSpace(m))
	if err1 != nil || err2 != nil || used < 0 || maxi < 0 {
		return pairs, Usage{}, false
	}
	return pairs, Usage{Used: used, Max: maxi}, true
}

func (c *Client) observeLimitInfo(header string) {
	if header == "" {
		return
	}
	_, u, ok := ParseLimitInfo(header)
	if !ok {
		return
	}
	u.At = c.now()
	c.mu.Lock()
	c.usage, c.hasUsage = u, true
	c.mu.Unlock()
	if c.observer != nil {
		c.observer(u)
	}
}

// Usage returns the API usage from the latest response that carried Sforce-Limit-Info;
// ok is false until one has been seen.
func (c *Client) Usage() (u Usage, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.usage, c.hasUsage
}

// Limits returns the org's limits (GET /limits/), e.g. "DailyApiRequests" -> {15000 14998}.
// Values given as numeric strings (old API versions) are accepted.
func (c *Client) Limits(ctx context.Context) (map[string]Limit, error) {
	resp, err := c.do(ctx, request{method: "GET", path: c.dataPath("/limits/"), idempotent: true})
	if err != nil {
		return nil, err
	}
	v, err := parseJSON(resp, gjson.JSON)
	if err != nil {
		return nil, err
	}
	out := map[string]Limit{}
	v.ForEach(func(k, l gjson.Result) bool {
		if l.IsObject() {
			out[k.String()] = Limit{Max: int(l.Get("Max").Int()), Remaining: int(l.Get("Remaining").Int())}
		}
		return true
	})
	return out, nil
}

// Versions lists the REST API versions the org supports (GET /services/data/).
func (c *Client) Versions(ctx context.Context) ([]Version, error) {
	resp, err := c.do(ctx, request{method: "GET", path: "/services/data/", idempotent: true})
	if err != nil {
		return nil, err
	}
	v, err := parseJSON(resp, gjson.JSON)
	if err != nil {
		return nil, err
	}
	if !v.IsArray() {
		return nil, badBody(resp, "a list of versions")
	}
	var out []Version
	for _, e := range v.Array() {
		out = append(out, Version{Label: e.Get("label").String(), URL: e.Get("url").String(), Version: e.Get("version").String()})
	}
	return out, nil
}

// parseJSON checks that a success body is JSON of the wanted kind (gjson.JSON means an
// object or array) and parses it.
func parseJSON(resp *response, kind gjson.Type) (gjson.Result, error) {
	if !gjson.ValidBytes(resp.body) {
		return gjson.Result{}, badBody(resp, "JSON")
	}
	v := gjson.ParseBytes(resp.body)
	if v.Type != kind {
		return gjson.Result{}, badBody(resp, "a JSON object or array")
	}
	return v, nil
}

func badBody(resp *response, want string) error {
	return &Error{HTTPStatus: resp.status, Code: "UNEXPECTED_RESPONSE", Message: "Salesforce answered HTTP " + strconv.Itoa(resp.status) + " with a body that is not " + want}
}
