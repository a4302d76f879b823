package connections

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/sfmcp/sfmcp/config"
	"github.com/sfmcp/sfmcp/salesforce/emulator"
)

func (e *env) ccConn() config.Connection {
	c := e.conn("svc", config.ModeShared)
	c.Flow = config.FlowClientCredentials
	return c
}

// jwtConn makes a key pair, gives the emulator the certificate and returns a jwt_bearer
// connection using the private key file.
func (e *env) jwtConn(username string) config.Connection {
	e.t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		e.t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "sfmcp"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		e.t.Fatal(err)
	}
	e.org.SetJWTCertificate(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	p8, _ := x509.MarshalPKCS8PrivateKey(key)
	path := filepath.Join(e.t.TempDir(), "server.key")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8}), 0o600); err != nil {
		e.t.Fatal(err)
	}
	c := e.conn("svc", config.ModeShared)
	c.Flow, c.PrivateKeyFile, c.Username, c.ClientSecretEnv = config.FlowJWTBearer, path, username, ""
	return c
}

func wantFlowError(t *testing.T, e *env, err error, code, fix string) {
	t.Helper()
	e.out(err)
	var fe *FlowError
	if !errors.As(err, &fe) || fe.Err.Code != code || !strings.Contains(err.Error(), fix) {
		t.Fatalf("err = %v; want a FlowError %s saying %q", err, code, fix)
	}
	if msg, ok := Explain(err); !ok || msg != fe.Error() {
		t.Fatalf("Explain = %q %v", msg, ok)
	}
}

func TestClientCredentials(t *testing.T) {
	e := newEnv(t, emulator.Options{SessionIdle: time.Hour})
	c := e.ccConn()
	m := e.manager(c)
	conn, err := m.Resolve(as("anyone"), "anyone", "")
	if err != nil {
		t.Fatal(e.out(err))
	}
	integ := e.user("integration@acme.demo")
	if conn.Identity.UserID != integ.ID || conn.Identity.Username != "integration@acme.demo" || conn.InstanceURL != e.srv.InstanceURL {
		t.Fatalf("connection = %+v", conn)
	}
	if _, err := e.query(conn, "anyone", soqlAccount); err != nil {
		t.Fatal(err)
	}
	// No refresh token: when the session ends, a new client-credentials grant.
	e.clock.Advance(2 * time.Hour)
	if _, err := e.query(conn, "anyone", soqlAccount); err != nil {
		t.Fatal(err)
	}
	if n := e.org.Count("token.client_credentials"); n != 2 {
		t.Fatalf("client credentials grants = %d, want 2", n)
	}
	if n := e.org.Count("token.refresh_token"); n != 0 {
		t.Fatalf("refresh grants = %d", n)
	}

	// Failure cases.
	t.Setenv("SFMCP_WRONG_SECRET", "nope")
	bad := c
	bad.ClientSecretEnv = "SFMCP_WRONG_SECRET"
	_, err = e.manager(bad).Resolve(as("x"), "x", "svc")
	wantFlowError(t, e, err, "invalid_client", "client secret is wrong")

	login := c
	login.InstanceURL = e.srv.LoginURL // the login host, not My Domain
	_, err = e.manager(login).Resolve(as("x"), "x", "svc")
	wantFlowError(t, e, err, "invalid_grant", "My Domain")

	e.org.SetClientCredentialsUser("")
	_, err = e.manager(c).Resolve(as("x"), "x", "svc")
	wantFlowError(t, e, err, "invalid_grant", "Run As user")
}

