package salesforce

import (
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestNewInstanceURL(t *testing.T) {
	hc := http.DefaultClient
	ok := map[string]string{
		"https://acme.my.salesforce.com":                  "https://acme.my.salesforce.com",
		"https://acme.my.salesforce.com/":                 "https://acme.my.salesforce.com",
		"HTTPS://Acme.My.Salesforce.com":                  "https://acme.my.salesforce.com",
		"https://acme--uat.sandbox.my.salesforce.com:443": "https://acme--uat.sandbox.my.salesforce.com:443",
		"http://127.0.0.1:8080":                           "http://127.0.0.1:8080",
		"http://localhost:1717":                           "http://localhost:1717",
		"http://[::1]:9000":                               "http://[::1]:9000",
	}
	for in, want := range ok {
		c, err := New(in, hc)
		if err != nil || c.InstanceURL() != want {
			t.Errorf("New(%q): %v, InstanceURL %q; want %q", in, err, c.InstanceURL(), want)
		}
	}
	bad := map[string]string{
		"http://acme.my.salesforce.com": "https",
		"http://127.0.0.2:80":           "https",
		"http://localhost.evil.com":     "https",
		"ftp://acme.my.salesforce.com":  "https",
		"acme.my.salesforce.com":        "absolute URL",
		"":                              "absolute URL",
		"https://acme.my.salesforce.com/services/data": "only scheme and host",
		"https://acme.my.salesforce.com?x=1":           "only scheme and host",
		"https://user:secret@acme.my.salesforce.com":   "only scheme and host",
		"https://acme.my.salesforce.com#frag":          "only scheme and host",
		"https://acme.my.salesforce.com/../evil.com":   "only scheme and host",
	}
	for in, want := range bad {
		if _, err := New(in, hc); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("New(%q) error = %v, want one mentioning %q", in, err, want)
		} else if strings.Contains(err.Error(), "secret") {
			t.Errorf("New(%q) error leaks the password: %v", in, err)
		}
	}
	if _, err := New("https://acme.my.salesforce.com", nil); err == nil {
		t.Error("New accepted a nil http.Client")
	}
	if _, err := New("https://acme.my.salesforce.com", hc, WithAPIVersion("62")); err == nil {
		t.Error(`New accepted API version "62"`)
	}
	if c, err := New("https://acme.my.salesforce.com", hc, WithAPIVersion("63.0")); err != nil || c.APIVersion() != "v63.0" {
		t.Errorf("WithAPIVersion(63.0): %v %v", c, err)
	}
}

