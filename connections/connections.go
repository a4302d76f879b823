// Package connections turns a principal and a connection name into a live Salesforce
// client, at call time: per-user OAuth logins (each person's own refresh token) or a shared
// service identity, OAuth flows (authorization code + PKCE, client credentials, JWT bearer),
// in-memory access tokens refreshed on 401, stored refresh tokens (package store), and the
// org's API budget.
//
// Only this package imports golang.org/x/oauth2 and go-keyring. Tools never see a token.
package connections

import (
	"context"
	"fmt"
	"strings"

	"github.com/sfmcp/sfmcp/config"
	"github.com/sfmcp/sfmcp/connections/store"
	"github.com/sfmcp/sfmcp/salesforce"
)

// Store keeps refresh tokens and identities; see package store.
type Store = store.Store

// Key names a stored secret: connection + principal.
type Key = store.Key

// Secret is a stored refresh token with its identity; it never holds an access token.
type Secret = store.Secret

// Errors of a Store.
var (
	ErrNotFound = store.ErrNotFound
	ErrTooBig   = store.ErrTooBig
)

// SharedPrincipal is the principal a shared connection's login (sfmcp login --shared) is
// stored under.
const SharedPrincipal = "_shared"

// Identity is the Salesforce user a connection acts as.
type Identity struct {
	OrgID    string
	UserID   string
	Username string
}

// Connection is a resolved, ready-to-use Salesforce connection for one principal.
type Connection struct {
	Name        string // connection name from the config
	Mode        string // config.ModePerUser or config.ModeShared
	InstanceURL string
	Identity    Identity
	Client      *salesforce.Client

	ts      *tokenSource
	budget  *budget
	reserve string // api_reserve
}

// Resolver finds the connection a tool call runs on.
type Resolver interface {
	// Resolve returns the connection named connection ("" = the first one) for principal.
	Resolve(ctx context.Context, principal, connection string) (*Connection, error)
}

// OpenStore opens the secret store the config names: the OS keyring, the encrypted file
// (key from key_env or key_file) or memory.
func OpenStore(cfg config.Store) (Store, error) {
	switch cfg.Backend {
	case config.BackendKeyring, "":
		return store.NewKeyring(), nil
	case config.BackendMemory:
		return store.NewMemory(), nil
	case config.BackendFile:
		if cfg.Path == "" {
			return nil, fmt.Errorf("store.backend file needs store.path: the token file, e.g. ~/.config/sfmcp/tokens.enc")
		}
		key, src, err := store.LoadKey(cfg.KeyEnv, cfg.KeyFile)
		if err != nil {
			return nil, err
		}
		return store.OpenFile(cfg.Path, key, src)
	}
	return nil, fmt.Errorf("store.backend %q is not one of keyring, file, memory", cfg.Backend)
}

// loginCommand is the CLI command that (re)connects a connection.
func loginCommand(connection string, shared bool) string {
	cmd := "sfmcp login --connection " + connection
	if shared {
		cmd += " --shared"
	}
	return cmd
}

// names lists the configured connection names.
func names(cfg *config.Config) string {
	var n []string
	for _, c := range cfg.Connections {
		n = append(n, c.Name)
	}
	return strings.Join(n, ", ")
}
