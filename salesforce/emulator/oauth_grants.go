package emulator

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
)

// Token-endpoint grants other than the JWT bearer flow (oauth_jwt.go).

// grantAuthorizationCode exchanges a code from /services/oauth2/authorize.
// Confidential use sends the client secret; a code issued with a PKCE challenge may be
// exchanged without one (public client). Any exchange attempt uses the code up.
func (o *Org) grantAuthorizationCode(t *tokenRequest) (*tokenResponse, *oauthError) {
	if err := o.checkClient(t, false); err != nil {
		return nil, err
	}
	a := o.auth
	h := hashToken(t.get("code"))
	a.mu.Lock()
	c, ok := a.codes[h]
	delete(a.codes, h)
	a.mu.Unlock()
	switch {
	case !ok || c.clientID != t.clientID:
		return nil, errCodeInvalid
	case o.now().Sub(c.issued) > codeTTL:
		return nil, errCodeExpired
	case !t.secretSent && c.challenge == "":
		return nil, errClientSecret
	case t.get("redirect_uri") != c.redirectURI:
		return nil, &oauthError{"redirect_uri_mismatch", "redirect_uri must match configuration"}
	}
	if c.challenge != "" {
		v := t.get("code_verifier")
		if v == "" {
			return nil, errGrant("invalid code verifier")
		}
		if subtle.ConstantTimeCompare([]byte(s256(v)), []byte(c.challenge)) != 1 {
			return nil, &oauthError{"invalid_request", "invalid code verifier"}
		}
	}
	if !c.user.Active {
		return nil, errGrant("inactive user")
	}
	fam := randomID()
	resp := o.success(t.r, c.user, fam, c.scope, true)
	if offline(c.scope) {
		a.mu.Lock()
		resp.RefreshToken = a.newRefreshLocked(refreshGrant{
			user: c.user, family: fam, clientID: c.clientID, scope: c.scope,
			public: !t.secretSent, nonce: c.nonce,
		})
		a.approved[c.user.ID] = true
		a.mu.Unlock()
	}
	if hasScope(c.scope, "openid") {
		resp.IDToken = o.idToken(t.r, c.user, c.nonce)
	}
	return resp, nil
}

// grantRefreshToken redeems a refresh token. With Options.RefreshRotation the token is
// replaced (the old one dies at once) and the response carries the new one; without
// rotation the response has no refresh_token. The secret may be omitted only for a token
// issued to a public PKCE client.
func (o *Org) grantRefreshToken(t *tokenRequest) (*tokenResponse, *oauthError) {
	if err := o.checkClient(t, false); err != nil {
		return nil, err
	}
	a := o.auth
	h := hashToken(t.get("refresh_token"))
	a.mu.Lock()
	g, ok := a.refresh[h]
	switch {
	case !ok || g.clientID != t.clientID:
		a.mu.Unlock()
		return nil, errRefreshToken
	case !t.secretSent && !g.public:
		a.mu.Unlock()
		return nil, errClientSecret
	case !g.user.Active:
		a.mu.Unlock()
		return nil, errGrant("inactive user")
	}
	grant := *g
	var rotated string
	if o.opts.RefreshRotation {
		delete(a.refresh, h)
		rotated = a.newRefreshLocked(grant)
	}
	a.mu.Unlock()
	resp := o.success(t.r, grant.user, grant.family, grant.scope, true)
	resp.RefreshToken = rotated
	if hasScope(grant.scope, "openid") {
		resp.IDToken = o.idToken(t.r, grant.user, grant.nonce)
	}
	return resp, nil
}

// grantClientCredentials runs as the configured run-as user; My Domain host only.
func (o *Org) grantClientCredentials(t *tokenRequest) (*tokenResponse, *oauthError) {
	if err := o.checkClient(t, true); err != nil {
		return nil, err
	}
	if !o.isMyDomainHost(t.r) {
		return nil, errGrant("request not supported on this domain")
	}
	o.auth.mu.Lock()
	name := o.auth.ccUser
	o.auth.mu.Unlock()
	u := o.userByUsername(name)
	if name == "" || u == nil {
		return nil, errGrant("no client credentials user enabled")
	}
	if !u.Active {
		return nil, errGrant("inactive user")
	}
	return o.success(t.r, u, "", "api", true), nil
}

// offline reports whether a scope list entitles the client to a refresh token.
func offline(scope string) bool {
	return hasScope(scope, "refresh_token") || hasScope(scope, "offline_access")
}

// s256 is the PKCE S256 transform: BASE64URL(SHA-256(verifier)), no padding.
func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