// TestRequestsOnTheWire checks the exact method, path, query, headers and body of each
// operation, and that each parses the documented answer.
func TestRequestsOnTheWire(t *testing.T) {
	id := "0015g00000QxTzAAAV"
	tests := []struct {
		name                   string
		status                 int
		body                   []byte
		call                   func(c *Client) (any, error)
		method, path, rawQuery string
		header                 map[string]string
		sentBody               string
		want                   any
	}{
		{name: "versions", status: 200, body: example(t, "versions.json"),
			call:   func(c *Client) (any, error) { v, err := c.Versions(bg); return v[0], err },
			method: "GET", path: "/services/data/",
			want: Version{Label: "Winter '25", URL: "/services/data/v62.0", Version: "62.0"}},
		{name: "query", status: 200, body: example(t, "query_account.json"),
			call: func(c *Client) (any, error) {
				r, err := c.Query(bg, "SELECT Id, Name FROM Account WHERE Name = 'O\\'Brien & Sons'", QueryOptions{})
				return r.TotalSize, err
			},
			method: "GET", path: "/services/data/v62.0/query",
			rawQuery: "q=SELECT+Id%2C+Name+FROM+Account+WHERE+Name+%3D+%27O%5C%27Brien+%26+Sons%27",
			want:     2},
		{name: "queryAll with batch size", status: 200, body: example(t, "queryall_deleted.json"),
			call: func(c *Client) (any, error) {
				r, err := c.Query(bg, "SELECT Id FROM Task", QueryOptions{All: true, BatchSize: 500})
				return r.Records[0].Get("IsDeleted").Bool(), err
			},
			method: "GET", path: "/services/data/v62.0/queryAll", rawQuery: "q=SELECT+Id+FROM+Task",
			header: map[string]string{"Sforce-Query-Options": "batchSize=500"}, want: true},
		{name: "query more", status: 200, body: example(t, "query_more_page2.json"),
			call: func(c *Client) (any, error) {
				r, err := c.QueryMore(bg, "/services/data/v62.0/query/01gD0000002HU6KIAW-2000")
				return r.Records[0].Get("Name").String(), err
			},
			method: "GET", path: "/services/data/v62.0/query/01gD0000002HU6KIAW-2000", want: "Globex"},
		{name: "search", status: 200, body: example(t, "sosl_search.json"),
			call: func(c *Client) (any, error) {
				r, err := c.Search(bg, "FIND {Acme} RETURNING Account(Id,Name)")
				return len(r), err
			},
			method: "GET", path: "/services/data/v62.0/search/",
			rawQuery: "q=FIND+%7BAcme%7D+RETURNING+Account%28Id%2CName%29", want: 3},
		{name: "get", status: 200, body: example(t, "record_get_fields.json"),
			call: func(c *Client) (any, error) {
				r, err := c.Get(bg, "Account", id, []string{"Name", "Industry"})
				return r.Get("Industry").String(), err
			},
			method: "GET", path: "/services/data/v62.0/sobjects/Account/" + id, rawQuery: "fields=Name%2CIndustry",
			want: "Manufacturing"},
		{name: "create", status: 201, body: example(t, "create_ok.json"),
			call: func(c *Client) (any, error) {
				return c.Create(bg, "Account", map[string]any{"Name": "Acme", "NumberOfEmployees": 5})
			},
			method: "POST", path: "/services/data/v62.0/sobjects/Account/",
			header:   map[string]string{"Content-Type": "application/json"},
			sentBody: `{"Name":"Acme","NumberOfEmployees":5}`, want: id},
		{name: "update", status: 204,
			call: func(c *Client) (any, error) {
				return nil, c.Update(bg, "Account", id, map[string]any{"Industry": nil, "Name": "A & B"})
			},
			method: "PATCH", path: "/services/data/v62.0/sobjects/Account/" + id,
			header:   map[string]string{"Content-Type": "application/json"},
			sentBody: `{"Industry":null,"Name":"A & B"}`},
		{name: "delete", status: 204,
			call:   func(c *Client) (any, error) { return nil, c.Delete(bg, "Account", id) },
			method: "DELETE", path: "/services/data/v62.0/sobjects/Account/" + id},
		{name: "upsert created", status: 201, body: example(t, "upsert_created.json"),
			call: func(c *Client) (any, error) {
				return c.Upsert(bg, "Account", "External_Id__c", "EXT 1", map[string]any{"Name": "Acme"})
			},
			method: "PATCH", path: "/services/data/v62.0/sobjects/Account/External_Id__c/EXT 1",
			sentBody: `{"Name":"Acme"}`, want: UpsertResult{ID: id, Created: true}},
		{name: "upsert updated", status: 200, body: example(t, "upsert_updated.json"),
			call: func(c *Client) (any, error) {
				return c.Upsert(bg, "Account", "External_Id__c", "E-1", map[string]any{"Name": "Acme"})
			},
			method: "PATCH", path: "/services/data/v62.0/sobjects/Account/External_Id__c/E-1",
			sentBody: `{"Name":"Acme"}`, want: UpsertResult{ID: id, Created: false}},
		{name: "upsert updated old style", status: 204,
			call: func(c *Client) (any, error) {
				return c.Upsert(bg, "Account", "External_Id__c", "E-1", nil)
			},
			method: "PATCH", path: "/services/data/v62.0/sobjects/Account/External_Id__c/E-1",
			sentBody: `{}`, want: UpsertResult{}},
		{name: "limits", status: 200, body: example(t, "limits.json"),
			call: func(c *Client) (any, error) {
				l, err := c.Limits(bg)
				return l["DailyApiRequests"], err
			},
			method: "GET", path: "/services/data/v62.0/limits/", want: Limit{Max: 15000, Remaining: 14998}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, fixed(tt.status, tt.body))
			got, err := tt.call(f.client(t))
			if err != nil {
				t.Fatal(err)
			}
			if tt.want != nil && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("result = %#v, want %#v", got, tt.want)
			}
			if f.count() != 1 {
				t.Errorf("%d requests, want 1", f.count())
			}
			r := f.last(t)
			if r.Method != tt.method || r.Path != tt.path || r.RawQuery != tt.rawQuery {
				t.Errorf("sent %s %s ?%s\nwant %s %s ?%s", r.Method, r.Path, r.RawQuery, tt.method, tt.path, tt.rawQuery)
			}
			if got := r.Header.Get("Accept"); got != "application/json" {
				t.Errorf("Accept = %q", got)
			}
			for k, v := range tt.header {
				if got := r.Header.Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			if tt.sentBody == "" && len(r.Body) != 0 {
				t.Errorf("unexpected body %s", r.Body)
			}
			if tt.sentBody != "" && !jsonEqual(r.Body, []byte(tt.sentBody)) {
				t.Errorf("body = %s, want %s", r.Body, tt.sentBody)
			}
			if r.Header.Get("Authorization") != "" {
				t.Error("the client set an Authorization header itself")
			}
		})
	}
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	return json.Unmarshal(a, &x) == nil && json.Unmarshal(b, &y) == nil && reflect.DeepEqual(x, y)
}

