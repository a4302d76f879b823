package emulator

import (
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// refreshToken runs the code flow for user and returns the token response.
func (e *oauthEnv) codeFlow(user string, extra ...string) map[string]any {
	e.t.Helper()
	status, body := e.exchange(e.code(user, e.authzParams(extra...)))
	if status != 200 || body["refresh_token"] == nil {
		e.t.Fatalf("code flow: %d %v", status, body)
	}
	return body
}

func (e *oauthEnv) refresh(rt string, extra ...string) (int, map[string]any) {
	f := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {e.org.ClientID()}, "client_secret": {e.org.ClientSecret()}}
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] == "" {
			f.Del(extra[i])
		} else {
			f.Set(extra[i], extra[i+1])
		}
	}
	return e.token(e.my, f)
}

func (e *oauthEnv) alive(tok string) bool {
	resp, _ := e.get(e.my+"/services/oauth2/userinfo", tok)
	return resp.StatusCode == 200
}

func TestRefreshWithoutRotation(t *testing.T) {
	e := newOAuthEnv(t, Options{})
	first := e.codeFlow("alice@acme.demo")
	rt := first["refresh_token"].(string)
	for i := 0; i < 3; i++ {
		status, body := e.refresh(rt)
		if status != 200 {
			t.Fatalf("refresh %d: %d %v", i, status, body)
		}
		checkSuccess(t, e, body, "alice@acme.demo", "issued_at", "signature")
		if body["access_token"] == first["access_token"] || !e.alive(body["access_token"].(string)) {
			t.Fatal("refresh did not give a new working access token")
		}
	}
	if n := e.org.Count("token.refresh_token"); n != 3 {
		t.Fatalf("token.refresh_token = %d", n)
	}
	// A confidential client must send its secret; a wrong one is invalid_client.
	status, body := e.refresh(rt, "client_secret", "")
	wantOAuthError(t, status, body, "invalid_client", "invalid client credentials")
	status, body = e.refresh(rt, "client_secret", "bad")
	wantOAuthError(t, status, body, "invalid_client", "invalid client credentials")
	status, body = e.refresh(rt, "client_id", "3MVG9nope")
	wantOAuthError(t, status, body, "invalid_client_id", "client identifier invalid")
	status, body = e.refresh("5Aep861bogus")
	wantOAuthError(t, status, body, "invalid_grant", "expired access/refresh token")
}

func TestRefreshPublicClient(t *testing.T) {
	e := newOAuthEnv(t, Options{})
	status, body := e.exchange(e.code("alice@acme.demo", e.authzParams()), "client_secret", "")
	if status != 200 {
		t.Fatalf("%d %v", status, body)
	}
	if status, body := e.refresh(body["refresh_token"].(string), "client_secret", ""); status != 200 {
		t.Fatalf("public refresh: %d %v", status, body)
	}
}

func TestRefreshWithRotation(t *testing.T) {
	e := newOAuthEnv(t, Options{RefreshRotation: true})
	rt := e.codeFlow("bob@acme.demo")["refresh_token"].(string)
	status, body := e.refresh(rt)
	if status != 200 {
		t.Fatalf("%d %v", status, body)
	}
	checkSuccess(t, e, body, "bob@acme.demo", "issued_at", "signature", "refresh_token")
	rt2 := body["refresh_token"].(string)
	if rt2 == rt || !strings.HasPrefix(rt2, "5Aep861") {
		t.Fatalf("rotated token %q", rt2)
	}
	// The old one died immediately.
	status, body = e.refresh(rt)
	wantOAuthError(t, status, body, "invalid_grant", "expired access/refresh token")
	if status, _ := e.refresh(rt2); status != 200 {
		t.Fatal("rotated token refused")
	}
}

func TestRefreshRevoked(t *testing.T) {
	e := newOAuthEnv(t, Options{})
	first := e.codeFlow("alice@acme.demo")
	rt := first["refresh_token"].(string)
	_, second := e.refresh(rt)
	other, _ := e.org.IssueToken("alice@acme.demo")
	// Revoking the refresh token kills every access token issued from it.
	if resp, _ := e.postForm(e.login, "/services/oauth2/revoke", url.Values{"token": {rt}}); resp.StatusCode != 200 {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
	if e.alive(first["access_token"].(string)) || e.alive(second["access_token"].(string)) {
		t.Fatal("access tokens of a revoked refresh token still work")
	}
	if !e.alive(other) {
		t.Fatal("unrelated token died")
	}
	status, body := e.refresh(rt)
	wantOAuthError(t, status, body, "invalid_grant", "expired access/refresh token")

	rt = e.codeFlow("alice@acme.demo")["refresh_token"].(string)
	e.org.RevokeAll("alice@acme.demo")
	status, body = e.refresh(rt)
	wantOAuthError(t, status, body, "invalid_grant", "expired access/refresh token")
}

// TestConcurrentRefresh: with rotation exactly one of 100 racing refreshes wins; without,
// all succeed. Run with -race.
func TestConcurrentRefresh(t *testing.T) {
	for _, rotation := range []bool{true, false} {
		e := newOAuthEnv(t, Options{RefreshRotation: rotation})
		rt := e.codeFlow("alice@acme.demo")["refresh_token"].(string)
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			ok, bad int
			tokens  = map[string]bool{}
		)
		for i := 0; i < 100; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				status, body := e.refresh(rt)
				mu.Lock()
				defer mu.Unlock()
				if status == 200 {
					ok++
					tokens[body["access_token"].(string)] = true
				} else if body["error"] == "invalid_grant" {
					bad++
				}
			}()
		}
		wg.Wait()
		want := 100
		if rotation {
			want = 1
		}
		if ok != want || ok+bad != 100 || len(tokens) != ok {
			t.Errorf("rotation=%v: %d ok, %d invalid_grant, %d distinct tokens", rotation, ok, bad, len(tokens))
		}
		if e.org.Count("token.refresh_token") != want {
			t.Errorf("rotation=%v: counter %d", rotation, e.org.Count("token.refresh_token"))
		}
	}
}

func TestOpenIDToken(t *testing.T) {
	e := newOAuthEnv(t, Options{})
	body := e.codeFlow("alice@acme.demo", "scope", "openid api refresh_token id", "nonce", "n-42")
	raw, ok := body["id_token"].(string)
	if !ok {
		t.Fatalf("no id_token: %v", body)
	}
	checkSuccess(t, e, body, "alice@acme.demo", "issued_at", "signature", "refresh_token", "id_token")
	key := &e.org.auth.signingKey().PublicKey
	claims := jwt.MapClaims{}
	tok, err := jwt.ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) { return key, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(e.clock.Now), jwt.WithAudience(e.org.ClientID()), jwt.WithIssuer(e.login))
	if err != nil {
		t.Fatalf("id_token does not verify: %v", err)
	}
	if claims["sub"] != body["id"] || claims["nonce"] != "n-42" || tok.Header["kid"] != keyID(key) {
		t.Errorf("claims %v header %v", claims, tok.Header)
	}
	// The JWKS publishes the same key id.
	if resp, b := e.get(e.login+"/id/keys", ""); resp.StatusCode != 200 || !strings.Contains(string(b), `"kid":"`+keyID(key)+`"`) {
		t.Errorf("/id/keys: %d %s", resp.StatusCode, b)
	}
	// Refresh keeps issuing id_tokens; no openid, no id_token.
	if _, b := e.refresh(body["refresh_token"].(string)); b["id_token"] == nil {
		t.Error("refresh without id_token")
	}
	if b := e.codeFlow("alice@acme.demo"); b["id_token"] != nil {
		t.Error("id_token without openid scope")
	}
}
