package salesforce_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sfmcp/sfmcp/salesforce"
	"github.com/sfmcp/sfmcp/salesforce/emulator"
)

// bearer adds a replaceable access token, like an OAuth transport would.
type bearer struct {
	mu    sync.Mutex
	token string
}

func (b *bearer) set(t string) { b.mu.Lock(); b.token = t; b.mu.Unlock() }

func (b *bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	b.mu.Lock()
	t := b.token
	b.mu.Unlock()
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+t)
	return http.DefaultTransport.RoundTrip(r)
}

type emu struct {
	org *emulator.Org
	c   *salesforce.Client
	tok *bearer
}

// newEmu starts an emulated org on loopback and a client signed in as admin.
func newEmu(t *testing.T, opts ...salesforce.Option) *emu {
	t.Helper()
	org := emulator.New(emulator.Options{Seed: 1, Records: 5000})
	srv := httptest.NewServer(org.Handler())
	t.Cleanup(srv.Close)
	tok, err := org.IssueToken("admin@acme.demo")
	if err != nil {
		t.Fatal(err)
	}
	b := &bearer{token: tok}
	c, err := salesforce.New(srv.URL, &http.Client{Transport: b}, append([]salesforce.Option{salesforce.WithBackoff(time.Microsecond)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return &emu{org: org, c: c, tok: b}
}

func TestEmulatorQueryPaging(t *testing.T) {
	e := newEmu(t)
	ctx := context.Background()
	page, err := e.c.Query(ctx, "SELECT Id, Name FROM Account", salesforce.QueryOptions{BatchSize: 200})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	pages := 1
	for {
		for _, r := range page.Records {
			id := r.Get("Id").String()
			if !salesforce.ValidID(id) || salesforce.KeyPrefix(id) != "001" || seen[id] {
				t.Fatalf("bad or repeated Id %q", id)
			}
			seen[id] = true
		}
		if page.Done {
			break
		}
		if page, err = e.c.QueryMore(ctx, page.NextRecordsURL); err != nil {
			t.Fatalf("QueryMore(%q): %v", page.NextRecordsURL, err)
		}
		pages++
	}
	if len(seen) != page.TotalSize || pages < 2 {
		t.Errorf("read %d rows in %d pages; totalSize %d", len(seen), pages, page.TotalSize)
	}
	if u, ok := e.c.Usage(); !ok || u.Used < pages || u.Max != 100000 {
		t.Errorf("usage = %+v, %v", u, ok)
	}
}

func TestEmulatorCRUD(t *testing.T) {
	e := newEmu(t)
	ctx := context.Background()
	id, err := e.c.Create(ctx, "Account", map[string]any{"Name": "Client Test O'Brien", "Industry": "Retail"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.c.Update(ctx, "Account", id, map[string]any{"Industry": "Banking"}); err != nil {
		t.Fatal(err)
	}
	rec, err := e.c.Get(ctx, "Account", id, []string{"Name", "Industry"})
	if err != nil || rec.Get("Industry").String() != "Banking" || rec.Get("Name").String() != "Client Test O'Brien" {
		t.Fatalf("Get = %s, %v", rec.Raw, err)
	}
	res, err := e.c.Query(ctx, "SELECT Id FROM Account WHERE Name = "+salesforce.QuoteSOQL("Client Test O'Brien"), salesforce.QueryOptions{})
	if err != nil || res.TotalSize != 1 || res.Records[0].Get("Id").String() != id {
		t.Fatalf("query by quoted name: %+v, %v", res, err)
	}
	if err := e.c.Delete(ctx, "Account", id); err != nil {
		t.Fatal(err)
	}
	if err := e.c.Delete(ctx, "Account", id); !salesforce.IsCode(err, "ENTITY_IS_DELETED") {
		t.Errorf("second delete: %v", err)
	}
}

func TestEmulatorDescribeAndErrors(t *testing.T) {
	e := newEmu(t)
	ctx := context.Background()
	d, err := e.c.Describe(ctx, "Account")
	if err != nil {
		t.Fatal(err)
	}
	if name, ok := d.Field("Name"); !ok || !name.Required() || d.KeyPrefix != "001" {
		t.Errorf("describe: %+v", d)
	}
	g, err := e.c.DescribeGlobal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if o, ok := g.ObjectForPrefix("003"); !ok || o != "Contact" {
		t.Errorf("ObjectForPrefix(003) = %q", o)
	}
	_, err = e.c.Query(ctx, "SELECT Id, Foo FROM Account", salesforce.QueryOptions{})
	if !salesforce.IsCode(err, "INVALID_FIELD") || !strings.Contains(salesforce.Explain(err), "Field 'Foo' does not exist on Account") {
		t.Errorf("bad field: %v\n%s", err, salesforce.Explain(err))
	}
	_, err = e.c.Query(ctx, "SELECT Id FROM Acount", salesforce.QueryOptions{})
	if !salesforce.IsCode(err, "INVALID_TYPE") || !strings.Contains(salesforce.Explain(err), "'Acount'") {
		t.Errorf("bad object: %v", err)
	}
	recs, err := e.c.Search(ctx, "FIND {"+salesforce.EscapeSOSL("O'Brien")+"} RETURNING Account(Id, Name)")
	if err != nil || len(recs) == 0 {
		t.Errorf("search: %d records, %v", len(recs), err)
	}
	if l, err := e.c.Limits(ctx); err != nil || l["DailyApiRequests"].Max != 100000 {
		t.Errorf("limits: %v, %v", l, err)
	}
}

func TestEmulatorFaults(t *testing.T) {
	e := newEmu(t)
	ctx := context.Background()
	e.org.Inject(emulator.Fault{Kind: emulator.Fault503, Next: 2})
	e.org.ResetRequests()
	if _, err := e.c.Query(ctx, "SELECT Id FROM Account LIMIT 1", salesforce.QueryOptions{}); err != nil {
		t.Errorf("query after two 503s: %v", err)
	}
	if n := len(e.org.Requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}

	e.org.Inject(emulator.Fault{Kind: emulator.FaultDrop, Next: 1, PathPrefix: "/services/data/v62.0/sobjects/Account"})
	_, err := e.c.Create(ctx, "Account", map[string]any{"Name": "Dropped Create Co"})
	if !errors.Is(err, salesforce.ErrOutcomeUnknown) {
		t.Fatalf("dropped create: %v", err)
	}
	var ou *salesforce.OutcomeUnknownError
	if !errors.As(err, &ou) {
		t.Fatal(err)
	}
	// The suggested check query runs as is and finds the record the emulator did create.
	res, err := e.c.Query(ctx, ou.CheckQuery, salesforce.QueryOptions{})
	if err != nil || res.TotalSize != 1 {
		t.Errorf("check query %q: %+v, %v", ou.CheckQuery, res, err)
	}
}

func TestEmulatorRefreshOn401(t *testing.T) {
	var e *emu
	refreshes := 0
	e = newEmu(t, salesforce.WithRefresh(func(context.Context) error {
		refreshes++
		tok, err := e.org.IssueToken("admin@acme.demo")
		e.tok.set(tok)
		return err
	}))
	e.org.RevokeAll("admin@acme.demo")
	if _, err := e.c.Query(context.Background(), "SELECT Id FROM Account LIMIT 1", salesforce.QueryOptions{}); err != nil || refreshes != 1 {
		t.Errorf("err %v, refreshes %d", err, refreshes)
	}
}
