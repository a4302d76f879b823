package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// conn is a minimal valid per_user connection, for cases to extend.
const conn = "connections:\n  - name: prod\n    client_id: abc\n"

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		key  string   // Issue.Key expected among the issues
		want []string // substrings of that issue's message
	}{
		{"unknown top-level key", "conections: []\n", "conections", []string{"unknown key", "did you mean connections?"}},
		{"unknown connection key", conn + "    client_secert: X\n", "connections[0].client_secert", []string{"unknown key", "did you mean client_secret_env?"}},
		{"unknown key no suggestion", "approval:\n  zzzzzzzz: 1\n", "approval.zzzzzzzz", []string{"unknown key", "known keys: fallback, wait"}},
		{"unknown policy key", "policy:\n  field: {}\n", "policy.field", []string{"did you mean fields?"}},
		{"bad mode", conn + "    mode: peruser\n", "connections[0].mode", []string{`"peruser" is not allowed`, "did you mean per_user?", "shared"}},
		{"bad flow", conn + "    flow: password\n", "connections[0].flow", []string{"authorization_code, client_credentials, jwt_bearer"}},
		{"bad fallback", "approval:\n  fallback: ask\n", "approval.fallback", []string{"page, deny"}},
		{"bad backend", "store:\n  backend: vault\n", "store.backend", []string{"keyring, file, memory"}},
		{"bad tool level", "policy:\n  tools:\n    delete_record: never\n", "policy.tools.delete_record", []string{"always_allow, needs_approval, disabled"}},
		{"bad object level", "policy:\n  objects:\n    Task: {create_record: yes_please}\n", "policy.objects.Task.create_record", []string{"always_allow, needs_approval, disabled"}},
		{"bad object name", "policy:\n  objects:\n    \"Bad Name\": {}\n", "policy.objects.Bad Name", []string{"not a valid name"}},
		{"bad deny entry", "policy:\n  fields:\n    deny: [Birthdate]\n", "policy.fields.deny[0]", []string{`"Birthdate" is not valid`, "Object.Field"}},
		{"bad duration", "approval:\n  wait: 60 seconds\n", "approval.wait", []string{`"60 seconds" is not valid`, "60s"}},
		{"duration as number", "approval:\n  wait: 60\n", "approval.wait", []string{"must be a string, not a number", "60s"}},
		{"wrong type list", "connections: {name: x}\n", "connections", []string{"must be a list, not a mapping"}},
		{"max_rows too small", "limits:\n  max_rows: 0\n", "limits.max_rows", []string{"0 is too small", "minimum is 1"}},
		{"missing client_id", "connections:\n  - name: prod\n", "connections[0]", []string{"missing required key client_id"}},
		{"missing name", "connections:\n  - client_id: x\n", "connections[0]", []string{"missing required key name"}},
		{"bad connection name", "connections:\n  - name: Prod\n    client_id: x\n", "connections[0].name", []string{`"Prod" is not valid`, "lowercase"}},
		{"duplicate connection name", conn + "  - name: prod\n    client_id: y\n", "connections[1].name", []string{`"prod" is already used by connections[0]`}},
		{"http instance", conn + "    instance_url: http://acme.my.salesforce.com\n", "connections[0].instance_url", []string{"must use https", "localhost"}},
		{"ftp instance", conn + "    instance_url: ftp://acme.my.salesforce.com\n", "connections[0].instance_url", []string{"must be an https URL"}},
		{"instance with path", conn + "    instance_url: https://acme.my.salesforce.com/services\n", "connections[0].instance_url", []string{"only scheme and host"}},
		{"instance not a url", conn + "    instance_url: acme.my.salesforce.com\n", "connections[0].instance_url", []string{"is not a URL"}},
		{"lightning instance", conn + "    instance_url: https://acme--uat.sandbox.lightning.force.com\n", "connections[0].instance_url", []string{"Lightning UI host", "https://acme--uat.sandbox.my.salesforce.com"}},
		{"login host as instance", conn + "    instance_url: https://login.salesforce.com\n", "connections[0].instance_url", []string{"My Domain https://NAME.my.salesforce.com"}},
		{"http login_url", conn + "    login_url: http://login.salesforce.com\n", "connections[0].login_url", []string{"must use https"}},
		{"lightning login_url", conn + "    login_url: https://acme.lightning.force.com\n", "connections[0].login_url", []string{"Lightning UI host"}},
		{"client_credentials without secret", conn + "    mode: shared\n    allow: ['*']\n    flow: client_credentials\n    instance_url: https://acme.my.salesforce.com\n",
			"connections[0].client_secret_env", []string{"needs the consumer secret", "client_secret_file"}},
		{"client_credentials without instance", conn + "    mode: shared\n    allow: ['*']\n    flow: client_credentials\n    client_secret_env: S\n",
			"connections[0].instance_url", []string{"needs instance_url", "My Domain"}},
		{"client_credentials on test.salesforce.com", conn + "    mode: shared\n    allow: ['*']\n    flow: client_credentials\n    client_secret_env: S\n    instance_url: https://test.salesforce.com\n",
			"connections[0].instance_url", []string{"test.salesforce.com is a login host", "https://NAME.my.salesforce.com"}},
		{"client_credentials on lightning", conn + "    mode: shared\n    allow: ['*']\n    flow: client_credentials\n    client_secret_env: S\n    instance_url: https://acme.lightning.force.com\n",
			"connections[0].instance_url", []string{"https://acme.my.salesforce.com"}},
		{"secret env and file", conn + "    client_secret_env: S\n    client_secret_file: s.txt\n", "connections[0].client_secret_file", []string{"either client_secret_env or client_secret_file"}},
		{"bad secret env name", conn + "    client_secret_env: my-secret\n", "connections[0].client_secret_env", []string{`"my-secret" is not valid`}},
		{"jwt without key", conn + "    mode: shared\n    allow: ['*']\n    flow: jwt_bearer\n    username: svc@acme.com\n", "connections[0].private_key_file", []string{"needs private_key_file"}},
		{"jwt without username", conn + "    mode: shared\n    allow: ['*']\n    flow: jwt_bearer\n    private_key_file: k.pem\n", "connections[0].username", []string{"needs username"}},
		{"username without jwt", conn + "    username: a@b.c\n", "connections[0].username", []string{"only used with flow: jwt_bearer"}},
		{"private key without jwt", conn + "    private_key_file: k.pem\n", "connections[0].private_key_file", []string{"only used with flow: jwt_bearer"}},
		{"shared without allow", conn + "    mode: shared\n", "connections[0].allow", []string{"mode shared needs allow"}},
		{"per_user default with client_credentials", conn + "    flow: client_credentials\n    client_secret_env: S\n    instance_url: https://acme.my.salesforce.com\n",
			"connections[0].mode", []string{"per_user (the default) cannot use flow client_credentials", "mode: shared"}},
		{"per_user explicit with jwt", conn + "    mode: per_user\n    flow: jwt_bearer\n    username: a@b.c\n    private_key_file: k.pem\n",
			"connections[0].mode", []string{"mode per_user cannot use flow jwt_bearer", "service identity"}},
		{"per_user with allow", conn + "    allow: [alice]\n", "connections[0].allow", []string{"only used with mode: shared"}},
		{"unknown group", "groups:\n  sales: [alice]\n" + conn + "    mode: shared\n    allow: ['group:ops']\n", "connections[0].allow[0]", []string{`group "ops" is not defined`, "groups are: sales"}},
		{"api_reserve word", conn + "    api_reserve: lots\n", "connections[0].api_reserve", []string{`"lots" is not valid`}},
		{"api_reserve 150%", conn + "    api_reserve: 150%\n", "connections[0].api_reserve", []string{`"150%" is not a valid percentage`}},
		{"api_reserve negative", conn + "    api_reserve: -5\n", "connections[0].api_reserve", []string{"too small"}},
		{"bad api_version", conn + "    api_version: '62'\n", "connections[0].api_version", []string{`"62" is not valid`, "v62.0"}},
		{"bad callback port", conn + "    callback_port: 70000\n", "connections[0].callback_port", []string{"maximum is 65535"}},
		{"both instructions", "instructions: hi\ninstructions_file: i.md\n", "instructions_file", []string{"either instructions or instructions_file"}},
		{"missing instructions file", "instructions_file: nope.md\n", "instructions_file", []string{"cannot read ", "nope.md: no such file"}},
		{"both store keys", "store:\n  key_env: K\n  key_file: k\n", "store.key_file", []string{"either store.key_env or store.key_file"}},
		{"duplicate yaml key", "user: a\nuser: b\n", "", []string{"user: duplicate key (first at line 1)"}},
		{"not a mapping", "- a\n- b\n", "", []string{"must be a mapping"}},
		{"yaml syntax", "user: [a\n", "", []string{"yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			_, err := Parse([]byte(tt.yaml), filepath.Join(dir, "config.yaml"))
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("want *Error, got %v", err)
			}
			if !strings.Contains(err.Error(), filepath.Join(dir, "config.yaml")) {
				t.Errorf("error does not name the file: %v", err)
			}
			for _, is := range ce.Issues {
				if is.Key != tt.key {
					continue
				}
				for _, w := range tt.want {
					if !strings.Contains(is.Msg, w) {
						t.Errorf("issue %q: message %q lacks %q", is.Key, is.Msg, w)
					}
				}
				if is.Key != "" && !strings.Contains(err.Error(), is.Key+": ") {
					t.Errorf("Error() does not name key %q: %v", is.Key, err)
				}
				return
			}
			t.Fatalf("no issue for key %q in:\n%v", tt.key, err)
		})
	}
}

