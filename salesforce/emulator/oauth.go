package emulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// The token endpoint (WIRE.md §1.3–1.7) and the routing of /services/oauth2/* and /id/*.

const grantJWTBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// maxFormBytes bounds OAuth request bodies.
const maxFormBytes = 64 << 10

// oauthHandler serves /services/oauth2/{authorize,token,revoke,userinfo}, /id/keys and the
// identity URLs /id/{org}/{user}.
func (o *Org) oauthHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/services/oauth2/authorize", o.serveAuthorize)
	mux.HandleFunc("/services/oauth2/token", o.serveToken)
	mux.HandleFunc("/services/oauth2/revoke", o.serveRevoke)
	mux.HandleFunc("/services/oauth2/userinfo", o.serveUserInfo)
	mux.HandleFunc("/id/keys", o.serveKeys)
	mux.HandleFunc("/id/", o.serveIdentity)
	return mux
}

// oauthError is a token-endpoint failure: 400 {"error","error_description"}.
type oauthError struct {
	Code string
	Desc string
}

func (e *oauthError) Error() string { return e.Code + ": " + e.Desc }

func errGrant(desc string) *oauthError { return &oauthError{"invalid_grant", desc} }

var (
	errClientID     = &oauthError{"invalid_client_id", "client identifier invalid"}
	errClientSecret = &oauthError{"invalid_client", "invalid client credentials"}
	errRefreshToken = errGrant("expired access/refresh token")
	errCodeInvalid  = errGrant("invalid authorization code")
	errCodeExpired  = errGrant("expired authorization code")
)

// writeOAuthError writes the 400 JSON body with Cache-Control: no-store.
func writeOAuthError(w http.ResponseWriter, e *oauthError) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": e.Code, "error_description": e.Desc})
}

// tokenResponse is the success body of WIRE.md §1.4. issued_at and signature are omitted
// for the JWT bearer flow; refresh_token only where §1.4 says; there is never expires_in.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Signature    string `json:"signature,omitempty"`
	Scope        string `json:"scope"`
	IDToken      string `json:"id_token,omitempty"`
	InstanceURL  string `json:"instance_url"`
	ID           string `json:"id"`
	TokenType    string `json:"token_type"`
	IssuedAt     string `json:"issued_at,omitempty"`
}

// tokenRequest is a parsed token-endpoint request.
type tokenRequest struct {
	r          *http.Request
	clientID   string
	secret     string
	secretSent bool
}

func (t *tokenRequest) get(k string) string { return t.r.Form.Get(k) }

// serveToken implements POST /services/oauth2/token for every grant type.
func (o *Org) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeOAuthError(w, &oauthError{"invalid_request", "must use HTTP POST"})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, &oauthError{"invalid_request", "malformed request body"})
		return
	}
	t := &tokenRequest{r: r, clientID: r.Form.Get("client_id"), secret: r.Form.Get("client_secret")}
	t.secretSent = r.Form.Has("client_secret")
	if id, secret, ok := r.BasicAuth(); ok {
		if t.clientID == "" {
			t.clientID = id
		}
		if !t.secretSent {
			t.secret, t.secretSent = secret, true
		}
	}
	var (
		resp *tokenResponse
		err  *oauthError
	)
	grant := r.Form.Get("grant_type")
	switch grant {
	case "authorization_code":
		resp, err = o.grantAuthorizationCode(t)
	case "refresh_token":
		resp, err = o.grantRefreshToken(t)
	case "client_credentials":
		resp, err = o.grantClientCredentials(t)
	case grantJWTBearer:
		resp, err = o.grantJWTBearer(t)
		grant = "jwt_bearer"
	case "password":
		// Blocked by default in orgs created since Summer '23 (WIRE.md §1.1).
		err = errGrant("authentication failure")
	default:
		err = &oauthError{"unsupported_grant_type", "grant type not supported"}
	}
	if err != nil {
		o.incr("token.error")
		writeOAuthError(w, err)
		return
	}
	o.incr("token." + grant)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, resp)
}

// checkClient validates client_id and, when one was sent (or needSecret), the secret.
func (o *Org) checkClient(t *tokenRequest, needSecret bool) *oauthError {
	if t.clientID != o.auth.clientID {
		return errClientID
	}
	if (t.secretSent || needSecret) && !hmac.Equal([]byte(t.secret), []byte(o.auth.clientSecret)) {
		return errClientSecret
	}
	return nil
}

// success builds a token response for u: a new access token in grant family fam, the
// identity URL on the login host, and (withSig) issued_at + signature.
func (o *Org) success(r *http.Request, u *User, fam, scope string, withSig bool) *tokenResponse {
	a := o.auth
	a.mu.Lock()
	tok := a.newSessionLocked(u, fam, scope)
	a.mu.Unlock()
	resp := &tokenResponse{
		AccessToken: tok,
		Scope:       scope,
		InstanceURL: o.instanceURL(r),
		ID:          o.identityURL(r, u),
		TokenType:   "Bearer",
	}
	if withSig {
		resp.IssuedAt = strconv.FormatInt(o.now().UnixMilli(), 10)
		resp.Signature = tokenSignature(resp.ID, resp.IssuedAt, a.clientSecret)
	}
	return resp
}

// tokenSignature is base64(HMAC-SHA256(id + issued_at)) keyed with the client secret.
func tokenSignature(id, issuedAt, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(id + issuedAt))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// identityURL is http://localhost:PORT/id/{org18}/{user18}: always on the login host.
func (o *Org) identityURL(r *http.Request, u *User) string {
	return o.loginURL(r) + "/id/" + o.orgID + "/" + u.ID
}

// hasScope reports whether the space-separated scope list contains s.
func hasScope(scope, s string) bool {
	for _, f := range strings.Fields(scope) {
		if f == s {
			return true
		}
	}
	return false
}

// serveRevoke implements /services/oauth2/revoke: POST form token= or GET ?token=.
func (o *Org) serveRevoke(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil || (r.Method != http.MethodPost && r.Method != http.MethodGet) {
		writeOAuthError(w, &oauthError{"invalid_request", "malformed request"})
		return
	}
	tok := r.Form.Get("token")
	if tok == "" || !o.auth.revoke(tok) {
		writeOAuthError(w, &oauthError{"invalid_token", "Token was invalid"})
		return
	}
	o.incr("token.revoke")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}

// writeJSONNoStore is writeJSON with Cache-Control: no-store.
func writeJSONNoStore(w http.ResponseWriter, v any) {
	w.Header().Set("Cache-Control", "no-store")
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", contentTypeJSON)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}