func TestUpsertPathEscaping(t *testing.T) {
	f := newFake(t, fixed(201, example(t, "upsert_created.json")))
	if _, err := f.client(t).Upsert(bg, "Account", "Ext__c", "a b%c", nil); err != nil {
		t.Fatal(err)
	}
	if r := f.last(t); r.RawPath != "/services/data/v62.0/sobjects/Account/Ext__c/a%20b%25c" {
		t.Errorf("raw path = %s", r.RawPath)
	}
	for _, v := range []string{"", ".", "..", "a/b", `a\b`, "a?b", "a#b"} {
		if _, err := f.client(t).Upsert(bg, "Account", "Ext__c", v, nil); !IsCode(err, CodeInvalidArgument) {
			t.Errorf("Upsert with value %q: err = %v", v, err)
		}
	}
	if f.count() != 1 {
		t.Errorf("bad values reached the server: %d requests", f.count())
	}
}

func TestUpsertMultipleMatches(t *testing.T) {
	f := newFake(t, fixed(300, example(t, "upsert_multiple_300.json")))
	_, err := f.client(t).Upsert(bg, "Account", "External_Id__c", "X1", map[string]any{"Name": "A"})
	var me *MultipleMatchesError
	if !errors.As(err, &me) {
		t.Fatalf("err = %T %v", err, err)
	}
	if me.Object != "Account" || me.Field != "External_Id__c" || me.Value != "X1" || len(me.IDs) != 2 {
		t.Errorf("got %+v", me)
	}
	if ex := Explain(err); !strings.Contains(ex, "0015g00000QxTzBAAV") || !strings.Contains(ex, "External_Id__c = 'X1'") {
		t.Errorf("Explain = %q", ex)
	}
	if f.count() != 1 {
		t.Errorf("%d requests, want 1 (a 300 is not retried)", f.count())
	}
}

