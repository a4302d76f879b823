package server_test

import (
	"context"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/sfmcp/sfmcp/config"
	"github.com/sfmcp/sfmcp/salesforce"
	"github.com/sfmcp/sfmcp/tools"
)

// The server's overhead per call is BenchmarkToolCall minus BenchmarkBareClient:
// the same query through the MCP server (in-process client, policy, plan,
// CSV result) and straight through the Salesforce client, against the same
// in-process emulated org.

func BenchmarkBareClient(b *testing.B) {
	e := newEnv(b, config.Policy{}, tools.Limits{MaxRows: 200, MaxBytes: 64 * 1024}, withRecords(5000))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.sf.Query(ctx, benchSOQL, salesforce.QueryOptions{BatchSize: 200}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkToolCall(b *testing.B) {
	e := newEnv(b, config.Policy{}, tools.Limits{MaxRows: 200, MaxBytes: 64 * 1024}, withRecords(5000))
	c := e.client(b, nil)
	req := mcp.CallToolRequest{}
	req.Params.Name = "query_records"
	req.Params.Arguments = map[string]any{"soql": benchSOQL}
	b.ReportAllocs()
	for b.Loop() {
		res, err := c.CallTool(asTester, req)
		if err != nil || res.IsError {
			b.Fatal(err, res)
		}
	}
}
