package emulator

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// OAuth state of the emulated org: the connected app, authorization codes, refresh tokens
// and access-token sessions. Tokens are stored only as SHA-256 hashes and never logged.
//
// The REST side calls authenticate(r) for every request; its error is always an *apiError
// (401 INVALID_SESSION_ID "Session expired or invalid") ready for writeErr.

// Default connected-app credentials of every emulated org.
const (
	defaultClientID     = "3MVG9sfmcpDemoClientId"
	defaultClientSecret = "sfmcp-demo-secret"
	// defaultCCUser is the client-credentials run-as user of a new org.
	defaultCCUser = "integration@acme.demo"
	// codeTTL is the authorization-code lifetime (WIRE.md §1.2).
	codeTTL = 15 * time.Minute
)

// authState holds the org's OAuth state. Every field below mu is guarded by it.
type authState struct {
	o            *Org
	clientID     string
	clientSecret string

	idKeyOnce sync.Once
	idKey     *rsa.PrivateKey // signs id_tokens; generated on first use

	mu       sync.Mutex
	sessions map[string]*session      // access-token hash -> session
	refresh  map[string]*refreshGrant // refresh-token hash -> grant
	codes    map[string]*authCode     // authorization-code hash -> code
	approved map[string]bool          // user ids that approved the app with refresh_token scope
	ccUser   string                   // client-credentials run-as username, "" = none
	jwtKey   *rsa.PublicKey           // from SetJWTCertificate; nil = JWT flow unusable
}

// session is one live access token.
type session struct {
	user     *User
	family   string // grant family shared with the refresh token(s) it came from; "" if none
	scope    string
	lastUsed time.Time
}

// refreshGrant is one live refresh token.
type refreshGrant struct {
	user     *User
	family   string
	clientID string
	scope    string
	public   bool   // issued to a PKCE client without a secret: refresh needs no secret
	nonce    string // from the authorization request, for id_tokens
}

// authCode is one unused authorization code.
type authCode struct {
	user        *User
	clientID    string
	redirectURI string
	challenge   string // PKCE S256 challenge, "" if none
	scope       string
	nonce       string
	issued      time.Time
}

func newAuthState(o *Org) *authState {
	return &authState{
		o:            o,
		clientID:     defaultClientID,
		clientSecret: defaultClientSecret,
		sessions:     map[string]*session{},
		refresh:      map[string]*refreshGrant{},
		codes:        map[string]*authCode{},
		approved:     map[string]bool{},
		ccUser:       defaultCCUser,
	}
}

// ClientID returns the consumer key of the org's connected app.
func (o *Org) ClientID() string { return o.auth.clientID }

// ClientSecret returns the consumer secret of the org's connected app.
func (o *Org) ClientSecret() string { return o.auth.clientSecret }

// SetClientCredentialsUser sets the run-as user of the client-credentials flow
// (default integration@acme.demo); "" disables the flow ("no client credentials user enabled").
func (o *Org) SetClientCredentialsUser(username string) {
	o.auth.mu.Lock()
	o.auth.ccUser = username
	o.auth.mu.Unlock()
}

// authenticate resolves the Bearer (or "OAuth") token of r to its user and resets the
// session's idle clock. The error is always an *apiError (401 INVALID_SESSION_ID).
func (o *Org) authenticate(r *http.Request) (*User, error) {
	s, err := o.auth.session(bearerToken(r))
	if err != nil {
		return nil, err
	}
	return s.user, nil
}

// session looks up an access token, expiring it after SessionIdle of inactivity and
// otherwise touching it. It returns a copy.
func (a *authState) session(tok string) (session, error) {
	if tok == "" {
		return session{}, errInvalidSession()
	}
	h := hashToken(tok)
	now := a.o.now()
	a.mu.Lock()
	defer a.mu.Unlock()
	s, ok := a.sessions[h]
	if !ok {
		return session{}, errInvalidSession()
	}
	if now.Sub(s.lastUsed) > a.o.opts.SessionIdle || !s.user.Active {
		delete(a.sessions, h)
		return session{}, errInvalidSession()
	}
	if now.After(s.lastUsed) {
		s.lastUsed = now
	}
	return *s, nil
}

// IssueToken returns a fresh access token for username without the OAuth dance
// (for tests and the demo). It has the scope "api id" and no refresh token.
func (o *Org) IssueToken(username string) (string, error) {
	u := o.userByUsername(username)
	if u == nil {
		return "", fmt.Errorf("emulator: unknown user %q", username)
	}
	if !u.Active {
		return "", fmt.Errorf("emulator: user %q is inactive", username)
	}
	a := o.auth
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.newSessionLocked(u, "", "api id"), nil
}

// RevokeAll revokes every access and refresh token of username.
func (o *Org) RevokeAll(username string) {
	u := o.userByUsername(username)
	if u == nil {
		return
	}
	a := o.auth
	a.mu.Lock()
	defer a.mu.Unlock()
	for h, s := range a.sessions {
		if s.user.ID == u.ID {
			delete(a.sessions, h)
		}
	}
	for h, g := range a.refresh {
		if g.user.ID == u.ID {
			delete(a.refresh, h)
		}
	}
}

// newSessionLocked creates an access token; a.mu must be held.
func (a *authState) newSessionLocked(u *User, family, scope string) string {
	tok := a.o.orgID[:15] + "!AQ" + tokenString(72)
	a.sessions[hashToken(tok)] = &session{user: u, family: family, scope: scope, lastUsed: a.o.now()}
	return tok
}

// newRefreshLocked creates a refresh token for g (its family included); a.mu must be held.
func (a *authState) newRefreshLocked(g refreshGrant) string {
	tok := "5Aep861" + tokenString(60)
	a.refresh[hashToken(tok)] = &g
	return tok
}

// revoke invalidates an access token, or a refresh token and every access token of its
// grant family. It reports whether the token was known.
func (a *authState) revoke(tok string) bool {
	h := hashToken(tok)
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.sessions[h]; ok {
		delete(a.sessions, h)
		return true
	}
	g, ok := a.refresh[h]
	if !ok {
		return false
	}
	delete(a.refresh, h)
	for sh, s := range a.sessions {
		if s.family == g.family {
			delete(a.sessions, sh)
		}
	}
	return true
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

// tokenEncoding draws from the characters seen in real Salesforce tokens.
var tokenEncoding = base64.NewEncoding("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._").WithPadding(base64.NoPadding)

// tokenString returns about n random token characters.
func tokenString(n int) string {
	b := make([]byte, n*3/4)
	_, _ = rand.Read(b)
	return tokenEncoding.EncodeToString(b)
}

// randomID returns an opaque random identifier (grant families, nonces).
func randomID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
