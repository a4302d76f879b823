// Package store keeps sfmcp's OAuth secrets (refresh tokens and the identity they belong to).
//
// Three backends implement [Store]: the OS keyring ([NewKeyring]), one AES-256-GCM encrypted
// file ([OpenFile]) and process memory ([NewMemory]). Access tokens are never stored: they live
// in memory only.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// ErrNotFound is returned by Get and Delete when no secret is stored under the key.
var ErrNotFound = errors.New("no stored secret")

// ErrTooBig is returned by Put when a secret is too large for the backend.
var ErrTooBig = errors.New("secret too big for the token store")

// Key names one stored secret: a connection and the principal (user) it belongs to.
type Key struct {
	Connection string
	Principal  string
}

func (k Key) String() string { return k.Connection + "/" + k.Principal }

// Secret is what sfmcp keeps for one (connection, principal): the refresh token and the
// Salesforce identity it was issued for. It holds no access token.
//
// String, GoString and LogValue redact the refresh token, so printing or logging a Secret
// never leaks it.
type Secret struct {
	RefreshToken string
	InstanceURL  string
	OrgID        string
	UserID       string
	Username     string
	IssuedAt     time.Time
}

// String describes the secret without its refresh token.
func (s Secret) String() string {
	rt := "none"
	if s.RefreshToken != "" {
		rt = "[redacted]"
	}
	return fmt.Sprintf("{refresh_token:%s instance_url:%s org_id:%s user_id:%s username:%s issued_at:%s}",
		rt, s.InstanceURL, s.OrgID, s.UserID, s.Username, s.IssuedAt.UTC().Format(time.RFC3339))
}

// GoString is String, so %#v redacts too.
func (s Secret) GoString() string { return s.String() }

// LogValue implements slog.LogValuer without the refresh token.
func (s Secret) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("instance_url", s.InstanceURL),
		slog.String("username", s.Username),
		slog.String("user_id", s.UserID),
	)
}

// Store reads and writes secrets. Implementations are safe for concurrent use.
type Store interface {
	// Get returns the secret stored under key, or an error wrapping ErrNotFound.
	Get(ctx context.Context, key Key) (Secret, error)
	// Put stores s under key, replacing any previous secret.
	Put(ctx context.Context, key Key, s Secret) error
	// Delete removes the secret under key; a missing key gives an error wrapping ErrNotFound.
	Delete(ctx context.Context, key Key) error
}

// record is the JSON form of a Secret, shared by the keyring and file backends.
type record struct {
	RefreshToken string `json:"refresh_token,omitempty"`
	InstanceURL  string `json:"instance_url,omitempty"`
	OrgID        string `json:"org_id,omitempty"`
	UserID       string `json:"user_id,omitempty"`
	Username     string `json:"username,omitempty"`
	IssuedAt     int64  `json:"issued_at,omitempty"` // unix milliseconds
}

func toRecord(s Secret) record {
	r := record{RefreshToken: s.RefreshToken, InstanceURL: s.InstanceURL, OrgID: s.OrgID,
		UserID: s.UserID, Username: s.Username}
	if !s.IssuedAt.IsZero() {
		r.IssuedAt = s.IssuedAt.UnixMilli()
	}
	return r
}

func (r record) secret() Secret {
	s := Secret{RefreshToken: r.RefreshToken, InstanceURL: r.InstanceURL, OrgID: r.OrgID,
		UserID: r.UserID, Username: r.Username}
	if r.IssuedAt != 0 {
		s.IssuedAt = time.UnixMilli(r.IssuedAt).UTC()
	}
	return s
}

// Memory is a Store in process memory; secrets are lost when the process exits.
type Memory struct {
	mu sync.Mutex
	m  map[Key]Secret
}

// NewMemory returns an empty in-memory Store.
func NewMemory() *Memory { return &Memory{m: map[Key]Secret{}} }

// Get implements Store.
func (m *Memory) Get(_ context.Context, key Key) (Secret, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.m[key]
	if !ok {
		return Secret{}, fmt.Errorf("%w for %s", ErrNotFound, key)
	}
	return s, nil
}

// Put implements Store.
func (m *Memory) Put(_ context.Context, key Key, s Secret) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m[key] = s
	return nil
}

// Delete implements Store.
func (m *Memory) Delete(_ context.Context, key Key) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.m[key]; !ok {
		return fmt.Errorf("%w for %s", ErrNotFound, key)
	}
	delete(m.m, key)
	return nil
}
