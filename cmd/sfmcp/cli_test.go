package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every bad command line gets an error that says what to do, and nothing runs.
func TestCLIErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	empty := write("empty.yaml", "user: x\n")
	typo := write("typo.yaml", "connections:\n  - name: prod\n    instance_url: https://acme.my.salesforce.com\n    client_id: x\n    client_secert: y\n")
	badLevel := write("level.yaml", "policy:\n  tools:\n    delete_record: never\n")
	badTool := write("tool.yaml", "policy:\n  tools:\n    drop_table: disabled\n")
	one := write("one.yaml", "connections:\n  - name: prod\n    instance_url: https://acme.my.salesforce.com\n    client_id: x\n")
	stale := write("README.md", "x\n"+markerBegin+"\nold\n"+markerEnd+"\n")

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"nope"}, `unknown command "nope"`},
		{[]string{"serve", "extra"}, `unexpected argument "extra"`},
		{[]string{"serve", "--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"serve", "--http", "127.0.0.1:8080", "--config", one}, "not in this build"},
		{[]string{"serve", "--config", filepath.Join(dir, "missing.yaml")}, "missing.yaml"},
		{[]string{"serve", "--config", typo}, "client_secert: unknown key; did you mean client_secret"},
		{[]string{"serve", "--config", badLevel}, "delete_record"},
		{[]string{"serve", "--config", badTool}, "drop_table"},
		{[]string{"serve", "--config", empty}, "no connections configured"},
		{[]string{"demo", "--org-only", "--addr", "0.0.0.0:8443"}, "loopback only"},
		{[]string{"demo", "--org-only", "--addr", "8443"}, "want HOST:PORT"},
		{[]string{"demo", "--records", "-1"}, "--records must be 0 or more"},
		{[]string{"login", "--config", one, "--connection", "nope"}, `--connection "nope": no such connection`},
		{[]string{"login", "--config", empty}, "no connections configured"},
		{[]string{"status", "--config", empty}, "no connections configured"},
		{[]string{"tools", "--check", stale}, "stale; run `make docs`"},
	} {
		var out, errOut bytes.Buffer
		err := run(context.Background(), tc.args, strings.NewReader(""), &out, &errOut)
		if err == nil {
			t.Errorf("%v: want an error", tc.args)
			continue
		}
		if msg := err.Error() + errOut.String(); !strings.Contains(msg, tc.want) {
			t.Errorf("%v: error %q does not say %q", tc.args, msg, tc.want)
		}
		if out.Len() > 0 {
			t.Errorf("%v: wrote to stdout on error: %q", tc.args, out.String())
		}
	}
}

func TestToolsCommand(t *testing.T) {
	var out bytes.Buffer
	cfg := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(cfg, []byte("policy:\n  tools: {delete_record: disabled}\n  objects: {Task: {create_record: always_allow}}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), []string{"tools", "--config", cfg}, nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"delete_record    delete  disabled", "create_record    write   needs_approval  Task=always_allow", "query_records    read    always_allow"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("sfmcp tools output lacks %q:\n%s", want, out.String())
		}
	}
}
