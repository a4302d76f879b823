package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/sfmcp/sfmcp/config"
	"github.com/sfmcp/sfmcp/salesforce"
	"github.com/sfmcp/sfmcp/tools"
)

// The server's overhead per call is BenchmarkToolCall minus BenchmarkBareClient:
// the same query through the MCP server (in-process MCP client, connection
// resolution, plan, policy, CSV result) and straight through the same
// connection's Salesforce client, against the same emulated org on loopback.

func BenchmarkBareClient(b *testing.B) {
	e := newEnv(b, config.Policy{}, tools.Limits{MaxRows: 200, MaxBytes: 64 * 1024}, withRecords(5000))
	conn, err := e.mgr.Resolve(context.Background(), "tester", "demo")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := conn.Client.Query(ctx, benchSOQL, salesforce.QueryOptions{BatchSize: 200}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkToolCall(b *testing.B) {
	e := newEnv(b, config.Policy{}, tools.Limits{MaxRows: 200, MaxBytes: 64 * 1024}, withRecords(5000))
	msg, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": map[string]any{
		"name": "query_records", "arguments": map[string]any{"soql": benchSOQL},
		"_meta": map[string]any{
			mcp.MetaKeyProtocolVersion:    "2026-07-28",
			mcp.MetaKeyClientCapabilities: map[string]any{},
		},
	}})
	b.ReportAllocs()
	for b.Loop() {
		// What a transport does with one request: handle it and encode the reply.
		out, err := json.Marshal(e.srv.HandleMessage(asTester, msg))
		if err != nil || !bytes.Contains(out, []byte("total=")) {
			b.Fatalf("%v %s", err, out)
		}
	}
}
