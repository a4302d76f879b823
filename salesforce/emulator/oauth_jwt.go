package emulator

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The JWT bearer grant (WIRE.md §1.6), id_tokens for the openid scope, and /id/keys.

// jwtMaxAhead is how far in the future a JWT exp may be: "within 3 minutes" plus a
// one-minute allowance for clock skew.
const jwtMaxAhead = 3*time.Minute + time.Minute

// SetJWTCertificate sets the certificate (PEM "CERTIFICATE", or a PEM "PUBLIC KEY") whose
// RSA key verifies JWT bearer assertions. Invalid input clears it.
func (o *Org) SetJWTCertificate(pemCert []byte) {
	key := parseRSAPublicPEM(pemCert)
	o.auth.mu.Lock()
	o.auth.jwtKey = key
	o.auth.mu.Unlock()
}

func parseRSAPublicPEM(data []byte) *rsa.PublicKey {
	for {
		var blk *pem.Block
		blk, data = pem.Decode(data)
		if blk == nil {
			return nil
		}
		var pub any
		switch blk.Type {
		case "CERTIFICATE":
			if c, err := x509.ParseCertificate(blk.Bytes); err == nil {
				pub = c.PublicKey
			}
		case "PUBLIC KEY":
			pub, _ = x509.ParsePKIXPublicKey(blk.Bytes)
		case "RSA PUBLIC KEY":
			pub, _ = x509.ParsePKCS1PublicKey(blk.Bytes)
		}
		if k, ok := pub.(*rsa.PublicKey); ok {
			return k
		}
	}
}

// grantJWTBearer verifies an RS256 assertion: iss = client id, sub (or prn, which wins) =
// username, aud = a login URL, exp in seconds (number or numeric string) in the future
// and at most jwtMaxAhead away. The user must be pre-authorized: System Administrator
// profile ("admin approved users are pre-authorized") or an earlier approval of the app
// that included the refresh_token scope. No refresh token, issued_at or signature.
func (o *Org) grantJWTBearer(t *tokenRequest) (*tokenResponse, *oauthError) {
	o.auth.mu.Lock()
	key := o.auth.jwtKey
	o.auth.mu.Unlock()
	errAssertion := errGrant("invalid assertion")
	if key == nil {
		return nil, errAssertion
	}
	claims := jwt.MapClaims{}
	p := jwt.NewParser(jwt.WithValidMethods([]string{"RS256"}), jwt.WithoutClaimsValidation(), jwt.WithJSONNumber())
	if _, err := p.ParseWithClaims(t.get("assertion"), claims, func(*jwt.Token) (any, error) { return key, nil }); err != nil {
		return nil, errAssertion
	}
	if iss, _ := claims["iss"].(string); iss != o.auth.clientID {
		return nil, errClientID
	}
	if !o.validAudience(t.r, claims["aud"]) {
		return nil, errGrant("audience is invalid")
	}
	// A missing, past or too distant exp (e.g. written in milliseconds) is reported the
	// way Salesforce does: "expired authorization code" (WIRE.md §1.6).
	exp, ok := numericClaim(claims["exp"])
	now := o.now()
	if at := time.Unix(exp, 0); !ok || !at.After(now) || at.After(now.Add(jwtMaxAhead)) {
		return nil, errGrant("expired authorization code")
	}
	name, _ := claims["sub"].(string)
	if prn, _ := claims["prn"].(string); prn != "" {
		name = prn
	}
	u := o.userByUsername(name)
	if u == nil || !o.preAuthorized(u) {
		return nil, errGrant("user hasn't approved this consumer")
	}
	if !u.Active {
		return nil, errGrant("inactive user")
	}
	return o.success(t.r, u, "", "api id", false), nil
}

// validAudience accepts the production and sandbox login URLs and the emulator's own.
func (o *Org) validAudience(r *http.Request, aud any) bool {
	ok := func(s string) bool {
		s = strings.TrimSuffix(s, "/")
		return s == "https://login.salesforce.com" || s == "https://test.salesforce.com" || s == o.loginURL(r)
	}
	switch v := aud.(type) {
	case string:
		return ok(v)
	case []any:
		for _, e := range v {
			if s, _ := e.(string); ok(s) {
				return true
			}
		}
	}
	return false
}

// numericClaim reads seconds written as a JSON number or a numeric string.
func numericClaim(v any) (int64, bool) {
	var s string
	switch x := v.(type) {
	case json.Number:
		s = x.String()
	case string:
		s = x
	default:
		return 0, false
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(s, 64)
	return int64(f), err == nil
}

func (o *Org) preAuthorized(u *User) bool {
	if u.ProfileName == profileAdmin.Name || u.ProfileName == profileInteg.Name {
		return true
	}
	o.auth.mu.Lock()
	defer o.auth.mu.Unlock()
	return o.auth.approved[u.ID]
}

// signingKey returns the org's id_token key, generating it on first use.
func (a *authState) signingKey() *rsa.PrivateKey {
	a.idKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic("emulator: rsa key: " + err.Error())
		}
		a.idKey = k
	})
	return a.idKey
}

// keyID names the id_token key in the JWT header and in /id/keys.
func keyID(k *rsa.PublicKey) string {
	sum := sha256.Sum256(x509.MarshalPKCS1PublicKey(k))
	return hex.EncodeToString(sum[:4])
}

// idToken is a minimal OpenID Connect id_token for u, RS256-signed.
func (o *Org) idToken(r *http.Request, u *User, nonce string) string {
	k := o.auth.signingKey()
	now := o.now()
	claims := jwt.MapClaims{
		"iss":   o.loginURL(r),
		"sub":   o.identityURL(r, u),
		"aud":   o.auth.clientID,
		"iat":   now.Unix(),
		"exp":   now.Add(5 * time.Minute).Unix(),
		"name":  u.Name,
		"email": u.Email,
		// Salesforce-specific claims.
		"preferred_username": u.Username,
		"user_id":            u.ID,
		"organization_id":    o.orgID,
	}
	if nonce != "" {
		claims["nonce"] = nonce
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = keyID(&k.PublicKey)
	s, err := tok.SignedString(k)
	if err != nil {
		return ""
	}
	return s
}

// serveKeys serves the JSON Web Key Set of the id_token key (/id/keys).
func (o *Org) serveKeys(w http.ResponseWriter, _ *http.Request) {
	k := &o.auth.signingKey().PublicKey
	b64 := base64.RawURLEncoding.EncodeToString
	writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "alg": "RS256", "use": "sig", "kid": keyID(k),
		"n": b64(k.N.Bytes()), "e": b64(big.NewInt(int64(k.E)).Bytes()),
	}}})
}