func TestIssueLines(t *testing.T) {
	_, err := Parse([]byte("user: me\nconnections:\n  - name: prod\n    client_id: x\n    colour: red\n"), "c.yaml")
	if err == nil || !strings.HasPrefix(err.Error(), "c.yaml:5: connections[0].colour: unknown key") {
		t.Fatalf("got %v", err)
	}
}

func TestDefaults(t *testing.T) {
	c, err := Parse([]byte(conn), "")
	if err != nil {
		t.Fatal(err)
	}
	if c.User == "" {
		t.Error("user: no OS user default")
	}
	want := Connection{
		Name: "prod", ClientID: "abc", Mode: ModePerUser, Flow: FlowAuthorizationCode,
		LoginURL: "https://login.salesforce.com", APIVersion: "v62.0", CallbackPort: 1717,
		APIReserve: "10%", Scopes: []string{"api", "refresh_token", "id"},
	}
	if !reflect.DeepEqual(c.Connections[0], want) {
		t.Errorf("connection defaults:\n got %+v\nwant %+v", c.Connections[0], want)
	}
	if c.Approval != (Approval{Fallback: "page", Wait: 60 * time.Second}) {
		t.Errorf("approval defaults: %+v", c.Approval)
	}
	if c.Limits != (Limits{MaxRows: 200, MaxBytes: 32768}) {
		t.Errorf("limits defaults: %+v", c.Limits)
	}
	if c.Store != (Store{Backend: "keyring", KeyEnv: "SFMCP_TOKEN_KEY"}) {
		t.Errorf("store defaults: %+v", c.Store)
	}
	if d := Default(); d.Limits != c.Limits || d.Approval != c.Approval || d.Store != c.Store || d.User != c.User {
		t.Errorf("Default() differs from an empty file's defaults: %+v", d)
	}
	if e, err := Parse(nil, ""); err != nil || len(e.Connections) != 0 || e.Limits.MaxRows != 200 {
		t.Errorf("empty file: %+v, %v", e, err)
	}
}

