package salesforce

import (
	"net/http"
	"testing"
)

func TestParseLimitInfo(t *testing.T) {
	tests := []struct {
		in       string
		used, mx int
		ok       bool
		pairs    int
	}{
		{"api-usage=10018/100000", 10018, 100000, true, 1},
		{"api-usage=18/5000; api-bursts=1/750", 18, 5000, true, 2},
		{" api-usage = 7 / 15000 ;per-app-api-usage=17/250(appName=sample-connected-app)", 7, 15000, true, 2},
		{"per-app-api-usage=17/250(appName=x); API-Usage=3/10", 3, 10, true, 2},
		{"api-usage=abc/100", 0, 0, false, 1},
		{"api-usage=5", 0, 0, false, 1},
		{"api-usage=-1/5", 0, 0, false, 1},
		{"", 0, 0, false, 0},
		{";;=;x", 0, 0, false, 0},
	}
	for _, tt := range tests {
		pairs, u, ok := ParseLimitInfo(tt.in)
		if ok != tt.ok || u.Used != tt.used || u.Max != tt.mx || len(pairs) != tt.pairs {
			t.Errorf("ParseLimitInfo(%q) = %v %+v %v", tt.in, pairs, u, ok)
		}
	}
	if pairs, _, _ := ParseLimitInfo("api-usage=18/5000; api-bursts=1/750"); pairs["api-bursts"] != "1/750" {
		t.Errorf("pairs = %v", pairs)
	}
}

func TestUsageObserved(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		switch n {
		case 1:
			w.Header().Set("Sforce-Limit-Info", "api-usage=41/15000; api-bursts=1/750")
			reply2(w, 200, example(t, "query_empty.json"))
		case 2: // no header (e.g. the versions resource): usage unchanged
			reply2(w, 200, example(t, "versions.json"))
		default: // an error response still carries the header
			w.Header().Set("Sforce-Limit-Info", "api-usage=15000/15000")
			reply2(w, 403, example(t, "error_request_limit_exceeded.json"))
		}
	})
	var seen []Usage
	c := f.client(t, WithUsageObserver(func(u Usage) { seen = append(seen, u) }))
	if _, ok := c.Usage(); ok {
		t.Error("usage before any call")
	}
	if _, err := c.Query(bg, "SELECT Id FROM Account", QueryOptions{}); err != nil {
		t.Fatal(err)
	}
	if u, ok := c.Usage(); !ok || u.Used != 41 || u.Max != 15000 || u.Remaining() != 14959 || u.At.IsZero() {
		t.Errorf("Usage = %+v %v", u, ok)
	}
	if _, err := c.Versions(bg); err != nil {
		t.Fatal(err)
	}
	if u, _ := c.Usage(); u.Used != 41 {
		t.Errorf("usage changed without a header: %+v", u)
	}
	if _, err := c.Query(bg, "SELECT Id FROM Account", QueryOptions{}); !IsCode(err, "REQUEST_LIMIT_EXCEEDED") {
		t.Fatalf("err = %v", err)
	}
	if u, _ := c.Usage(); u.Used != 15000 || u.Remaining() != 0 {
		t.Errorf("Usage = %+v", u)
	}
	if len(seen) != 2 || seen[0].Used != 41 || seen[1].Used != 15000 {
		t.Errorf("observer saw %+v", seen)
	}
}

// reply2 writes a JSON body without adding a Sforce-Limit-Info header.
func reply2(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func TestLimitsNumericStrings(t *testing.T) {
	f := newFake(t, fixed(200, []byte(`{"DailyApiRequests":{"Max":"5000","Remaining":"4980"},"Odd":"x"}`)))
	l, err := f.client(t).Limits(bg)
	if err != nil || l["DailyApiRequests"] != (Limit{Max: 5000, Remaining: 4980}) || len(l) != 1 {
		t.Errorf("Limits = %v, %v", l, err)
	}
}
