package main

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
)

// TestMCPJSONExample checks that mcp.json.example is valid Claude Desktop
// config whose entries run commands sfmcp has.
func TestMCPJSONExample(t *testing.T) {
	data, err := os.ReadFile("../../mcp.json.example")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		MCPServers map[string]struct {
			Command string            `json:"command"`
			Args    []string          `json:"args"`
			Env     map[string]string `json:"env"`
		} `json:"mcpServers"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		t.Fatalf("mcp.json.example: %v", err)
	}
	want := map[string]string{"salesforce-demo": "demo", "salesforce": "serve"}
	for name, sub := range want {
		e, ok := cfg.MCPServers[name]
		if !ok {
			t.Fatalf("mcp.json.example: no %q entry", name)
		}
		if len(e.Args) == 0 || e.Args[0] != sub {
			t.Errorf("%s: args %v, want %q first", name, e.Args, sub)
		}
		if e.Command == "" {
			t.Errorf("%s: no command", name)
		}
	}
	if cfg.MCPServers["salesforce"].Env["SFMCP_CONFIG"] == "" {
		t.Error("the real-org entry must point SFMCP_CONFIG at a config file")
	}
}
