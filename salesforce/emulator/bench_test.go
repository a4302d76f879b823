package emulator

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// benchSOQL is a filtered, ordered query with a relationship and LIMIT 200.
const benchSOQL = "SELECT Id, Name, Email, Title, Account.Name FROM Contact " +
	"WHERE LastName LIKE '%s%' AND MailingCity != 'Berlin' ORDER BY LastName, CreatedDate DESC LIMIT 200"

func benchQuery(b *testing.B, records int) {
	o := New(Options{Records: records, Seed: 1})
	tok, err := o.IssueToken("admin@acme.demo")
	if err != nil {
		b.Fatal(err)
	}
	h := o.Handler()
	target := "/services/data/v62.0/query?q=" + url.QueryEscape(benchSOQL)
	run := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	if w := run(); w.Code != 200 || !strings.Contains(w.Body.String(), `"totalSize":200`) {
		b.Fatalf("%d %.300s", w.Code, w.Body.String())
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if w := run(); w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}

func BenchmarkQuery10k(b *testing.B)  { benchQuery(b, 10_000) }
func BenchmarkQuery100k(b *testing.B) { benchQuery(b, 100_000) }
