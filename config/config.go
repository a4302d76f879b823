// Package config loads sfmcp's YAML config file.
//
// Loading is: YAML -> JSON Schema validation (schemas/config.schema.json, unknown keys are
// errors) -> decoding -> semantic checks -> defaults. Every problem is reported as an Issue
// naming the key path (e.g. "connections[0].flow") and what to do about it.
// Secrets are never in the file: Connection.ClientSecret reads them from env or a file.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"time"
)

// Defaults applied to keys left out of the file.
const (
	DefaultLoginURL     = "https://login.salesforce.com"
	DefaultAPIVersion   = "v62.0"
	DefaultCallbackPort = 1717
	DefaultAPIReserve   = "10%"
	DefaultMaxRows      = 200
	DefaultMaxBytes     = 32768
	DefaultApprovalWait = 60 * time.Second
	DefaultKeyEnv       = "SFMCP_TOKEN_KEY"
)

// Enumerated values of the config file.
const (
	ModePerUser = "per_user"
	ModeShared  = "shared"

	FlowAuthorizationCode = "authorization_code"
	FlowClientCredentials = "client_credentials"
	FlowJWTBearer         = "jwt_bearer"

	FallbackPage = "page"
	FallbackDeny = "deny"

	BackendKeyring = "keyring"
	BackendFile    = "file"
	BackendMemory  = "memory"
)

// DefaultScopes are the OAuth scopes requested when a connection lists none.
var DefaultScopes = []string{"api", "refresh_token", "id"}

// Config is a loaded, validated config with defaults applied.
// Relative file paths in it have been made absolute (relative to the config file).
type Config struct {
	User             string              `yaml:"user"`              // stdio principal; default OS user
	Instructions     string              `yaml:"instructions"`      // MCP instructions (read from instructions_file when set)
	InstructionsFile string              `yaml:"instructions_file"` // absolute path, or ""
	Groups           map[string][]string `yaml:"groups"`            // group name -> principals, used by allow: ["group:sales"]
	Connections      []Connection        `yaml:"connections"`
	Policy           Policy              `yaml:"policy"`
	Approval         Approval            `yaml:"approval"`
	Limits           Limits              `yaml:"limits"`
	Store            Store               `yaml:"store"`

	// Source is the file the config was loaded from ("" for defaults or bytes).
	Source string `yaml:"-"`
}

// Connection is one Salesforce org sfmcp can reach.
type Connection struct {
	Name             string   `yaml:"name"`
	InstanceURL      string   `yaml:"instance_url"` // My Domain URL without trailing slash; "" = from the token response
	LoginURL         string   `yaml:"login_url"`
	Mode             string   `yaml:"mode"` // ModePerUser | ModeShared
	Flow             string   `yaml:"flow"` // FlowAuthorizationCode | FlowClientCredentials | FlowJWTBearer
	ClientID         string   `yaml:"client_id"`
	ClientSecretEnv  string   `yaml:"client_secret_env"`
	ClientSecretFile string   `yaml:"client_secret_file"`
	PrivateKeyFile   string   `yaml:"private_key_file"` // jwt_bearer
	Username         string   `yaml:"username"`         // jwt_bearer: the JWT subject
	Allow            []string `yaml:"allow"`            // shared mode: principals, "group:NAME", "*"
	APIVersion       string   `yaml:"api_version"`
	CallbackPort     int      `yaml:"callback_port"`
	APIReserve       string   `yaml:"api_reserve"` // "10%" or an absolute number of calls, e.g. "500"
	Scopes           []string `yaml:"scopes"`
}

// Policy is the policy section as written; package policy validates tool names and builds
// the model from it.
type Policy struct {
	Tools   map[string]string            `yaml:"tools"`   // tool -> always_allow|needs_approval|disabled
	Objects map[string]map[string]string `yaml:"objects"` // object -> tool -> level
	Fields  Fields                       `yaml:"fields"`
}

// Fields is policy.fields.
type Fields struct {
	Deny []string `yaml:"deny"` // "Object.Field"
}

// Approval is how needs_approval calls get approved.
type Approval struct {
	Fallback string        `yaml:"fallback"` // FallbackPage | FallbackDeny
	Wait     time.Duration `yaml:"wait"`
}

// Limits bound every tool result.
type Limits struct {
	MaxRows  int `yaml:"max_rows"`
	MaxBytes int `yaml:"max_bytes"`
}

// Store is where OAuth tokens are kept.
type Store struct {
	Backend string `yaml:"backend"` // BackendKeyring | BackendFile | BackendMemory
	Path    string `yaml:"path"`
	KeyEnv  string `yaml:"key_env"`
	KeyFile string `yaml:"key_file"`
}