// TestLocalValidation checks that bad names and Ids are refused before anything is sent.
func TestLocalValidation(t *testing.T) {
	f := newFake(t, fixed(200, []byte(`{}`)))
	c := f.client(t)
	id := "0015g00000QxTzAAAV"
	errs := []error{
		func() error { _, err := c.Get(bg, "Account", "001", nil); return err }(),
		func() error { _, err := c.Get(bg, "Account", "../limits/x1234", nil); return err }(),
		func() error { _, err := c.Get(bg, "Account/../x", id, nil); return err }(),
		func() error { _, err := c.Get(bg, "Account", id, []string{"Name,Secret__c"}); return err }(),
		func() error { _, err := c.Describe(bg, "Account/describe"); return err }(),
		func() error { _, err := c.Describe(bg, ""); return err }(),
		func() error { _, err := c.Create(bg, "Acc ount", nil); return err }(),
		c.Update(bg, "Account", "0015g00000QxTzAAAA", nil), // bad checksum
		c.Delete(bg, "Account", id+"?x=1"),
		func() error { _, err := c.Upsert(bg, "Account", "Ext__c/x", "v", nil); return err }(),
		func() error { _, err := c.Query(bg, "SELECT Id FROM Account", QueryOptions{BatchSize: -1}); return err }(),
	}
	for i, err := range errs {
		var e *Error
		if !errors.As(err, &e) || e.HTTPStatus != 0 || Explain(err) == "" {
			t.Errorf("case %d: err = %v, want a local *Error", i, err)
		}
	}
	if !IsCode(errs[0], "MALFORMED_ID") {
		t.Errorf("bad Id: %v", errs[0])
	}
	if n := f.count(); n != 0 {
		t.Errorf("%d requests reached the server", n)
	}
}

func TestLocatorValidation(t *testing.T) {
	good := []string{
		"/services/data/v62.0/query/01gD0000002HU6KIAW-2000",
		"/services/data/v29.0/query/01g1C00007zabMdQAI-499",
		"/services/data/v62.0/queryAll/01gD0000002HU6KIAW-4000",
		"/services/data/v62.0/query/01gD0000002HU6K-2000",
	}
	bad := []string{
		"", "01gD0000002HU6KIAW-2000",
		"https://acme.my.salesforce.com/services/data/v62.0/query/01gD0000002HU6KIAW-2000",
		"http://127.0.0.1:1/services/data/v62.0/query/01gD0000002HU6KIAW-2000",
		"//evil.example/services/data/v62.0/query/01gD0000002HU6KIAW-2000",
		"/services/data/v62.0/query/../sobjects/Account/0015g00000QxTzAAAV",
		"/services/data/v62.0/query/01gD0000002HU6KIAW-2000/../../sobjects",
		"/services/data/v62.0/query/01gD0000002HU6KIAW-2000?q=SELECT+Id+FROM+User",
		"/services/data/v62.0/query/01gD0000002HU6KIAW-2000#x",
		"/services/data/v62.0/query/01gD0000002HU6KIAW-2000\n",
		"/services/data/v62.0/query/01gD0000002HU6KIAW-2000%2F..",
		"/services/data/v62.0/query/?q=SELECT+Id+FROM+User",
		"/services/data/v62.0/sobjects/Account/0015g00000QxTzAAAV",
		"/services/data/v62.0/query/01gD0000002HU6KIAW",
		"/services/data/v62.0/query/01gD0000002HU6KIAW-",
		"/services/data/v62.0/query/01gD00000-02HU6KIAW-2000",
		"/services/data/latest/query/01gD0000002HU6KIAW-2000",
		" /services/data/v62.0/query/01gD0000002HU6KIAW-2000",
		"\\services\\data\\v62.0\\query\\01gD0000002HU6KIAW-2000",
	}
	f := newFake(t, fixed(200, example(t, "query_more_page2.json")))
	c := f.client(t)
	for _, l := range good {
		if _, err := c.QueryMore(bg, l); err != nil {
			t.Errorf("QueryMore(%q): %v", l, err)
		}
	}
	for _, l := range bad {
		_, err := c.QueryMore(bg, l)
		if !IsCode(err, CodeInvalidArgument) || !strings.Contains(Explain(err), "exactly as it was returned") {
			t.Errorf("QueryMore(%q) err = %v", l, err)
		}
	}
	if f.count() != len(good) {
		t.Errorf("%d requests, want %d: a bad locator was sent", f.count(), len(good))
	}
	if got := f.requests(); !slices.EqualFunc(got, good, func(r seen, l string) bool { return r.Path == l && r.RawQuery == "" }) {
		t.Errorf("paths sent: %+v", got)
	}
}

