// Package server builds sfmcp's MCP server: the tools of package tools behind
// one middleware chain (tool filter, audit, connection, policy, approval) and
// the stdio transport.
package server

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	mcpserver "github.com/mark3labs/mcp-go/server"

	"github.com/sfmcp/sfmcp/connections"
	"github.com/sfmcp/sfmcp/policy"
	"github.com/sfmcp/sfmcp/tools"
)

// Resolver finds the Salesforce connection a call runs on.
type Resolver interface {
	Resolve(ctx context.Context, principal, connection string) (*connections.Connection, error)
}

// Options are the pieces a server is built from.
type Options struct {
	Tools    []tools.Tool
	Policy   *policy.Policy
	Resolver Resolver
	// Connections are the configured connection names; with more than one,
	// every tool takes a `connection` argument.
	Connections  []string
	Limits       tools.Limits
	Instructions string
	Version      string
	Logger       *slog.Logger
	// Signer signs approval state; Cursors signs query cursors. Both get a
	// random key when nil.
	Signer  *policy.Signer
	Cursors *tools.CursorCodec
}

// DefaultInstructions are served when the admin configured none.
const DefaultInstructions = `sfmcp works on live Salesforce data. Use describe_object to learn object and field API names before writing SOQL or creating records; custom names end in __c. ` +
	`Results are CSV after a status line: total matched, rows returned, and a cursor when more rows exist (pass it to query_records). ` +
	`Writes may need a person's approval; if a tool says approval is required, tell the user instead of retrying.`

// New returns the MCP server.
func New(o Options) (*mcpserver.MCPServer, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Signer == nil {
		o.Signer = policy.NewSigner(nil)
	}
	if o.Cursors == nil {
		o.Cursors = tools.NewCursorCodec(nil)
	}
	if o.Instructions == "" {
		o.Instructions = DefaultInstructions
	}
	s := mcpserver.NewMCPServer("sfmcp", o.Version,
		mcpserver.WithToolCapabilities(false),
		mcpserver.WithInstructions(o.Instructions),
		mcpserver.WithRecovery(),
		mcpserver.WithToolFilter(func(_ context.Context, ts []mcp.Tool) []mcp.Tool {
			return slices.DeleteFunc(ts, func(t mcp.Tool) bool { return !o.Policy.Visible(t.Name) })
		}),
	)
	for _, t := range o.Tools {
		mt := t.MCP()
		if len(o.Connections) > 1 {
			schema, err := withConnectionArg(t.Schema, o.Connections)
			if err != nil {
				return nil, fmt.Errorf("tool %s: %w", t.Name, err)
			}
			mt.RawInputSchema = schema
		}
		s.AddTool(mt, (&handler{opts: &o, tool: t}).handle)
	}
	return s, nil
}

// withConnectionArg adds the optional `connection` enum to a tool's schema.
func withConnectionArg(schema json.RawMessage, names []string) (json.RawMessage, error) {
	var m map[string]any
	if err := json.Unmarshal(schema, &m); err != nil {
		return nil, err
	}
	props, _ := m["properties"].(map[string]any)
	if props == nil {
		props = map[string]any{}
		m["properties"] = props
	}
	props["connection"] = map[string]any{
		"type": "string", "enum": names,
		"description": "Salesforce connection (default " + names[0] + ")",
	}
	return json.Marshal(m)
}

// splitConnection takes the `connection` argument out of the raw arguments.
func splitConnection(raw json.RawMessage) (json.RawMessage, string, error) {
	trimmed := strings.TrimSpace(string(raw))
	if !strings.Contains(trimmed, `"connection"`) {
		return raw, "", nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return raw, "", nil // the tool's own binding reports it
	}
	c, ok := m["connection"]
	if !ok {
		return raw, "", nil
	}
	var name string
	if err := json.Unmarshal(c, &name); err != nil {
		return nil, "", fmt.Errorf("connection must be a string")
	}
	delete(m, "connection")
	out, err := json.Marshal(m)
	return out, name, err
}
