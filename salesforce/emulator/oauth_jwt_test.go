package emulator

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

var (
	jwtKeyOnce sync.Once
	jwtKey     *rsa.PrivateKey
	jwtCertPEM []byte
)

// testJWTKey returns an RSA key and a self-signed certificate for it (shared by the tests).
func testJWTKey(t *testing.T) (*rsa.PrivateKey, []byte) {
	t.Helper()
	jwtKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "sfmcp test"},
			NotBefore: time.Unix(0, 0), NotAfter: time.Now().AddDate(10, 0, 0),
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
		if err != nil {
			panic(err)
		}
		jwtKey, jwtCertPEM = k, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	})
	return jwtKey, jwtCertPEM
}

func (e *oauthEnv) jwtClaims(sub string) jwt.MapClaims {
	return jwt.MapClaims{"iss": e.org.ClientID(), "sub": sub, "aud": "https://login.salesforce.com",
		"exp": e.clock.Now().Add(3 * time.Minute).Unix()}
}

func (e *oauthEnv) jwtGrant(base string, claims jwt.MapClaims, key any, method jwt.SigningMethod) (int, map[string]any) {
	e.t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.token(base, url.Values{"grant_type": {grantJWTBearer}, "assertion": {s}})
}

func TestJWTBearer(t *testing.T) {
	key, cert := testJWTKey(t)
	e := newOAuthEnv(t, Options{})
	e.org.SetJWTCertificate(cert)

	status, body := e.jwtGrant(e.login, e.jwtClaims("admin@acme.demo"), key, jwt.SigningMethodRS256)
	if status != 200 {
		t.Fatalf("%d %v", status, body)
	}
	checkSuccess(t, e, body, "admin@acme.demo") // no issued_at, signature or refresh_token
	if !e.alive(body["access_token"].(string)) {
		t.Fatal("JWT access token does not work")
	}
	if e.org.Count("token.jwt_bearer") != 1 {
		t.Errorf("counter %d", e.org.Count("token.jwt_bearer"))
	}

	// exp as a numeric string, aud as the test URL, the emulator's own login URL, or a list.
	for _, c := range []jwt.MapClaims{
		{"exp": strconv.FormatInt(e.clock.Now().Add(time.Minute).Unix(), 10)},
		{"aud": "https://test.salesforce.com"},
		{"aud": e.login},
		{"aud": []string{"https://example.com", "https://login.salesforce.com"}},
	} {
		claims := e.jwtClaims("integration@acme.demo")
		for k, v := range c {
			claims[k] = v
		}
		if status, body := e.jwtGrant(e.my, claims, key, jwt.SigningMethodRS256); status != 200 {
			t.Errorf("%v: %d %v", c, status, body)
		}
	}

	// prn wins over sub.
	claims := e.jwtClaims("nobody@acme.demo")
	claims["prn"] = "admin@acme.demo"
	if status, body := e.jwtGrant(e.login, claims, key, jwt.SigningMethodRS256); status != 200 || body["id"] != e.login+"/id/"+e.org.OrgID()+"/"+e.org.userByUsername("admin@acme.demo").ID {
		t.Errorf("prn: %d %v", status, body)
	}
}

func TestJWTBearerErrors(t *testing.T) {
	key, cert := testJWTKey(t)
	otherKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	e := newOAuthEnv(t, Options{})

	// No certificate configured.
	status, body := e.jwtGrant(e.login, e.jwtClaims("admin@acme.demo"), key, jwt.SigningMethodRS256)
	wantOAuthError(t, status, body, "invalid_grant", "invalid assertion")
	e.org.SetJWTCertificate(cert)

	now := e.clock.Now()
	with := func(k string, v any) jwt.MapClaims {
		c := e.jwtClaims("admin@acme.demo")
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	cases := []struct {
		name   string
		claims jwt.MapClaims
		key    any
		method jwt.SigningMethod
		code   string
		desc   string
	}{
		{"wrong key", e.jwtClaims("admin@acme.demo"), otherKey, jwt.SigningMethodRS256, "invalid_grant", "invalid assertion"},
		{"RS512", e.jwtClaims("admin@acme.demo"), key, jwt.SigningMethodRS512, "invalid_grant", "invalid assertion"},
		{"ES256", e.jwtClaims("admin@acme.demo"), ecKey, jwt.SigningMethodES256, "invalid_grant", "invalid assertion"},
		{"HS256 with cert bytes", e.jwtClaims("admin@acme.demo"), cert, jwt.SigningMethodHS256, "invalid_grant", "invalid assertion"},
		{"wrong aud", with("aud", "https://acme.my.salesforce.com"), key, jwt.SigningMethodRS256, "invalid_grant", "audience is invalid"},
		{"no aud", with("aud", nil), key, jwt.SigningMethodRS256, "invalid_grant", "audience is invalid"},
		{"expired", with("exp", now.Add(-time.Second).Unix()), key, jwt.SigningMethodRS256, "invalid_grant", "expired authorization code"},
		{"exp in ms", with("exp", now.Add(time.Minute).UnixMilli()), key, jwt.SigningMethodRS256, "invalid_grant", "expired authorization code"},
		{"no exp", with("exp", nil), key, jwt.SigningMethodRS256, "invalid_grant", "expired authorization code"},
		{"exp garbage", with("exp", "soon"), key, jwt.SigningMethodRS256, "invalid_grant", "expired authorization code"},
		{"exp too far", with("exp", now.Add(5*time.Minute).Unix()), key, jwt.SigningMethodRS256, "invalid_grant", "expired authorization code"},
		{"wrong iss", with("iss", "3MVG9nope"), key, jwt.SigningMethodRS256, "invalid_client_id", "client identifier invalid"},
		{"unknown user", e.jwtClaims("nobody@acme.demo"), key, jwt.SigningMethodRS256, "invalid_grant", "user hasn't approved this consumer"},
		{"not pre-authorized", e.jwtClaims("alice@acme.demo"), key, jwt.SigningMethodRS256, "invalid_grant", "user hasn't approved this consumer"},
	}
	for _, c := range cases {
		status, body := e.jwtGrant(e.login, c.claims, c.key, c.method)
		if status != 400 || body["error"] != c.code || body["error_description"] != c.desc {
			t.Errorf("%s: %d %v, want %s / %s", c.name, status, body, c.code, c.desc)
		}
	}
	status, body = e.token(e.login, url.Values{"grant_type": {grantJWTBearer}, "assertion": {"not.a.jwt"}})
	wantOAuthError(t, status, body, "invalid_grant", "invalid assertion")
	if e.org.Count("token.jwt_bearer") != 0 {
		t.Errorf("failures counted: %d", e.org.Count("token.jwt_bearer"))
	}

	// Approving the app (code flow with refresh_token) pre-authorizes alice.
	e.codeFlow("alice@acme.demo")
	if status, body := e.jwtGrant(e.login, e.jwtClaims("alice@acme.demo"), key, jwt.SigningMethodRS256); status != 200 {
		t.Errorf("after approval: %d %v", status, body)
	}
}