func TestParseValid(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "instr.md"), []byte("Use fiscal quarters."), 0o600); err != nil {
		t.Fatal(err)
	}
	src := `
user: alice
instructions_file: instr.md
groups:
  ops: [bob, carol]
connections:
  - name: prod
    instance_url: https://acme.my.salesforce.com/
    client_id: abc
    client_secret_file: secrets/prod.txt
    api_reserve: 500
  - name: svc
    mode: shared
    flow: client_credentials
    instance_url: http://127.0.0.1:8080
    client_id: def
    client_secret_env: SVC_SECRET
    allow: ["group:ops", alice]
  - name: jwt
    mode: shared
    flow: jwt_bearer
    login_url: http://localhost:9999
    client_id: ghi
    private_key_file: /etc/k.pem
    username: svc@acme.demo
    allow: ["*"]
    scopes: [api]
policy:
  tools: {delete_record: disabled}
  objects:
    Task: {create_record: always_allow}
  fields: {deny: [Contact.Birthdate]}
approval: {fallback: deny, wait: 0s}
limits: {max_rows: 50, max_bytes: 4096}
store: {backend: file, path: tokens.enc, key_file: key}
`
	c, err := Parse([]byte(src), filepath.Join(dir, "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"user", c.User, "alice"},
		{"instructions", c.Instructions, "Use fiscal quarters."},
		{"instructions_file", c.InstructionsFile, filepath.Join(dir, "instr.md")},
		{"instance_url trimmed", c.Connections[0].InstanceURL, "https://acme.my.salesforce.com"},
		{"secret file absolute", c.Connections[0].ClientSecretFile, filepath.Join(dir, "secrets/prod.txt")},
		{"api_reserve integer", c.Connections[0].APIReserve, "500"},
		{"loopback http instance", c.Connections[1].InstanceURL, "http://127.0.0.1:8080"},
		{"allow", c.Connections[1].Allow, []string{"group:ops", "alice"}},
		{"absolute key stays", c.Connections[2].PrivateKeyFile, "/etc/k.pem"},
		{"scopes", c.Connections[2].Scopes, []string{"api"}},
		{"policy tools", c.Policy.Tools, map[string]string{"delete_record": "disabled"}},
		{"policy objects", c.Policy.Objects, map[string]map[string]string{"Task": {"create_record": "always_allow"}}},
		{"deny", c.Policy.Fields.Deny, []string{"Contact.Birthdate"}},
		{"explicit 0s wait", c.Approval, Approval{Fallback: "deny", Wait: 0}},
		{"limits", c.Limits, Limits{MaxRows: 50, MaxBytes: 4096}},
		{"store", c.Store, Store{Backend: "file", Path: filepath.Join(dir, "tokens.enc"), KeyFile: filepath.Join(dir, "key")}},
	}
	for _, ch := range checks {
		if !reflect.DeepEqual(ch.got, ch.want) {
			t.Errorf("%s: got %#v, want %#v", ch.name, ch.got, ch.want)
		}
	}
	if k, ok := c.Connection(""); !ok || k.Name != "prod" {
		t.Errorf("Connection(\"\") = %v, %v; want the first", k.Name, ok)
	}
	if k, ok := c.Connection("svc"); !ok || k.ClientID != "def" {
		t.Errorf("Connection(svc) = %+v, %v", k, ok)
	}
	if _, ok := c.Connection("nope"); ok {
		t.Error("Connection(nope) found")
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	_, err := Load(filepath.Join(dir, "missing.yaml"))
	if err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Fatalf("missing explicit file: %v", err)
	}
	p := filepath.Join(dir, "c.yaml")
	if err := os.WriteFile(p, []byte("user: bob\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if c, err := Load(p); err != nil || c.User != "bob" || c.Source != p {
		t.Fatalf("Load: %+v %v", c, err)
	}
}

func TestLoadDefault(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("SFMCP_CONFIG", "")
	t.Setenv("XDG_CONFIG_HOME", dir)

	c, err := LoadDefault()
	if err != nil || c.Source != "" || c.Limits.MaxRows != DefaultMaxRows {
		t.Fatalf("absent default file: %+v %v", c, err)
	}
	if c, err := Load(""); err != nil || c.Source != "" {
		t.Fatalf("Load(\"\") without a file: %+v %v", c, err)
	}

	p := filepath.Join(dir, "sfmcp", "config.yaml")
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("user: xdg\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if c, err := LoadDefault(); err != nil || c.User != "xdg" || c.Source != p {
		t.Fatalf("XDG file: %+v %v", c, err)
	}
	if err := os.WriteFile(p, []byte("usr: xdg\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDefault(); err == nil || !strings.Contains(err.Error(), p+":1: usr: unknown key") {
		t.Fatalf("invalid XDG file: %v", err)
	}

	env := filepath.Join(dir, "env.yaml")
	t.Setenv("SFMCP_CONFIG", env)
	if _, err := LoadDefault(); err == nil || !strings.Contains(err.Error(), env) {
		t.Fatalf("missing $SFMCP_CONFIG file must be an error naming it: %v", err)
	}
	if err := os.WriteFile(env, []byte("user: env\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if c, err := LoadDefault(); err != nil || c.User != "env" {
		t.Fatalf("$SFMCP_CONFIG: %+v %v", c, err)
	}

	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("HOME", dir)
	if p, err := DefaultPath(); err != nil || p != filepath.Join(dir, ".config", "sfmcp", "config.yaml") {
		t.Fatalf("DefaultPath fallback: %q %v", p, err)
	}
}

func TestClientSecret(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "s.txt")
	if err := os.WriteFile(file, []byte("  s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.txt")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SFMCP_TEST_SECRET", "envsecret")
	t.Setenv("SFMCP_TEST_EMPTY", " ")

	tests := []struct {
		name    string
		c       Connection
		want    string
		wantErr []string
	}{
		{"env", Connection{Name: "p", ClientSecretEnv: "SFMCP_TEST_SECRET"}, "envsecret", nil},
		{"file trimmed", Connection{Name: "p", ClientSecretFile: file}, "s3cret", nil},
		{"none", Connection{Name: "p"}, "", nil},
		{"env unset", Connection{Name: "p", ClientSecretEnv: "SFMCP_TEST_UNSET_VAR"}, "", []string{"connection p", "SFMCP_TEST_UNSET_VAR", "not set"}},
		{"env empty", Connection{Name: "p", ClientSecretEnv: "SFMCP_TEST_EMPTY"}, "", []string{"SFMCP_TEST_EMPTY", "empty"}},
		{"file missing", Connection{Name: "p", ClientSecretFile: filepath.Join(dir, "nope")}, "", []string{"client_secret_file", filepath.Join(dir, "nope")}},
		{"file empty", Connection{Name: "p", ClientSecretFile: empty}, "", []string{empty, "empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.c.ClientSecret()
			if got != tt.want {
				t.Errorf("secret = %q, want %q", got, tt.want)
			}
			if (err != nil) != (tt.wantErr != nil) {
				t.Fatalf("err = %v", err)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestReserve(t *testing.T) {
	tests := []struct {
		reserve string
		max     int
		want    int
	}{
		{"10%", 100000, 10000},
		{"10%", 15, 2}, // rounded up: never reserve less than asked
		{"2.5%", 1000, 25},
		{"0%", 1000, 0},
		{"500", 100000, 500},
		{"0", 100000, 0},
		{"", 1000, 100},
		{"junk", 1000, 100},
	}
	for _, tt := range tests {
		if got := (Connection{APIReserve: tt.reserve}).Reserve(tt.max); got != tt.want {
			t.Errorf("Reserve(%q, %d) = %d, want %d", tt.reserve, tt.max, got, tt.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	keys := []string{"client_id", "client_secret_env", "client_secret_file", "instance_url", "login_url"}
	tests := map[string]string{
		"client_secert": "client_secret_env",
		"clientid":      "client_id",
		"instanceurl":   "instance_url",
		"loginurl":      "login_url",
		"colour":        "",
	}
	for in, want := range tests {
		if got := Suggest(in, keys); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSchemaStrict walks the schema: every object schema rejects unknown keys (or
// constrains them with a schema) and every property has a description.
func TestSchemaStrict(t *testing.T) {
	var walk func(path string, n any)
	walk = func(path string, n any) {
		m, ok := n.(map[string]any)
		if !ok {
			return
		}
		if m["type"] == "object" {
			if _, ok := m["additionalProperties"]; !ok {
				t.Errorf("%s: object without additionalProperties", path)
			}
		}
		if props, ok := m["properties"].(map[string]any); ok {
			for k, v := range props {
				pm, _ := v.(map[string]any)
				if _, ref := pm["$ref"]; !ref && pm["description"] == nil {
					t.Errorf("%s.%s: no description", path, k)
				}
			}
		}
		for k, v := range m {
			switch v := v.(type) {
			case map[string]any:
				walk(path+"/"+k, v)
			case []any:
				for _, e := range v {
					walk(path+"/"+k, e)
				}
			}
		}
	}
	walk("#", schemaDoc())
	if _, err := compiled(); err != nil {
		t.Fatal(err)
	}
}

func TestAliasBomb(t *testing.T) {
	src := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		src += n + ": &" + n + " [" + strings.Repeat("*"+prev+", ", 9) + "*" + prev + "]\n"
		prev = n
	}
	_, err := Parse([]byte(src), "bomb.yaml")
	if err == nil || !strings.Contains(err.Error(), "too large") {
		t.Fatalf("got %v", err)
	}
}
