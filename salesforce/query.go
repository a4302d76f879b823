package salesforce

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"

	"github.com/tidwall/gjson"
)

// QueryOptions tunes Query.
type QueryOptions struct {
	// All uses queryAll: deleted and archived rows are included.
	All bool
	// BatchSize asks for pages of this many rows (Salesforce allows 200 to 2000 and treats
	// it as a hint). Zero leaves the default (2000).
	BatchSize int
}

// QueryResult is one page of a SOQL query.
type QueryResult struct {
	// TotalSize is the number of rows the query matched in all pages (for COUNT() alone,
	// the count).
	TotalSize int
	// Done is true on the last page.
	Done bool
	// NextRecordsURL is the locator of the next page when Done is false; pass it to QueryMore.
	NextRecordsURL string
	// Records are this page's rows, each with an "attributes" object; child-to-parent
	// fields nest as objects, subqueries as nested query results (null when empty).
	Records []gjson.Result
}

// Query runs a SOQL query and returns its first page.
func (c *Client) Query(ctx context.Context, soql string, opt QueryOptions) (*QueryResult, error) {
	if opt.BatchSize < 0 {
		return nil, &Error{Code: CodeInvalidArgument, Message: "batch size must not be negative"}
	}
	resource := "/query"
	if opt.All {
		resource = "/queryAll"
	}
	r := request{method: "GET", path: c.dataPath(resource), query: url.Values{"q": {soql}}, idempotent: true}
	if opt.BatchSize > 0 {
		r.header = http.Header{"Sforce-Query-Options": {"batchSize=" + strconv.Itoa(opt.BatchSize)}}
	}
	return c.queryPage(ctx, r)
}

// locatorPattern is the only shape QueryMore accepts: this org's query resource followed
// by a query locator, e.g. /services/data/v62.0/query/01gD0000002HU6KIAW-2000.
var locatorPattern = regexp.MustCompile(`^/services/data/v[0-9]{2,3}\.[0-9]/query(?:All)?/[0-9A-Za-z]{15,18}-[0-9]{1,9}$`)

// ValidLocator reports whether s is a next-page locator that QueryMore accepts.
func ValidLocator(s string) bool { return locatorPattern.MatchString(s) }

// QueryMore fetches the page at locator, the NextRecordsURL of the previous page. Only a
// relative path of this instance's query resource is accepted (never a full URL).
func (c *Client) QueryMore(ctx context.Context, locator string) (*QueryResult, error) {
	if !ValidLocator(locator) {
		return nil, &Error{Code: CodeInvalidArgument, Message: fmt.Sprintf(
			"%q is not a query cursor. Pass back the cursor exactly as it was returned (it looks like /services/data/v62.0/query/01gD0000002HU6KIAW-2000), or run the query again.",
			truncate(locator, 100))}
	}
	return c.queryPage(ctx, request{method: "GET", path: locator, idempotent: true})
}

func (c *Client) queryPage(ctx context.Context, r request) (*QueryResult, error) {
	resp, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	v, err := parseJSON(resp, gjson.JSON)
	if err != nil {
		return nil, err
	}
	// One pass over the top-level keys: a Get per key would skip over the records again.
	var out QueryResult
	var recs, done gjson.Result
	v.ForEach(func(k, val gjson.Result) bool {
		switch k.Str {
		case "totalSize":
			out.TotalSize = int(val.Int())
		case "done":
			done = val
		case "nextRecordsUrl":
			out.NextRecordsURL = val.String()
		case "records":
			recs = val
		}
		return true
	})
	if !v.IsObject() || !done.IsBool() || !recs.IsArray() {
		return nil, badBody(resp, "a query result")
	}
	out.Done = done.Bool()
	out.Records = recs.Array()
	return &out, nil
}

// Search runs a SOSL search (GET /search/?q=) and returns the matching records of every
// type, told apart by attributes.type. Both the current {"searchRecords":[...]} answer and
// the bare array of API 36 and earlier are accepted.
func (c *Client) Search(ctx context.Context, sosl string) ([]gjson.Result, error) {
	resp, err := c.do(ctx, request{method: "GET", path: c.dataPath("/search/"), query: url.Values{"q": {sosl}}, idempotent: true})
	if err != nil {
		return nil, err
	}
	v, err := parseJSON(resp, gjson.JSON)
	if err != nil {
		return nil, err
	}
	if v.IsArray() {
		return v.Array(), nil
	}
	recs := v.Get("searchRecords")
	if !recs.IsArray() {
		return nil, badBody(resp, "a search result")
	}
	return recs.Array(), nil
}
