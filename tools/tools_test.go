package tools

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/sfmcp/sfmcp/salesforce"
	"github.com/sfmcp/sfmcp/salesforce/emulator"
)

// sent is one request the tools made, as Salesforce received it.
type sent struct {
	Method, Path string
	Query        url.Values
	Body         map[string]any
}

// recorder forwards to an emulated org (as admin) and records every request.
type recorder struct {
	mu   sync.Mutex
	reqs []sent
	org  http.Handler
	tok  string
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	s := sent{Method: req.Method, Path: req.URL.Path, Query: req.URL.Query()}
	_ = json.Unmarshal(body, &s.Body)
	r.mu.Lock()
	r.reqs = append(r.reqs, s)
	r.mu.Unlock()
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+r.tok)
	r.org.ServeHTTP(w, req)
}

func (r *recorder) take() []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.reqs
	r.reqs = nil
	return out
}

func newCall(t *testing.T, denied ...string) (*Call, *recorder) {
	t.Helper()
	org := emulator.New(emulator.Options{Seed: 1})
	tok, err := org.IssueToken("admin@acme.demo")
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{org: org.Handler(), tok: tok}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	sf, err := salesforce.New(srv.URL, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	deny := map[string]bool{}
	for _, d := range denied {
		deny[strings.ToLower(d)] = true
	}
	return &Call{
		Principal: "p", Connection: "c", Client: sf,
		Limits:  Limits{MaxRows: 200, MaxBytes: 32768},
		Denied:  func(o, f string) bool { return deny[strings.ToLower(o+"."+f)] },
		Cursors: NewCursorCodec([]byte("k")),
	}, rec
}

func run(t *testing.T, c *Call, tool Tool, args string) string {
	t.Helper()
	p, err := tool.Plan(context.Background(), c, json.RawMessage(args))
	if err != nil {
		t.Fatalf("%s plan: %v", tool.Name, err)
	}
	res, err := p.Run(context.Background())
	if err != nil {
		t.Fatalf("%s run: %v", tool.Name, err)
	}
	if res.IsError {
		t.Fatalf("%s: %s", tool.Name, res.Content[0].(mcp.TextContent).Text)
	}
	return res.Content[0].(mcp.TextContent).Text
}

// writes returns the POST/PATCH/DELETE requests.
func writes(reqs []sent) []sent {
	var out []sent
	for _, r := range reqs {
		if r.Method != http.MethodGet {
			out = append(out, r)
		}
	}
	return out
}

const contactID = "0035g0000004OmXAAU" // Ana Silva, seeded

func TestLogActivitySendsWireShapes(t *testing.T) {
	c, rec := newCall(t)

	run(t, c, logActivity(), `{"type":"call","record_id":"`+contactID+`","subject":"Intro","description":"hi","date":"2026-11-20","duration_minutes":5,"direction":"Outbound"}`)
	w := writes(rec.take())
	if len(w) != 1 || w[0].Method != "POST" || !strings.HasSuffix(strings.TrimSuffix(w[0].Path, "/"), "/sobjects/Task") {
		t.Fatalf("call: %+v", w)
	}
	want := map[string]any{"Subject": "Intro", "TaskSubtype": "Call", "Status": "Completed", "Priority": "Normal",
		"ActivityDate": "2026-11-20", "WhoId": contactID, "Description": "hi", "CallType": "Outbound", "CallDurationInSeconds": 300.0}
	for k, v := range want {
		if w[0].Body[k] != v {
			t.Errorf("call body %s = %v, want %v", k, w[0].Body[k], v)
		}
	}
	if _, ok := w[0].Body["WhatId"]; ok {
		t.Error("a Contact goes in WhoId, not WhatId")
	}

	run(t, c, logActivity(), `{"type":"meeting","record_id":"0015g0000004OmXAAU","start":"2026-11-20T15:00:00Z","duration_minutes":45}`)
	w = writes(rec.take())
	if len(w) != 1 || !strings.HasSuffix(strings.TrimSuffix(w[0].Path, "/"), "/sobjects/Event") ||
		w[0].Body["WhatId"] != "0015g0000004OmXAAU" || w[0].Body["StartDateTime"] != "2026-11-20T15:00:00Z" || w[0].Body["EndDateTime"] != "2026-11-20T15:45:00Z" {
		t.Fatalf("meeting: %+v", w)
	}

	run(t, c, logActivity(), `{"type":"note","record_id":"`+contactID+`","subject":"Notes","description":"<b>x</b> & y"}`)
	w = writes(rec.take())
	if len(w) != 2 || !strings.HasSuffix(strings.TrimSuffix(w[0].Path, "/"), "/sobjects/ContentNote") || !strings.HasSuffix(strings.TrimSuffix(w[1].Path, "/"), "/sobjects/ContentDocumentLink") {
		t.Fatalf("note: %+v", w)
	}
	content, _ := base64.StdEncoding.DecodeString(w[0].Body["Content"].(string))
	if string(content) != "&lt;b&gt;x&lt;/b&gt; &amp; y" {
		t.Errorf("note content must be HTML-escaped then base64: %q", content)
	}
	if w[1].Body["LinkedEntityId"] != contactID || w[1].Body["ContentDocumentId"] == "" {
		t.Errorf("link body: %+v", w[1].Body)
	}
}

func TestSearchEscapesAndWithholds(t *testing.T) {
	c, rec := newCall(t, "Contact.Email")
	run(t, c, searchRecords(), `{"text":"O'Brien & {Sons} a+b","limit":5}`)
	reqs := rec.take()
	if len(reqs) != 1 {
		t.Fatalf("want one search call, got %+v", reqs)
	}
	q := reqs[0].Query.Get("q")
	if !strings.HasPrefix(q, `FIND {O\'Brien \{Sons\} a\+b} IN ALL FIELDS RETURNING Account(`) || !strings.HasSuffix(q, "LIMIT 5") {
		t.Errorf("SOSL sent: %s", q)
	}
	if strings.Contains(q, "Email, Title") || !strings.Contains(q, "Contact(Id, Name, Title, AccountId)") {
		t.Errorf("a denied field must not be requested: %s", q)
	}
}

func TestQuerySendsTheSOQLOnce(t *testing.T) {
	c, rec := newCall(t)
	out := run(t, c, queryRecords(), `{"soql":"SELECT Name FROM Account WHERE Name = 'O\\'Brien & Sons'"}`)
	if !strings.Contains(out, "O'Brien & Sons") {
		t.Fatalf("result: %s", out)
	}
	reqs := rec.take()
	if len(reqs) != 1 || reqs[0].Query.Get("q") != `SELECT Name FROM Account WHERE Name = 'O\'Brien & Sons'` {
		t.Errorf("requests: %+v", reqs)
	}
}

func TestUpdateReturnsBeforeAfter(t *testing.T) {
	c, rec := newCall(t)
	out := run(t, c, updateRecord(), `{"id":"0015g0000004OmXAAU","fields":{"industry":"Energy","Phone":"+1 555 0100"}}`)
	if !strings.Contains(out, "Industry,Manufacturing,Energy") || !strings.Contains(out, ",+1 555 0100\n") || !strings.Contains(out, "2 fields changed") {
		t.Errorf("update result: %s", out)
	}
	w := writes(rec.take())
	if len(w) != 1 || w[0].Method != "PATCH" || w[0].Body["Industry"] != "Energy" || w[0].Body["industry"] != nil {
		t.Errorf("PATCH must use Salesforce's field names: %+v", w)
	}
}

func TestPlanRefusesBeforeCallingSalesforce(t *testing.T) {
	c, rec := newCall(t)
	for _, tc := range []struct {
		tool Tool
		args string
	}{
		{queryRecords(), `{"soql":"SELECT FROM"}`},
		{getRecord(), `{"id":"xyz"}`},
		{updateRecord(), `{"id":"0015g0000004OmXAAU","fields":{}}`},
		{deleteRecord(), `{"id":"0015g0000004OmXAA"}`},
		{logActivity(), `{"type":"meeting","record_id":"0015g0000004OmXAAU"}`},
		{searchRecords(), `{"text":"a & b"}`},
		{createRecord(), `{"object":"Account","fields":{"Name":"x"},"approve":true}`},
	} {
		if _, err := tc.tool.Plan(context.Background(), c, json.RawMessage(tc.args)); err == nil {
			t.Errorf("%s %s: want an error", tc.tool.Name, tc.args)
		}
	}
	if reqs := rec.take(); len(reqs) != 0 {
		t.Errorf("bad input reached Salesforce: %+v", reqs)
	}
}

func TestDescribeListIsBounded(t *testing.T) {
	c, _ := newCall(t)
	full := run(t, c, describeObjectTool(), `{}`)
	if !strings.Contains(full, "Account") || strings.Contains(full, "cut by the size limit") {
		t.Fatalf("full list: %s", full)
	}
	c.Limits.MaxBytes = 40
	cut := run(t, c, describeObjectTool(), `{}`)
	body := cut[strings.IndexByte(cut, '\n')+1:]
	if len(body) > 40 || !strings.Contains(cut, "cut by the size limit") {
		t.Errorf("bounded list (%d bytes): %s", len(body), cut)
	}
}
