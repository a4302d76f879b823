package tools

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/sfmcp/sfmcp/policy"
)

func TestRegistryInvariants(t *testing.T) {
	all := All()
	if len(all) != 8 {
		t.Fatalf("want the 8 tools of DESIGN.md, got %d", len(all))
	}
	seen := map[string]bool{}
	name := regexp.MustCompile(`^[a-z]+_[a-z_]+$`)
	for _, tool := range all {
		if seen[tool.Name] {
			t.Errorf("duplicate tool %s", tool.Name)
		}
		seen[tool.Name] = true
		if !name.MatchString(tool.Name) {
			t.Errorf("%s: names are snake_case verb_object", tool.Name)
		}
		if tool.Plan == nil || tool.Description == "" || tool.Title == "" {
			t.Errorf("%s: incomplete descriptor", tool.Name)
		}
		a := tool.MCP().Annotations
		if a.ReadOnlyHint == nil || a.DestructiveHint == nil || a.IdempotentHint == nil || a.OpenWorldHint == nil {
			t.Fatalf("%s: all four annotations must be set", tool.Name)
		}
		if *a.ReadOnlyHint != (tool.Access == policy.Read) {
			t.Errorf("%s: readOnlyHint %v does not match access %s", tool.Name, *a.ReadOnlyHint, tool.Access)
		}
		if *a.DestructiveHint != (tool.Access == policy.Delete) {
			t.Errorf("%s: destructiveHint %v does not match access %s", tool.Name, *a.DestructiveHint, tool.Access)
		}
		var schema map[string]any
		if err := json.Unmarshal(tool.Schema, &schema); err != nil {
			t.Fatalf("%s: schema is not JSON: %v", tool.Name, err)
		}
		if schema["type"] != "object" || schema["additionalProperties"] != false {
			t.Errorf("%s: schema must be a strict object", tool.Name)
		}
		for _, k := range []string{"oneOf", "anyOf", "allOf"} {
			if _, ok := schema[k]; ok {
				t.Errorf("%s: top-level %s is not allowed", tool.Name, k)
			}
		}
	}
}

// TestSchemaSnapshots compares every tool's MCP definition with its snapshot
// in schemas/tools; UPDATE_SCHEMAS=1 rewrites them.
func TestSchemaSnapshots(t *testing.T) {
	dir := filepath.Join("..", "schemas", "tools")
	update := os.Getenv("UPDATE_SCHEMAS") == "1"
	want := map[string]bool{}
	for _, tool := range All() {
		got, err := json.MarshalIndent(tool.MCP(), "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, '\n')
		path := filepath.Join(dir, tool.Name+".json")
		want[tool.Name+".json"] = true
		if update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		old, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s: no schema snapshot (%v); run `make update-schemas` and review the diff", tool.Name, err)
			continue
		}
		if string(old) != string(got) {
			t.Errorf("%s: schema snapshot is stale; run `make update-schemas` and review the diff", tool.Name)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if filepath.Ext(e.Name()) == ".json" && !want[e.Name()] {
			t.Errorf("schemas/tools/%s belongs to no tool; delete it", e.Name())
		}
	}
}