func TestSearchLegacyArray(t *testing.T) {
	f := newFake(t, fixed(200, example(t, "sosl_search_legacy_pre_v37.json")))
	recs, err := f.client(t).Search(bg, "FIND {Acme}")
	if err != nil || len(recs) != 1 || recs[0].Get("attributes.type").String() != "Account" {
		t.Fatalf("got %v, %v", recs, err)
	}
}

func TestQueryExamples(t *testing.T) {
	tests := []struct {
		file      string
		total     int
		done      bool
		next      string
		records   int
		check     string // gjson path into the first record
		wantCheck string
	}{
		{"query_account.json", 2, true, "", 2, "Owner.Name", "Jane Doe"},
		{"query_contacts_relationship.json", 1, true, "", 1, "Account.Owner.Email", "jane.doe@acme.example"},
		{"query_first_page.json", 3214, false, "/services/data/v62.0/query/01gD0000002HU6KIAW-2000", 2, "Name", "Acme Corp"},
		{"query_empty.json", 0, true, "", 0, "", ""},
		{"query_count.json", 42, true, "", 0, "", ""},
		{"query_child_subquery.json", 2, true, "", 2, "Contacts.records.1.LastName", "Nakamura"},
		{"query_child_subquery_paged.json", 1, true, "", 1, "Contacts.nextRecordsUrl", "/services/data/v62.0/query/01g1C00007zabMdQAI-499"},
		{"aggregate.json", 3, true, "", 3, "expr0", "12"},
		{"task_query_calls.json", 1, true, "", 1, "What.Name", "Acme Renewal FY26"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f := newFake(t, fixed(200, example(t, tt.file)))
			r, err := f.client(t).Query(bg, "SELECT Id FROM Account", QueryOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if r.TotalSize != tt.total || r.Done != tt.done || r.NextRecordsURL != tt.next || len(r.Records) != tt.records {
				t.Errorf("got total %d done %v next %q records %d", r.TotalSize, r.Done, r.NextRecordsURL, len(r.Records))
			}
			if tt.check != "" && r.Records[0].Get(tt.check).String() != tt.wantCheck {
				t.Errorf("%s = %q, want %q", tt.check, r.Records[0].Get(tt.check).String(), tt.wantCheck)
			}
			if r.NextRecordsURL != "" && !ValidLocator(r.NextRecordsURL) {
				t.Errorf("the documented nextRecordsUrl %q is not accepted by QueryMore", r.NextRecordsURL)
			}
		})
	}
	f := newFake(t, fixed(200, example(t, "query_child_subquery.json")))
	r, _ := f.client(t).Query(bg, "SELECT Id FROM Account", QueryOptions{})
	if c := r.Records[1].Get("Contacts"); c.Type.String() != "Null" {
		t.Errorf("childless subquery should be null, got %s", c.Raw)
	}
}

func TestCreateContentNote(t *testing.T) {
	f := newFake(t, fixed(201, example(t, "contentnote_create_response.json")))
	id, err := f.client(t).Create(bg, "ContentNote", map[string]any{"Title": "T", "Content": "PHA+aGk8L3A+"})
	if err != nil || id != "0695g00000GcE1sAAF" {
		t.Fatalf("Create = %q, %v", id, err)
	}
}

func TestRedirectNotFollowed(t *testing.T) {
	other := newFake(t, fixed(200, []byte(`{"totalSize":0,"done":true,"records":[]}`)))
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		http.Redirect(w, r, other.srv.URL+r.URL.Path, http.StatusFound)
	})
	_, err := f.client(t).Query(bg, "SELECT Id FROM Account", QueryOptions{})
	if err == nil || !IsCode(err, "UNEXPECTED_REDIRECT") {
		t.Errorf("err = %v", err)
	}
	if other.count() != 0 {
		t.Error("the client followed a redirect to another host")
	}
}

