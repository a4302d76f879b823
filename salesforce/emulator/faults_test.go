package emulator

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestFaults(t *testing.T) {
	a := newAPI(t, Options{})
	acme := a.id("SELECT Id FROM Account WHERE Name = 'Acme Corp'")

	a.o.Inject(Fault{Kind: Fault503, Next: 2})
	a.get("admin", "/limits").wantError(t, 503, "SERVER_UNAVAILABLE", "server too busy")
	a.get("admin", "/limits").wantError(t, 503, "SERVER_UNAVAILABLE", "")
	a.get("admin", "/limits").wantStatus(t, 200)

	a.o.Inject(Fault{Kind: FaultLockRow, Next: 1, PathPrefix: "/services/data/v62.0/sobjects/Account/"})
	a.get("admin", "/limits").wantStatus(t, 200) // other paths unaffected
	a.call("admin", "PATCH", "/sobjects/Account/"+acme, `{"Rating":"Cold"}`).wantError(t, 400, "UNABLE_TO_LOCK_ROW",
		"unable to obtain exclusive access to this record or 1 records: "+acme)
	a.call("admin", "PATCH", "/sobjects/Account/"+acme, `{"Rating":"Cold"}`).wantStatus(t, 204)

	a.o.Inject(Fault{Kind: FaultLatency, Latency: time.Millisecond, Rate: 1})
	a.get("admin", "/limits").wantStatus(t, 200)
	if a.o.Count("fault.latency") != 1 {
		t.Errorf("latency counter %d", a.o.Count("fault.latency"))
	}
	a.o.ClearFaults()

	// A dropped create: the client sees a transport error, but the record exists.
	before := len(a.rows("admin", "SELECT Id FROM Account WHERE Name = 'Dropped Inc'"))
	a.o.Inject(Fault{Kind: FaultDrop, Next: 1, PathPrefix: "/services/data/v62.0/sobjects/"})
	req, _ := http.NewRequest("POST", a.srv.URL+"/services/data/v62.0/sobjects/Account", strings.NewReader(`{"Name":"Dropped Inc"}`))
	req.Header.Set("Authorization", "Bearer "+a.token("admin"))
	if resp, err := a.srv.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("dropped connection answered %d", resp.StatusCode)
	}
	if after := len(a.rows("admin", "SELECT Id FROM Account WHERE Name = 'Dropped Inc'")); after != before+1 {
		t.Errorf("dropped create: %d -> %d records", before, after)
	}
	if a.o.Count("fault.drop") != 1 || a.o.Count("fault.503") != 2 || a.o.Count("fault.lock_row") != 1 {
		t.Errorf("counters drop=%d 503=%d lock=%d", a.o.Count("fault.drop"), a.o.Count("fault.503"), a.o.Count("fault.lock_row"))
	}
}

func TestFaultRateIsDeterministic(t *testing.T) {
	run := func() []int {
		a := newAPI(t, Options{Seed: 7})
		a.o.Inject(Fault{Kind: Fault503, Rate: 0.5})
		var st []int
		for i := 0; i < 20; i++ {
			st = append(st, a.get("admin", "/limits").status)
		}
		return st
	}
	x, y := run(), run()
	n503 := 0
	for i := range x {
		if x[i] != y[i] {
			t.Fatalf("runs differ: %v vs %v", x, y)
		}
		if x[i] == 503 {
			n503++
		}
	}
	if n503 == 0 || n503 == len(x) {
		t.Errorf("rate 0.5 gave %d/20 failures", n503)
	}
}

func TestRequestLog(t *testing.T) {
	a := newAPI(t, Options{})
	tok := a.token("alice")
	a.o.ResetRequests()
	a.query("alice", "SELECT Id FROM Account LIMIT 1")
	a.get("", "/services/data/")
	log := a.o.Requests()
	if len(log) != 2 {
		t.Fatalf("%d log entries", len(log))
	}
	alice := a.o.userByUsername("alice@acme.demo").ID
	if l := log[0]; l.Method != "GET" || l.Path != "/services/data/v62.0/query" || l.UserID != alice || l.TokenID != TokenHash(tok) || l.Status != 200 {
		t.Errorf("entry %+v", l)
	}
	if l := log[1]; l.UserID != "" || l.TokenID != "" {
		t.Errorf("anonymous entry %+v", l)
	}
	for _, l := range log {
		if strings.Contains(l.TokenID, tok) || strings.Contains(l.Path, tok) {
			t.Error("token leaked into the log")
		}
	}
	if a.o.Count("rest.GET") < 1 {
		t.Error("rest.GET counter")
	}
}

func TestStartServesBothHosts(t *testing.T) {
	o := New(Options{})
	s, err := Start(o, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !strings.HasPrefix(s.InstanceURL, "http://127.0.0.1:") || !strings.HasPrefix(s.LoginURL, "http://localhost:") ||
		s.InstanceURL[len("http://127.0.0.1"):] != s.LoginURL[len("http://localhost"):] {
		t.Fatalf("urls %s %s", s.InstanceURL, s.LoginURL)
	}
	tok, _ := o.IssueToken("bob@acme.demo")
	for _, base := range []string{s.InstanceURL, s.LoginURL} {
		req, _ := http.NewRequest("GET", base+"/services/data/v62.0/limits", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d", base, resp.StatusCode)
		}
		r, _ := http.NewRequest("GET", base, nil)
		if got := o.isMyDomainHost(r); got != (base == s.InstanceURL) {
			t.Errorf("isMyDomainHost(%s) = %v", base, got)
		}
	}
}
