package connections

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/sfmcp/sfmcp/config"
)

// OAuth paths, identical on every Salesforce host (WIRE.md §1.1).
const (
	authorizePath = "/services/oauth2/authorize"
	tokenPath     = "/services/oauth2/token"
	revokePath    = "/services/oauth2/revoke"
	userinfoPath  = "/services/oauth2/userinfo"
	grantJWT      = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	// jwtLifetime is the assertion's exp: "within 3 minutes" (WIRE.md §1.6).
	jwtLifetime = 3 * time.Minute
)

// endpoint is the OAuth endpoint on a Salesforce host; credentials go in the form body.
func endpoint(base string) oauth2.Endpoint {
	return oauth2.Endpoint{AuthURL: base + authorizePath, TokenURL: base + tokenPath, AuthStyle: oauth2.AuthStyleInParams}
}

// baseURL validates a Salesforce host URL (https, or http for a loopback host) and returns
// scheme://host without a trailing slash.
func baseURL(what, s string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Host == "" || u.Opaque != "" || u.User != nil {
		return "", fmt.Errorf("%s %q is not a URL like https://acme.my.salesforce.com", what, s)
	}
	switch scheme := strings.ToLower(u.Scheme); {
	case scheme == "https":
	case scheme == "http" && isLoopback(u.Hostname()):
	default:
		return "", fmt.Errorf("%s %q must use https (http is accepted only for 127.0.0.1, localhost and ::1)", what, s)
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host), nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func hostname(base string) string {
	u, _ := url.Parse(base)
	return strings.ToLower(u.Hostname())
}

// tokenResult is what a token endpoint answered (WIRE.md §1.4).
type tokenResult struct {
	AccessToken  string
	RefreshToken string // "" when none was sent (refresh without rotation, cc, JWT)
	InstanceURL  string
	IDURL        string // identity URL, https://login.salesforce.com/id/{org}/{user}
	IssuedAt     time.Time
}

func fromOAuth2(t *oauth2.Token, now time.Time) tokenResult {
	r := tokenResult{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, IssuedAt: now}
	r.InstanceURL, _ = t.Extra("instance_url").(string)
	r.IDURL, _ = t.Extra("id").(string)
	if s, ok := t.Extra("issued_at").(string); ok {
		if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
			r.IssuedAt = time.UnixMilli(ms).UTC()
		}
	}
	return r
}

// flow holds what every grant of one configured connection needs.
type flow struct {
	conn   config.Connection
	secret string // client secret, "" for a public PKCE client
	key    any    // jwt_bearer: the *rsa.PrivateKey
	hc     *http.Client
	now    func() time.Time
}

func newFlow(conn config.Connection, hc *http.Client, now func() time.Time) (*flow, error) {
	f := &flow{conn: conn, hc: hc, now: now}
	if hc == nil {
		f.hc = http.DefaultClient
	}
	var err error
	if f.conn.LoginURL, err = baseURL("connection "+conn.Name+": login_url", orDefault(conn.LoginURL, config.DefaultLoginURL)); err != nil {
		return nil, err
	}
	if conn.InstanceURL != "" {
		if f.conn.InstanceURL, err = baseURL("connection "+conn.Name+": instance_url", conn.InstanceURL); err != nil {
			return nil, err
		}
	}
	if f.secret, err = conn.ClientSecret(); err != nil {
		return nil, err
	}
	if conn.Flow == config.FlowJWTBearer {
		pem, err := os.ReadFile(conn.PrivateKeyFile)
		if err != nil {
			return nil, fmt.Errorf("connection %s: cannot read private_key_file: %w", conn.Name, err)
		}
		if f.key, err = jwt.ParseRSAPrivateKeyFromPEM(pem); err != nil {
			return nil, fmt.Errorf("connection %s: private_key_file %s is not a PEM RSA private key (PKCS#1 or PKCS#8)", conn.Name, conn.PrivateKeyFile)
		}
	}
	return f, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (f *flow) ctx(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, f.hc)
}

func (f *flow) oauthConfig(redirectURL string) *oauth2.Config {
	return &oauth2.Config{
		ClientID: f.conn.ClientID, ClientSecret: f.secret, Endpoint: endpoint(f.conn.LoginURL),
		RedirectURL: redirectURL, Scopes: f.conn.Scopes,
	}
}

// refresh redeems a refresh token at the login host.
func (f *flow) refresh(ctx context.Context, rt string, shared bool) (tokenResult, error) {
	t, err := f.oauthConfig("").TokenSource(f.ctx(ctx), &oauth2.Token{RefreshToken: rt}).Token()
	if err != nil {
		return tokenResult{}, tokenError(f.conn.Name, "refresh_token", shared, true, err)
	}
	r := fromOAuth2(t, f.now())
	if r.RefreshToken == rt {
		r.RefreshToken = "" // x/oauth2 copies the old one when the response has none
	}
	return r, nil
}