func TestErrorResponsesAreTyped(t *testing.T) {
	f := newFake(t, fixed(400, example(t, "error_invalid_field.json")))
	_, err := f.client(t).Query(bg, "SELECT Id, Foo FROM Account", QueryOptions{})
	var e *Error
	if !errors.As(err, &e) || e.Code != "INVALID_FIELD" || e.HTTPStatus != 400 {
		t.Fatalf("err = %v", err)
	}
	f2 := newFake(t, fixed(404, example(t, "error_entity_is_deleted.json")))
	err = f2.client(t).Delete(bg, "Account", "0015g00000QxTzAAAV")
	if !IsCode(err, "ENTITY_IS_DELETED") || !errors.As(err, &e) || e.Object != "Account" {
		t.Fatalf("err = %v", err)
	}
	if f.count() != 1 || f2.count() != 1 {
		t.Errorf("4xx answers were retried: %d, %d requests", f.count(), f2.count())
	}
}

func TestNonJSONErrorBody(t *testing.T) {
	html := `<!DOCTYPE html><html><head><title>Down for Maintenance</title><script>var token="00Dxx0000001gPL!AQ4AQFakeToken1234567890"</script></head><body>` + strings.Repeat("<p>junk</p>", 500) + `</body></html>`
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(503)
		_, _ = w.Write([]byte(html))
	})
	_, err := f.client(t).Query(bg, "SELECT Id FROM Account", QueryOptions{})
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeServerUnavailable || e.HTTPStatus != 503 {
		t.Fatalf("err = %v", err)
	}
	for _, s := range []string{err.Error(), Explain(err)} {
		if len(s) > 300 || strings.Contains(s, "<") || strings.Contains(s, "FakeToken") {
			t.Errorf("message is not short and clean: %q", s)
		}
		if !strings.Contains(s, "Down for Maintenance") {
			t.Errorf("message lost the page title: %q", s)
		}
	}
	// Other statuses without a Salesforce body.
	for status, code := range map[int]string{502: CodeServerUnavailable, 500: "UNKNOWN_EXCEPTION", 429: "REQUEST_LIMIT_EXCEEDED", 404: "NOT_FOUND", 401: "INVALID_SESSION_ID", 418: "HTTP_418"} {
		if err := ParseError(status, []byte("oops\nmore")); !IsCode(err, code) || !strings.Contains(err.Error(), "oops") || strings.Contains(err.Error(), "more") {
			t.Errorf("ParseError(%d) = %v, want %s", status, err, code)
		}
	}
	if err := ParseError(400, []byte(`error=invalid_token&error_description=Token+was+invalid`)); !IsCode(err, "invalid_token") {
		t.Errorf("form-encoded token error: %v", err)
	}
	if err := ParseError(400, []byte(`[{"statusCode":"DUPLICATES_DETECTED","message":"Use one of these records?","fields":[]}]`)); !IsCode(err, "DUPLICATES_DETECTED") {
		t.Errorf("statusCode form: %v", err)
	}
}

func TestRedact(t *testing.T) {
	in := "failed: Authorization: Bearer 00Dxx0000001gPL!AQ4AQFakeTokenValue123 and 00Dxx0000001gPL!AQ4AQOtherToken99999 token=abc&refresh_token=def client_secret=s3"
	out := Redact(in)
	for _, leak := range []string{"FakeTokenValue", "OtherToken", "abc", "def", "s3"} {
		if strings.Contains(out, leak) {
			t.Errorf("Redact left %q in %q", leak, out)
		}
	}
	if got := Explain(errors.New("dial: Bearer 00Dxx0000001gPL!AQ4AQFakeTokenValue123")); strings.Contains(got, "FakeTokenValue") {
		t.Errorf("Explain leaked a token: %q", got)
	}
}
