package emulator

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Default connected-app credentials of every emulated org.
const (
	defaultClientID     = "3MVG9sfmcpDemoClientId"
	defaultClientSecret = "sfmcp-demo-secret"
)

// authState holds the org's OAuth state: the connected app, authorization codes, refresh
// tokens and access-token sessions. Tokens are stored only as SHA-256 hashes.
type authState struct {
	o *Org

	mu       sync.Mutex
	sessions map[string]*session // access-token hash -> session
}

// session is one live access token.
type session struct {
	user     *User
	refresh  string // hash of the refresh token it came from, "" if none
	lastUsed time.Time
}

func newAuthState(o *Org) *authState {
	return &authState{o: o, sessions: map[string]*session{}}
}

// ClientID returns the consumer key of the org's connected app.
func (o *Org) ClientID() string { return defaultClientID }

// ClientSecret returns the consumer secret of the org's connected app.
func (o *Org) ClientSecret() string { return defaultClientSecret }

// authenticate resolves the Bearer (or "OAuth") token of r to its user and resets the
// session's idle clock. The error is always an *apiError (401 INVALID_SESSION_ID).
func (o *Org) authenticate(r *http.Request) (*User, error) {
	tok := bearerToken(r)
	if tok == "" {
		return nil, errInvalidSession()
	}
	a := o.auth
	now := o.now()
	a.mu.Lock()
	defer a.mu.Unlock()
	h := hashToken(tok)
	s, ok := a.sessions[h]
	if !ok {
		return nil, errInvalidSession()
	}
	if now.Sub(s.lastUsed) > o.opts.SessionIdle {
		delete(a.sessions, h)
		return nil, errInvalidSession()
	}
	s.lastUsed = now
	return s.user, nil
}

// IssueToken returns a fresh access token for username without the OAuth dance
// (for tests and the demo).
func (o *Org) IssueToken(username string) (string, error) {
	return "", errors.New("emulator: IssueToken not implemented yet")
}

// oauthHandler serves /services/oauth2/* and /id/*.
func (o *Org) oauthHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.NotFound(w, r)
	})
}

// bearerToken extracts the token from "Authorization: Bearer X" (or "OAuth X").
func bearerToken(r *http.Request) string {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || (!strings.EqualFold(scheme, "Bearer") && !strings.EqualFold(scheme, "OAuth")) {
		return ""
	}
	return strings.TrimSpace(tok)
}

// hashToken is the map key for a token; tokens themselves are never stored.
func hashToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// randomString returns n random bytes, base64url-encoded.
func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
