package salesforce_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/sfmcp/sfmcp/salesforce"
	"github.com/sfmcp/sfmcp/salesforce/emulator"
)

// handlerTransport sends requests straight to an http.Handler: no network, no sockets, so
// a benchmark measures the client and the handler only.
type handlerTransport struct {
	h     http.Handler
	token string
}

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	if t.token != "" {
		r.Header.Set("Authorization", "Bearer "+t.token)
	}
	w := httptest.NewRecorder()
	t.h.ServeHTTP(w, r)
	return w.Result(), nil
}

// fixedRows is a query answer with n Account rows, shaped like query_account.json.
func fixedRows(n int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `{"totalSize":%d,"done":true,"records":[`, n)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		id := fmt.Sprintf("0015g00000Qx%03dAAV", i%1000)
		fmt.Fprintf(&b, `{"attributes":{"type":"Account","url":"/services/data/v62.0/sobjects/Account/%s"},"Id":"%s","Name":"Account %d","Industry":"Manufacturing","AnnualRevenue":12500000.0,"NumberOfEmployees":%d,"CreatedDate":"2024-03-14T09:26:53.000+0000","Owner":{"attributes":{"type":"User","url":"/services/data/v62.0/sobjects/User/0055g00000Bc7RkAAJ"},"Name":"Jane Doe"}}`, id, id, i, i)
	}
	b.WriteString("]}")
	return []byte(b.String())
}

// BenchmarkQueryFixed measures the client's overhead per Query against a handler that
// returns a prebuilt 200-row body: Handler alone, then Client.Query through the same
// handler. The difference is the client's cost (URL building, headers, retries wrapper,
// limit-info parsing, body read and gjson parsing of 200 records).
func BenchmarkQueryFixed(b *testing.B) {
	body := fixedRows(200)
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.Header().Set("Sforce-Limit-Info", "api-usage=18/5000")
		_, _ = w.Write(body)
	})
	benchHandlerAndClient(b, h, "", "SELECT Id, Name, Industry, AnnualRevenue, NumberOfEmployees, CreatedDate, Owner.Name FROM Account LIMIT 200", 200)
}

func benchHandlerAndClient(b *testing.B, h http.Handler, token, soql string, wantRows int) {
	ctx := context.Background()
	c, err := salesforce.New("http://127.0.0.1", &http.Client{Transport: handlerTransport{h: h, token: token}})
	if err != nil {
		b.Fatal(err)
	}
	if r, err := c.Query(ctx, soql, salesforce.QueryOptions{}); err != nil || len(r.Records) != wantRows {
		b.Fatalf("query: %v rows, %v", r, err)
	}
	b.Run("handler", func(b *testing.B) {
		target := "http://127.0.0.1/services/data/v62.0/query?" + url.Values{"q": {soql}}.Encode()
		b.ReportAllocs()
		for b.Loop() {
			req := httptest.NewRequest("GET", target, nil)
			req.Header.Set("Accept", "application/json")
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != 200 {
				b.Fatalf("status %d: %s", w.Code, w.Body)
			}
		}
	})
	b.Run("client", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r, err := c.Query(ctx, soql, salesforce.QueryOptions{})
			if err != nil || len(r.Records) != wantRows {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkQueryEmulator measures the same two things against the in-process emulator
// (Transport calls org.Handler() directly): the emulator's own time for a 200-row query,
// and Client.Query through it. The difference is the client's overhead per call.
func BenchmarkQueryEmulator(b *testing.B) {
	org := emulator.New(emulator.Options{Seed: 1, Records: 2000, APIDailyLimit: 1 << 30})
	tok, err := org.IssueToken("admin@acme.demo")
	if err != nil {
		b.Fatal(err)
	}
	benchHandlerAndClient(b, org.Handler(), tok, "SELECT Id, Name, Industry, AnnualRevenue, NumberOfEmployees, CreatedDate, Owner.Name FROM Account LIMIT 200", 200)
}
