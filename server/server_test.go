package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	mcpserver "github.com/mark3labs/mcp-go/server"

	"github.com/sfmcp/sfmcp/config"
	"github.com/sfmcp/sfmcp/connections"
	"github.com/sfmcp/sfmcp/connections/store"
	"github.com/sfmcp/sfmcp/policy"
	"github.com/sfmcp/sfmcp/salesforce"
	"github.com/sfmcp/sfmcp/salesforce/emulator"
	"github.com/sfmcp/sfmcp/server"
	"github.com/sfmcp/sfmcp/tools"
)

// env is an MCP server over an in-process emulated org, as one user.
type env struct {
	org    *emulator.Org
	mgr    *connections.Manager
	sf     *salesforce.Client
	signer *policy.Signer
	srv    *mcpserver.MCPServer
}

// bearer adds an access token to every request, as the connection's token
// source does for real.
type bearer struct {
	token string
	next  http.Handler
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	rec := httptest.NewRecorder()
	b.next.ServeHTTP(rec, r)
	return rec.Result(), nil
}

// asTester is the context of every call: the principal the config allows.
var asTester = server.WithPrincipal(context.Background(), "tester")

type envConfig struct {
	records int
	extra   []string
}

type envOption func(*envConfig)

// withRecords sizes the org.
func withRecords(n int) envOption { return func(c *envConfig) { c.records = n } }

// withConnections adds connections (to the same org) besides "demo".
func withConnections(names ...string) envOption { return func(c *envConfig) { c.extra = names } }

func newEnv(t testing.TB, pol config.Policy, lim tools.Limits, opts ...envOption) *env {
	t.Helper()
	var ec envConfig
	for _, o := range opts {
		o(&ec)
	}
	org := emulator.New(emulator.Options{Seed: 1, Records: ec.records})
	token, err := org.IssueToken("admin@acme.demo")
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Transport: bearer{token: token, next: org.Handler()}}
	sf, err := salesforce.New("http://127.0.0.1:1", hc)
	if err != nil {
		t.Fatal(err)
	}
	all := tools.All()
	var pts []policy.Tool
	for _, tl := range all {
		pts = append(pts, policy.Tool{Name: tl.Name, Access: tl.Access})
	}
	p, err := policy.New(pol, pts)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := emulator.Start(org, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	yaml := "user: tester\nstore: {backend: memory}\nconnections:\n"
	names := append([]string{"demo"}, ec.extra...)
	for _, n := range names {
		yaml += fmt.Sprintf("  - {name: %s, instance_url: %q, login_url: %q, mode: shared, flow: client_credentials, client_id: %q, client_secret_env: SFMCP_TEST_SECRET, allow: [tester, mallory]}\n",
			n, srv.InstanceURL, srv.LoginURL, org.ClientID())
	}
	t.Setenv("SFMCP_TEST_SECRET", org.ClientSecret())
	cfg, err := config.Parse([]byte(yaml), "test")
	if err != nil {
		t.Fatal(err)
	}
	mgr := connections.NewManager(cfg, store.NewMemory())
	signer := policy.NewSigner([]byte("test-key-test-key-test-key-32byt"))
	if lim.MaxRows == 0 {
		lim = tools.Limits{MaxRows: 200, MaxBytes: 32768}
	}
	s, err := server.New(server.Options{Tools: all, Policy: p, Resolver: mgr, Connections: names, Limits: lim, Signer: signer})
	if err != nil {
		t.Fatal(err)
	}
	return &env{org: org, mgr: mgr, sf: sf, signer: signer, srv: s}
}

