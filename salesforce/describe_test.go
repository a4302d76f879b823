package salesforce

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestDescribeParsesExample(t *testing.T) {
	f := newFake(t, fixed(200, example(t, "describe_account_min.json")))
	d, err := f.client(t).Describe(bg, "Account")
	if err != nil {
		t.Fatal(err)
	}
	if r := f.last(t); r.Path != "/services/data/v62.0/sobjects/Account/describe/" || r.Header.Get("If-Modified-Since") != "" {
		t.Errorf("sent %s with If-Modified-Since %q", r.Path, r.Header.Get("If-Modified-Since"))
	}
	if d.Name != "Account" || d.KeyPrefix != "001" || !d.Createable || !d.Queryable || len(d.Fields) != 8 {
		t.Errorf("describe = %+v", d)
	}
	name, ok := d.Field("name") // case-insensitive
	if !ok || !name.Required() || !name.NameField || name.Length != 255 || name.Type != "string" {
		t.Errorf("Name field = %+v", name)
	}
	ind, _ := d.Field("Industry")
	if ind.Required() || ind.Type != "picklist" || len(ind.PicklistValues) != 2 || ind.PicklistValues[1].Value != "Manufacturing" || !ind.PicklistValues[1].Active {
		t.Errorf("Industry = %+v", ind)
	}
	if id, _ := d.Field("Id"); id.Required() {
		t.Error("Id is not required on create (not createable)")
	}
	owner, ok := d.FieldByRelationship("owner")
	if !ok || owner.Name != "OwnerId" || len(owner.ReferenceTo) == 0 {
		t.Errorf("Owner relationship = %+v %v", owner, ok)
	}
	ext, _ := d.Field("External_Id__c")
	if !ext.ExternalID {
		t.Errorf("External_Id__c = %+v", ext)
	}
	if len(d.ChildRelationships) != 2 || d.ChildRelationships[0] != (ChildRelationship{Field: "AccountId", ChildSObject: "Contact", RelationshipName: "Contacts"}) {
		t.Errorf("child relationships = %+v", d.ChildRelationships)
	}
	if len(d.RecordTypes) != 1 || d.RecordTypes[0].ID != "012000000000000AAA" || !d.RecordTypes[0].Master {
		t.Errorf("record types = %+v", d.RecordTypes)
	}
	if _, ok := d.Field("Nope"); ok {
		t.Error("found a field that does not exist")
	}
}

func TestDescribeGlobalParsesExample(t *testing.T) {
	f := newFake(t, fixed(200, example(t, "describe_global_min.json")))
	c := f.client(t)
	g, err := c.DescribeGlobal(bg)
	if err != nil {
		t.Fatal(err)
	}
	if f.last(t).Path != "/services/data/v62.0/sobjects/" || g.MaxBatchSize != 200 || len(g.SObjects) != 2 {
		t.Fatalf("got %+v", g)
	}
	if task, ok := g.Object("task"); !ok || task.KeyPrefix != "00T" || !task.Queryable || task.Custom || task.LabelPlural != "Tasks" {
		t.Errorf("Task = %+v", task)
	}
	if _, err := c.DescribeGlobal(bg); err != nil || f.count() != 1 {
		t.Errorf("the global describe is not cached: %d requests", f.count())
	}
}

// TestDescribeCacheRevalidates walks the cache through TTL expiry, a 304 and a change.
func TestDescribeCacheRevalidates(t *testing.T) {
	const lastModified = "Mon, 30 Nov 2020 08:34:54 GMT"
	var notModified atomic.Bool
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if r.Header.Get("If-Modified-Since") == lastModified && notModified.Load() {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Last-Modified", lastModified)
		reply(w, 200, example(t, "describe_account_min.json"))
	})
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	c := f.client(t, WithDescribeTTL(10*time.Minute))
	c.now = func() time.Time { return now }

	d1, err := c.Describe(bg, "Account")
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(9 * time.Minute)
	if d2, _ := c.Describe(bg, "ACCOUNT"); d2 != d1 || f.count() != 1 {
		t.Fatalf("within the TTL: %d requests, same copy %v", f.count(), d2 == d1)
	}

	now = now.Add(2 * time.Minute) // past the TTL: revalidate, Salesforce says 304
	notModified.Store(true)
	d3, err := c.Describe(bg, "Account")
	if err != nil || d3 != d1 || f.count() != 2 {
		t.Fatalf("after 304: err %v, %d requests, same copy %v", err, f.count(), d3 == d1)
	}
	if ims := f.last(t).Header.Get("If-Modified-Since"); ims != lastModified {
		t.Errorf("If-Modified-Since = %q, want %q", ims, lastModified)
	}
	now = now.Add(5 * time.Minute) // the 304 restarted the TTL
	if _, _ = c.Describe(bg, "Account"); f.count() != 2 {
		t.Errorf("a 304 should refresh the TTL: %d requests", f.count())
	}

	now = now.Add(10 * time.Minute) // expired again and this time the schema changed
	notModified.Store(false)
	d4, err := c.Describe(bg, "Account")
	if err != nil || d4 == d1 || f.count() != 3 {
		t.Errorf("after a change: err %v, %d requests, new copy %v", err, f.count(), d4 != d1)
	}
}

func TestDescribeErrorsAreNotCached(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if n == 1 {
			reply(w, 404, example(t, "error_not_found.json"))
			return
		}
		reply(w, 200, example(t, "describe_account_min.json"))
	})
	c := f.client(t)
	if _, err := c.Describe(bg, "Account"); !IsCode(err, "INVALID_TYPE") {
		t.Fatalf("err = %v", err)
	}
	if _, err := c.Describe(bg, "Account"); err != nil || f.count() != 2 {
		t.Errorf("err %v, %d requests", err, f.count())
	}
}

// TestDescribeSingleFlight starts many concurrent Describe calls while the first request is
// held at the server, and checks that they share it.
func TestDescribeSingleFlight(t *testing.T) {
	const callers = 16
	release := make(chan struct{})
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		<-release
		reply(w, 200, example(t, "describe_account_min.json"))
	})
	c := f.client(t)
	var waiting atomic.Int32
	testHookFlightWait = func(string) {
		if waiting.Add(1) == callers-1 {
			close(release) // every other caller is now waiting on the one request
		}
	}
	defer func() { testHookFlightWait = nil }()

	results := make([]*ObjectDescribe, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			d, err := c.Describe(bg, "Account")
			if err != nil {
				t.Error(err)
			}
			results[i] = d
		})
	}
	wg.Wait()
	if f.count() != 1 {
		t.Errorf("%d requests for %d concurrent callers, want 1", f.count(), callers)
	}
	for _, d := range results {
		if d == nil || d != results[0] {
			t.Fatal("callers got different results")
		}
	}
}

func TestDescribeUnknownObject(t *testing.T) {
	f := newFake(t, fixed(404, example(t, "error_not_found.json")))
	_, err := f.client(t).Describe(bg, "Acount")
	if !IsCode(err, "INVALID_TYPE") || !strings.Contains(Explain(err), "describe_object with no argument") {
		t.Errorf("err = %v\n%s", err, Explain(err))
	}
}
