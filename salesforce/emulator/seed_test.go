package emulator

import (
	"bytes"
	"fmt"
	"net/url"
	"sync"
	"testing"
	"time"
)

func TestSeedIsDeterministic(t *testing.T) {
	const q = "SELECT Id, Name, Industry, AnnualRevenue, Owner.Name, (SELECT Id, Email FROM Contacts) FROM Account ORDER BY Id"
	a, b, c := newAPI(t, Options{Seed: 42}), newAPI(t, Options{Seed: 42}), newAPI(t, Options{Seed: 43})
	ra, rb, rc := a.query("admin", q), b.query("admin", q), c.query("admin", q)
	if !bytes.Equal(ra.body, rb.body) {
		t.Error("same seed, different data")
	}
	if bytes.Equal(ra.body, rc.body) {
		t.Error("different seeds, same data")
	}
}

func TestSeedScalesAndIdsAreValid(t *testing.T) {
	o := New(Options{Records: 20000, Seed: 1, Now: func() time.Time { return apiNow }})
	total := 0
	for _, ob := range o.db.order {
		for _, r := range o.db.rows[ob] {
			total++
			if id, ok := normID(r.ID); !ok || id != r.ID || r.ID[:3] != ob.KeyPrefix {
				t.Fatalf("bad id %q for %s", r.ID, ob.Name)
			}
			for _, f := range ob.Fields {
				if f.Type == tRef && r.vals[f.idx] != nil && o.db.lookup(r.vals[f.idx].(string)) == nil {
					t.Fatalf("%s.%s dangles: %v", ob.Name, f.Name, r.vals[f.idx])
				}
				if f.required() && r.vals[f.idx] == nil && !r.deleted {
					t.Fatalf("%s %s misses required %s", ob.Name, r.ID, f.Name)
				}
			}
		}
	}
	if total < 18000 || total > 24000 {
		t.Errorf("%d records for Records=20000", total)
	}
	demo := New(Options{})
	n := 0
	for _, ob := range demo.db.order {
		n += len(demo.db.rows[ob])
	}
	if n < 200 || n > 600 {
		t.Errorf("demo org has %d records", n)
	}
}

func TestBudgetResetsDaily(t *testing.T) {
	a := newAPI(t, Options{APIDailyLimit: 10, SessionIdle: 48 * time.Hour})
	a.o.SetAPIUsage(10)
	a.get("admin", "/limits").wantError(t, 403, "REQUEST_LIMIT_EXCEEDED", "")
	a.advance(24 * time.Hour)
	r := a.get("admin", "/limits")
	r.wantStatus(t, 200)
	if h := r.header.Get("Sforce-Limit-Info"); h != "api-usage=1/10" {
		t.Errorf("after a day: %q", h)
	}
}

func TestConcurrentReadsAndWrites(t *testing.T) {
	a := newAPI(t, Options{})
	acme := a.id("SELECT Id FROM Account WHERE Name = 'Acme Corp'")
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 5; j++ {
				var r apiResp
				switch (i + j) % 3 {
				case 0:
					r = a.call("admin", "POST", "/sobjects/Contact", fmt.Sprintf(`{"LastName":"C%d-%d","AccountId":"%s"}`, i, j, acme))
				case 1:
					r = a.get("admin", "/query?q="+url.QueryEscape("SELECT Name, (SELECT Id FROM Contacts) FROM Account WHERE Id = '"+acme+"'"))
				default:
					r = a.call("admin", "PATCH", "/sobjects/Account/"+acme, `{"Rating":"Warm"}`)
				}
				if r.status >= 300 {
					errs <- fmt.Sprintf("%d %s", r.status, r.body)
				}
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