func TestClientCredentialsNeedsMyDomain(t *testing.T) {
	for in, want := range map[string]string{
		"https://login.salesforce.com":                "set instance_url to https://NAME.my.salesforce.com",
		"https://test.salesforce.com":                 "not test.salesforce.com",
		"https://acme.lightning.force.com":            "use https://acme.my.salesforce.com instead of acme.lightning.force.com",
		"https://acme--uat.sandbox.my.salesforce.com": "",
	} {
		f, err := newFlow(config.Connection{Name: "svc", InstanceURL: in, Flow: config.FlowClientCredentials}, nil, time.Now)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.myDomain()
		if want == "" {
			if err != nil {
				t.Errorf("%s: %v", in, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", in, err, want)
		}
	}
}

func TestHTTPOnlyForLoopback(t *testing.T) {
	for in, ok := range map[string]bool{
		"http://127.0.0.1:8080": true, "http://localhost:1": true, "http://[::1]:9": true,
		"https://acme.my.salesforce.com": true, "http://acme.my.salesforce.com": false,
		"http://10.0.0.1": false, "ftp://localhost": false, "acme.my.salesforce.com": false,
	} {
		_, err := baseURL("instance_url", in)
		if (err == nil) != ok {
			t.Errorf("%s: err = %v", in, err)
		}
	}
	_, err := newFlow(config.Connection{Name: "p", InstanceURL: "http://acme.my.salesforce.com"}, nil, time.Now)
	if err == nil || !strings.Contains(err.Error(), "must use https") {
		t.Fatalf("newFlow: %v", err)
	}
}

func TestJWTAudience(t *testing.T) {
	for in, want := range map[string]string{
		"https://login.salesforce.com":                "https://login.salesforce.com",
		"https://acme.my.salesforce.com":              "https://login.salesforce.com",
		"https://test.salesforce.com":                 "https://test.salesforce.com",
		"https://acme--uat.sandbox.my.salesforce.com": "https://test.salesforce.com",
		"http://localhost:4567":                       "http://localhost:4567",
		"http://127.0.0.1:4567":                       "http://127.0.0.1:4567",
	} {
		if got := jwtAudience(in); got != want {
			t.Errorf("jwtAudience(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestJWTBearer(t *testing.T) {
	e := newEnv(t, emulator.Options{SessionIdle: time.Hour})
	c := e.jwtConn("admin@acme.demo")
	m := e.manager(c)
	// The assertion: RS256, iss = client id, sub = username, aud = the (loopback) login URL,
	// exp = now + 3 minutes.
	f, err := newFlow(c, e.hc, e.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	a, err := f.jwtAssertion()
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := jwt.NewParser().ParseUnverified(a, jwt.MapClaims{})
	if err != nil {
		t.Fatal(err)
	}
	cl := tok.Claims.(jwt.MapClaims)
	exp, _ := cl.GetExpirationTime()
	if tok.Method.Alg() != "RS256" || cl["iss"] != e.org.ClientID() || cl["sub"] != "admin@acme.demo" || cl["aud"] != e.srv.LoginURL ||
		exp.Sub(e.clock.Now()) > 3*time.Minute || exp.Sub(e.clock.Now()) < 2*time.Minute {
		t.Fatalf("assertion header %v claims %v", tok.Header, cl)
	}

	conn, err := m.Resolve(as("p"), "p", "svc")
	if err != nil {
		t.Fatal(e.out(err))
	}
	if conn.Identity.Username != "admin@acme.demo" || conn.Identity.UserID != e.user("admin@acme.demo").ID {
		t.Fatalf("identity %+v", conn.Identity)
	}
	if _, err := e.query(conn, "p", soqlAccount); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(2 * time.Hour) // session ends: a new assertion, not a refresh
	if _, err := e.query(conn, "p", soqlAccount); err != nil {
		t.Fatal(err)
	}
	if n := e.org.Count("token.jwt_bearer"); n != 2 {
		t.Fatalf("JWT grants = %d, want 2", n)
	}

	// Wrong aud: the My Domain host as login_url gives aud http://127.0.0.1:PORT.
	wrongAud := c
	wrongAud.LoginURL = e.srv.InstanceURL
	_, err = e.manager(wrongAud).Resolve(as("p"), "p", "svc")
	wantFlowError(t, e, err, "invalid_grant", "login_url must be")

	// A key that does not match the certificate.
	other := e.jwtConn("admin@acme.demo") // replaces the certificate
	_, err = e.manager(c).Resolve(as("p"), "p", "svc")
	wantFlowError(t, e, err, "invalid_grant", "private_key_file does not match")

	// A user that never approved the app.
	other.Username = "bob@acme.demo"
	_, err = e.manager(other).Resolve(as("p"), "p", "svc")
	wantFlowError(t, e, err, "invalid_grant", "pre-authorize")
}

func TestUnsupportedGrant(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	e.setMutate(func(f url.Values) { f.Set("grant_type", "urn:example:unknown") })
	_, err := e.manager(e.ccConn()).Resolve(as("p"), "p", "svc")
	wantFlowError(t, e, err, "unsupported_grant_type", "does not allow the client_credentials flow")
}