// Default returns the config used when there is no config file.
func Default() *Config {
	c := &Config{}
	c.applyDefaults()
	return c
}

// Load reads and validates the config file at path. An empty path means LoadDefault.
// Errors name the file; validation errors are *Error.
func Load(path string) (*Config, error) {
	if path == "" {
		return LoadDefault()
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, pathErr(err))
	}
	return Parse(data, path)
}

// pathErr drops the *fs.PathError wrapper (its path is already in our message).
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// LoadDefault loads $SFMCP_CONFIG if set (a missing file is then an error), else
// $XDG_CONFIG_HOME/sfmcp/config.yaml (~/.config when unset), returning Default()
// when that file does not exist.
func LoadDefault() (*Config, error) {
	if p := os.Getenv("SFMCP_CONFIG"); p != "" {
		return Load(p)
	}
	p, err := DefaultPath()
	if err != nil {
		return Default(), nil //nolint:nilerr // no home directory: nothing to load
	}
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return Default(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", p, pathErr(err))
	}
	return Parse(data, p)
}

// DefaultPath is $XDG_CONFIG_HOME/sfmcp/config.yaml, or ~/.config/sfmcp/config.yaml.
func DefaultPath() (string, error) {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "sfmcp", "config.yaml"), nil
}

// Parse validates a config document. source names it in errors and is the base for
// relative paths (its directory); "" means the current directory.
func Parse(data []byte, source string) (*Config, error) {
	doc, err := decodeYAML(data)
	if err != nil {
		return nil, &Error{File: source, Issues: []Issue{{Line: yamlErrLine(err), Msg: err.Error()}}}
	}
	if issues := validateSchema(doc); len(issues) > 0 {
		return nil, &Error{File: source, Issues: issues}
	}
	c := &Config{}
	if doc.root != nil {
		if err := doc.root.Decode(c); err != nil {
			return nil, &Error{File: source, Issues: []Issue{{Line: yamlErrLine(err), Msg: err.Error()}}}
		}
	}
	c.Source = source
	raw := *c
	raw.Connections = slices.Clone(c.Connections) // applyDefaults must not change raw
	c.applyDefaults()
	base := "."
	if source != "" {
		base = filepath.Dir(source)
	}
	if issues := c.check(&raw, base, doc.lines); len(issues) > 0 {
		return nil, &Error{File: source, Issues: issues}
	}
	return c, nil
}

// applyDefaults fills every key left out of the file.
func (c *Config) applyDefaults() {
	if c.User == "" {
		c.User = osUser()
	}
	if c.Approval.Fallback == "" {
		c.Approval.Fallback = FallbackPage
	}
	if c.Approval.Wait == 0 {
		c.Approval.Wait = DefaultApprovalWait
	}
	if c.Limits.MaxRows == 0 {
		c.Limits.MaxRows = DefaultMaxRows
	}
	if c.Limits.MaxBytes == 0 {
		c.Limits.MaxBytes = DefaultMaxBytes
	}
	if c.Store.Backend == "" {
		c.Store.Backend = BackendKeyring
	}
	if c.Store.KeyEnv == "" && c.Store.KeyFile == "" {
		c.Store.KeyEnv = DefaultKeyEnv
	}
	for i := range c.Connections {
		k := &c.Connections[i]
		if k.Mode == "" {
			k.Mode = ModePerUser
		}
		if k.Flow == "" {
			k.Flow = FlowAuthorizationCode
		}
		if k.LoginURL == "" {
			k.LoginURL = DefaultLoginURL
		}
		if k.APIVersion == "" {
			k.APIVersion = DefaultAPIVersion
		}
		if k.CallbackPort == 0 {
			k.CallbackPort = DefaultCallbackPort
		}
		if k.APIReserve == "" {
			k.APIReserve = DefaultAPIReserve
		}
		if len(k.Scopes) == 0 {
			k.Scopes = append([]string(nil), DefaultScopes...)
		}
	}
}

// Connection returns the connection with that name; "" means the first one.
func (c *Config) Connection(name string) (Connection, bool) {
	for _, k := range c.Connections {
		if name == "" || k.Name == name {
			return k, true
		}
	}
	return Connection{}, false
}

func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return os.Getenv("USERNAME")
}

// yamlErrLine extracts the line from a yaml error ("yaml: line 3: ..."), 0 if none.
func yamlErrLine(err error) int {
	var line int
	if _, e := fmt.Sscanf(err.Error(), "yaml: line %d:", &line); e == nil {
		return line
	}
	return 0
}