// client connects an in-process client; el answers approval prompts (nil:
// the client cannot elicit).
func (e *env) client(t testing.TB, el client.ElicitationHandler) *client.Client {
	t.Helper()
	var opts []transport.InProcessOption
	var copts []client.ClientOption
	if el != nil {
		opts = append(opts, transport.WithElicitationHandler(elicitFunc(el.Elicit)))
		copts = append(copts, client.WithElicitationHandler(el))
	}
	tr := transport.NewInProcessTransportWithOptions(e.srv, opts...)
	c := client.NewClient(tr, copts...)
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	req := mcp.InitializeRequest{}
	req.Params.ClientInfo = mcp.Implementation{Name: "test", Version: "1"}
	if el != nil {
		req.Params.Capabilities.Elicitation = &mcp.ElicitationCapability{}
	}
	if _, err := c.Initialize(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

type elicitFunc func(context.Context, mcp.ElicitationRequest) (*mcp.ElicitationResult, error)

func (f elicitFunc) Elicit(ctx context.Context, r mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	return f(ctx, r)
}

func call(t testing.TB, c *client.Client, name string, args map[string]any, mutate ...func(*mcp.CallToolRequest)) (string, bool) {
	t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = args
	for _, m := range mutate {
		m(&req)
	}
	res, err := c.CallTool(asTester, req)
	if err != nil {
		t.Fatalf("%s: JSON-RPC error %v (tool failures must be isError results)", name, err)
	}
	var b strings.Builder
	for _, ct := range res.Content {
		if tc, ok := ct.(mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String(), res.IsError
}

func (e *env) count(t testing.TB, soql string) int {
	t.Helper()
	res, err := e.sf.Query(context.Background(), soql, salesforce.QueryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return res.TotalSize
}

// rawCall sends one tools/call as raw 2026-07-28 JSON-RPC straight to the
// server, the way a hostile or buggy client could, with any requestState and
// inputResponses it likes.
func (e *env) rawCall(t *testing.T, name string, args map[string]any, state string, answer mcp.ElicitationResponseAction) (string, bool) {
	t.Helper()
	params := map[string]any{
		"name": name, "arguments": args,
		"_meta": map[string]any{
			mcp.MetaKeyProtocolVersion:    "2026-07-28",
			mcp.MetaKeyClientInfo:         map[string]any{"name": "raw", "version": "1"},
			mcp.MetaKeyClientCapabilities: map[string]any{"elicitation": map[string]any{"form": map[string]any{}}},
		},
	}
	if state != "" {
		params["requestState"] = state
		params["inputResponses"] = map[string]any{"approve": map[string]any{"action": answer, "content": map[string]any{"approve": true}}}
	}
	msg, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": params})
	out, _ := json.Marshal(e.srv.HandleMessage(asTester, msg))
	var resp struct {
		Result struct {
			IsError       bool   `json:"isError"`
			RequestState  string `json:"requestState"`
			InputRequests map[string]any
			Content       []struct{ Text string }
		}
		Error *struct{ Message string }
	}
	if err := json.Unmarshal(out, &resp); err != nil || resp.Error != nil {
		t.Fatalf("%s: %s", name, out)
	}
	if resp.Result.RequestState != "" {
		return "STATE:" + resp.Result.RequestState, false
	}
	var b strings.Builder
	for _, c := range resp.Result.Content {
		b.WriteString(c.Text)
	}
	return b.String(), resp.Result.IsError
}

func TestForgedAndReplayedApproval(t *testing.T) {
	e := newEnv(t, config.Policy{}, tools.Limits{})
	args := map[string]any{"object": "Account", "fields": map[string]any{"Name": "Replay Co"}}
	accept := mcp.ElicitationResponseActionAccept
	records := func() int { return e.count(t, "SELECT Id FROM Account WHERE Name = 'Replay Co'") }

	// Without state, the server asks, with a signed state.
	out, _ := e.rawCall(t, "create_record", args, "", "")
	state, ok := strings.CutPrefix(out, "STATE:")
	if !ok {
		t.Fatalf("want an input-required result, got %s", out)
	}
	// Forged: not signed by the server.
	if out, isErr := e.rawCall(t, "create_record", args, "forged.state", accept); !isErr || !strings.Contains(out, "approval refused") {
		t.Fatalf("forged approval: %v %s", isErr, out)
	}
	// The genuine state, but for other arguments (the model changed them after the person approved).
	other := map[string]any{"object": "Account", "fields": map[string]any{"Name": "Replay Co", "Industry": "Energy"}}
	if out, isErr := e.rawCall(t, "create_record", other, state, accept); !isErr {
		t.Fatalf("approval for other arguments accepted: %s", out)
	}
	// The genuine state for another tool.
	if out, isErr := e.rawCall(t, "delete_record", map[string]any{"id": "001000000000000AAA"}, state, accept); !isErr {
		t.Fatalf("approval for another tool accepted: %s", out)
	}
	// Declined with a genuine state does nothing.
	out, _ = e.rawCall(t, "create_record", args, "", "")
	declineState, _ := strings.CutPrefix(out, "STATE:")
	if out, isErr := e.rawCall(t, "create_record", args, declineState, mcp.ElicitationResponseActionDecline); !isErr || !strings.Contains(out, "did not approve") {
		t.Fatalf("decline: %v %s", isErr, out)
	}
	if n := records(); n != 0 {
		t.Fatalf("refused approvals wrote %d records", n)
	}
	// The genuine state works once...
	if out, isErr := e.rawCall(t, "create_record", args, state, accept); isErr {
		t.Fatalf("genuine approval refused: %s", out)
	}
	// ...and is refused when replayed.
	if out, isErr := e.rawCall(t, "create_record", args, state, accept); !isErr || !strings.Contains(out, "approval refused") {
		t.Fatalf("replayed approval: %v %s", isErr, out)
	}
	if n := records(); n != 1 {
		t.Fatalf("want exactly 1 record after a replay, got %d", n)
	}
	// Signed by the server's key but expired.
	old := e.signer.Sign(policy.Grant{Principal: "tester", Tool: "create_record", ArgsDigest: policy.ArgsDigest("create_record", args),
		Expires: time.Now().Add(-time.Second), Nonce: "n3"})
	if _, isErr := e.rawCall(t, "create_record", args, old, accept); !isErr {
		t.Fatal("expired approval accepted")
	}
}

func TestArgumentsCannotApprove(t *testing.T) {
	e := newEnv(t, config.Policy{}, tools.Limits{})
	c := e.client(t, nil)
	for _, args := range []map[string]any{
		{"object": "Account", "fields": map[string]any{"Name": "Self Approved"}, "approve": true},
		{"object": "Account", "fields": map[string]any{"Name": "Self Approved"}, "requestState": "x"},
		{"object": "Account", "fields": map[string]any{"Name": "Self Approved"}},
	} {
		if out, isErr := call(t, c, "create_record", args); !isErr {
			t.Fatalf("create ran without approval: %s", out)
		}
	}
	if n := e.count(t, "SELECT Id FROM Account WHERE Name = 'Self Approved'"); n != 0 {
		t.Fatalf("%d records written without approval", n)
	}
}

func TestPolicyObjectsAndDenyList(t *testing.T) {
	pol := config.Policy{
		Objects: map[string]map[string]string{
			"Task":    {"log_activity": "always_allow"},
			"Account": {"query_records": "disabled"},
			"Case":    {"query_records": "disabled"},
		},
		Fields: config.Fields{Deny: []string{"Contact.Birthdate", "User.Email"}},
	}
	e := newEnv(t, pol, tools.Limits{})
	c := e.client(t, nil)
	contact := firstID(t, c, "SELECT Id FROM Contact LIMIT 1")
	for _, q := range []string{
		"SELECT Id, Birthdate FROM Contact",
		"SELECT Id FROM Contact WHERE Birthdate = TODAY",
		"SELECT Id, Owner.Email FROM Contact",
		"SELECT Id, (SELECT Birthdate FROM Contacts) FROM Account",
	} {
		out, isErr := call(t, c, "query_records", map[string]any{"soql": q})
		if !isErr || !strings.Contains(out, "blocked by the admin") {
			t.Errorf("%s: want refusal, got %v %s", q, isErr, out)
		}
	}
	for _, q := range []string{
		"SELECT Id FROM Account",
		"SELECT Id, Account.Name FROM Contact",
		"SELECT Id FROM Contact WHERE Account.Name = 'x'",
		"SELECT Id, (SELECT Id FROM Cases) FROM Contact",
	} {
		if out, isErr := call(t, c, "query_records", map[string]any{"soql": q}); !isErr || !strings.Contains(out, "disabled") {
			t.Errorf("%s reaches a disabled object and must be refused: %s", q, out)
		}
	}
	if out, isErr := call(t, c, "query_records", map[string]any{"soql": "SELECT Id, Owner.Name FROM Contact"}); isErr {
		t.Errorf("Contact with Owner should be allowed: %s", out)
	}
	out, isErr := call(t, c, "get_record", map[string]any{"id": contact})
	if isErr || strings.Contains(out, "\nBirthdate,") || !strings.Contains(out, "withheld by policy: Birthdate") {
		t.Errorf("get_record must withhold Birthdate: %s", out)
	}
	if out, isErr := call(t, c, "get_record", map[string]any{"id": contact, "fields": []string{"Birthdate"}}); !isErr {
		t.Errorf("asking for a denied field must be refused: %s", out)
	}
	if out, isErr := call(t, c, "update_record", map[string]any{"id": contact, "fields": map[string]any{"Birthdate": "2000-01-01"}}); !isErr || !strings.Contains(out, "blocked") {
		t.Errorf("writing a denied field must be refused: %s", out)
	}
	// Task: always_allow for log_activity, so no approval is needed.
	if out, isErr := call(t, c, "log_activity", map[string]any{"type": "call", "record_id": contact}); isErr {
		t.Errorf("log_activity on Task should be allowed: %s", out)
	}
	// ...but a meeting (Event) still needs approval, and this client cannot give it.
	if out, isErr := call(t, c, "log_activity", map[string]any{"type": "meeting", "record_id": contact, "start": "2026-11-20T10:00:00Z"}); !isErr || !strings.Contains(out, "approval required") {
		t.Errorf("meeting should need approval: %s", out)
	}
}

func firstID(t testing.TB, c *client.Client, soql string) string {
	t.Helper()
	out, isErr := call(t, c, "query_records", map[string]any{"soql": soql})
	if isErr {
		t.Fatal(out)
	}
	lines := strings.Split(out, "\n")
	if len(lines) < 3 {
		t.Fatalf("no rows: %s", out)
	}
	return strings.Split(lines[2], ",")[0]
}

func TestCursorPagingAndBudget(t *testing.T) {
	for _, tc := range []struct {
		name    string
		records int
		lim     tools.Limits
		soql    string
	}{
		// Byte and row budgets cut inside one Salesforce page: cursors skip rows of the query.
		{"small budget", 0, tools.Limits{MaxRows: 7, MaxBytes: 600}, "SELECT Id, Name, Email FROM Contact ORDER BY Id"},
		// Several Salesforce pages (batch 200): cursors carry query locators.
		{"across locators", 3000, tools.Limits{MaxRows: 150, MaxBytes: 1 << 20}, "SELECT Id, Name FROM Contact"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, config.Policy{}, tc.lim, withRecords(tc.records))
			c := e.client(t, nil)
			total := e.count(t, "SELECT Id FROM Contact")
			if tc.records > 0 && total < 500 {
				t.Fatalf("want several pages, the org has %d contacts", total)
			}
			seen := map[string]bool{}
			args := map[string]any{"soql": tc.soql}
			for pages := 0; ; pages++ {
				if pages > total {
					t.Fatal("paging does not end")
				}
				out, isErr := call(t, c, "query_records", args)
				if isErr {
					t.Fatal(out)
				}
				if len(out) > tc.lim.MaxBytes+300 {
					t.Fatalf("page of %d bytes exceeds the budget", len(out))
				}
				lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
				if !strings.HasPrefix(lines[0], fmt.Sprintf("total=%d ", total)) {
					t.Fatalf("status line %q does not give the total %d", lines[0], total)
				}
				if len(lines)-2 > tc.lim.MaxRows {
					t.Fatalf("%d rows, limit %d", len(lines)-2, tc.lim.MaxRows)
				}
				for _, l := range lines[2:] {
					id := strings.Split(l, ",")[0]
					if seen[id] {
						t.Fatalf("row %s returned twice", id)
					}
					seen[id] = true
				}
				cur := ""
				if i := strings.Index(lines[0], "cursor="); i >= 0 {
					cur = lines[0][i+len("cursor="):]
				}
				if cur == "" {
					break
				}
				args = map[string]any{"cursor": cur}
			}
			if len(seen) != total {
				t.Fatalf("paging returned %d rows, want %d", len(seen), total)
			}
		})
	}
}

func TestCursorIsBound(t *testing.T) {
	e := newEnv(t, config.Policy{}, tools.Limits{MaxRows: 5, MaxBytes: 1 << 20})
	c := e.client(t, nil)
	out, _ := call(t, c, "query_records", map[string]any{"soql": "SELECT Id FROM Contact"})
	cur := out[strings.Index(out, "cursor=")+len("cursor=") : strings.IndexByte(out, '\n')]
	// A tampered cursor is refused.
	if out, isErr := call(t, c, "query_records", map[string]any{"cursor": cur[:len(cur)-2] + "AA"}); !isErr || !strings.Contains(out, "invalid cursor") {
		t.Errorf("tampered cursor: %s", out)
	}
	// Another principal cannot use it.
	req := mcp.CallToolRequest{}
	req.Params.Name = "query_records"
	req.Params.Arguments = map[string]any{"cursor": cur}
	res, err := c.CallTool(server.WithPrincipal(context.Background(), "mallory"), req)
	if err != nil || !res.IsError || !strings.Contains(res.Content[0].(mcp.TextContent).Text, "another user's query") {
		t.Errorf("another principal used the cursor: %v %+v", err, res)
	}
}

func TestConnectionArgument(t *testing.T) {
	e := newEnv(t, config.Policy{}, tools.Limits{}, withConnections("sandbox"))
	c := e.client(t, nil)
	list, err := c.ListTools(context.Background(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tl := range list.Tools {
		raw, _ := json.Marshal(tl.InputSchema)
		if len(tl.RawInputSchema) > 0 {
			raw = tl.RawInputSchema
		}
		if !strings.Contains(string(raw), `"enum":["demo","sandbox"]`) {
			t.Errorf("%s: no connection enum in %s", tl.Name, raw)
		}
	}
	if out, isErr := call(t, c, "describe_object", map[string]any{"object": "Account", "connection": "sandbox"}); isErr {
		t.Errorf("connection argument: %s", out)
	}
	if out, isErr := call(t, c, "describe_object", map[string]any{"object": "Account", "connection": "nope"}); !isErr {
		t.Errorf("unknown connection accepted: %s", out)
	}
}

func TestBadInputIsAnIsErrorResult(t *testing.T) {
	e := newEnv(t, config.Policy{}, tools.Limits{})
	c := e.client(t, nil)
	for _, tc := range []struct {
		tool string
		args map[string]any
		want string
	}{
		{"query_records", map[string]any{"soql": "SELEC Id FROM Account"}, "MALFORMED_QUERY"},
		{"query_records", map[string]any{}, "soql is required"},
		{"query_records", map[string]any{"soql": "SELECT Nope__c FROM Account"}, "describe_object"},
		{"query_records", map[string]any{"soql": "SELECT Id FROM Nope__c"}, "describe_object"},
		{"get_record", map[string]any{"id": "not-an-id"}, "not a Salesforce Id"},
		{"get_record", map[string]any{"id": "001000000000000AAA", "extra": 1}, "unknown argument"},
		{"update_record", map[string]any{"id": "001000000000000AAA", "fields": map[string]any{}}, "fields is empty"},
		{"create_record", map[string]any{"object": "Nope", "fields": map[string]any{"Name": "x"}}, "unknown object"},
		{"create_record", map[string]any{"object": "Account", "fields": map[string]any{"Nmae": "x"}}, "no field \"Nmae\""},
		{"create_record", map[string]any{"object": "Contact", "fields": map[string]any{"FirstName": "x"}}, "LastName"},
		{"search_records", map[string]any{"text": "a"}, "2 or more characters"},
		{"describe_object", map[string]any{"object": "Nope"}, "unknown object"},
		{"log_activity", map[string]any{"type": "fax", "record_id": "001000000000000AAA"}, "not one of"},
	} {
		out, isErr := call(t, c, tc.tool, tc.args)
		if !isErr || !strings.Contains(out, tc.want) {
			t.Errorf("%s %v: want isError with %q, got %v %q", tc.tool, tc.args, tc.want, isErr, out)
		}
	}
}

// The demo org holds names with zero-width and bidi-override characters; no
// tool may hand them to the model.
func TestInvisibleCharactersNeverReachTheModel(t *testing.T) {
	e := newEnv(t, config.Policy{}, tools.Limits{})
	c := e.client(t, nil)
	raw, err := e.sf.Query(context.Background(), "SELECT Id, Name FROM Account", salesforce.QueryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var hostile []string
	for _, r := range raw.Records {
		if strings.ContainsAny(r.Get("Name").Str, "\u200b\u202e") {
			hostile = append(hostile, r.Get("Id").Str)
		}
	}
	if len(hostile) == 0 {
		t.Fatal("the seed data should contain names with invisible characters")
	}
	outs := []string{}
	out, _ := call(t, c, "query_records", map[string]any{"soql": "SELECT Id, Name FROM Account"})
	outs = append(outs, out)
	for _, id := range hostile {
		out, _ := call(t, c, "get_record", map[string]any{"id": id})
		outs = append(outs, out)
	}
	for _, o := range outs {
		if strings.ContainsAny(o, "\u200b\u202e\u2066\ufeff") {
			t.Errorf("invisible characters in a result: %q", o)
		}
	}
}