// myDomain returns the My Domain base URL client credentials must be sent to.
func (f *flow) myDomain() (string, error) {
	base := f.conn.InstanceURL
	if base == "" {
		base = f.conn.LoginURL
	}
	switch host := hostname(base); {
	case host == "login.salesforce.com" || host == "test.salesforce.com":
		return "", fmt.Errorf("connection %s: client_credentials works only on the org's My Domain, not %s; set instance_url to https://NAME.my.salesforce.com (Setup > My Domain)", f.conn.Name, host)
	case strings.HasSuffix(host, ".lightning.force.com"):
		return "", fmt.Errorf("connection %s: client_credentials works only on the org's My Domain; use https://%s.my.salesforce.com instead of %s", f.conn.Name, strings.TrimSuffix(host, ".lightning.force.com"), host)
	}
	return base, nil
}

// clientCredentials runs the client credentials grant on the My Domain host.
func (f *flow) clientCredentials(ctx context.Context) (tokenResult, error) {
	base, err := f.myDomain()
	if err != nil {
		return tokenResult{}, err
	}
	cc := clientcredentials.Config{ClientID: f.conn.ClientID, ClientSecret: f.secret, TokenURL: base + tokenPath, AuthStyle: oauth2.AuthStyleInParams}
	t, err := cc.Token(f.ctx(ctx))
	if err != nil {
		return tokenResult{}, tokenError(f.conn.Name, config.FlowClientCredentials, true, false, err)
	}
	return fromOAuth2(t, f.now()), nil
}

// jwtAudience is the aud claim for a login URL: test.salesforce.com for sandboxes,
// login.salesforce.com otherwise, and the URL itself for a loopback host (the emulator).
func jwtAudience(loginURL string) string {
	host := hostname(loginURL)
	switch {
	case isLoopback(host):
		return loginURL
	case host == "test.salesforce.com" || strings.Contains(host, "sandbox"):
		return "https://test.salesforce.com"
	}
	return "https://login.salesforce.com"
}

// jwtAssertion is the signed RS256 assertion of the JWT bearer flow.
func (f *flow) jwtAssertion() (string, error) {
	claims := jwt.MapClaims{
		"iss": f.conn.ClientID,
		"sub": f.conn.Username,
		"aud": jwtAudience(f.conn.LoginURL),
		"exp": f.now().Add(jwtLifetime).Unix(),
	}
	return jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(f.key)
}

// jwtBearer runs the JWT bearer grant: a new assertion every time (there is no refresh token).
func (f *flow) jwtBearer(ctx context.Context) (tokenResult, error) {
	assertion, err := f.jwtAssertion()
	if err != nil {
		return tokenResult{}, fmt.Errorf("connection %s: cannot sign the JWT: %w", f.conn.Name, err)
	}
	form := url.Values{"grant_type": {grantJWT}, "assertion": {assertion}}
	t, err := f.postToken(ctx, f.conn.LoginURL+tokenPath, form)
	if err != nil {
		return tokenResult{}, tokenError(f.conn.Name, config.FlowJWTBearer, true, false, err)
	}
	return t, nil
}

// postToken posts a token request x/oauth2 cannot build; errors are *oauth2.RetrieveError
// like x/oauth2's, so tokenError handles both.
func (f *flow) postToken(ctx context.Context, tokenURL string, form url.Values) (tokenResult, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return tokenResult{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := f.hc.Do(req)
	if err != nil {
		return tokenResult{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return tokenResult{}, err
	}
	var v struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		InstanceURL  string `json:"instance_url"`
		ID           string `json:"id"`
		IssuedAt     string `json:"issued_at"`
		Error        string `json:"error"`
		Description  string `json:"error_description"`
	}
	_ = json.Unmarshal(body, &v)
	if resp.StatusCode != http.StatusOK || v.AccessToken == "" {
		return tokenResult{}, &oauth2.RetrieveError{Response: resp, ErrorCode: v.Error, ErrorDescription: v.Description}
	}
	t := tokenResult{AccessToken: v.AccessToken, RefreshToken: v.RefreshToken, InstanceURL: v.InstanceURL, IDURL: v.ID, IssuedAt: f.now()}
	if ms, err := strconv.ParseInt(v.IssuedAt, 10, 64); err == nil {
		t.IssuedAt = time.UnixMilli(ms).UTC()
	}
	return t, nil
}
