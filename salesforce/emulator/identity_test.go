package emulator

import (
	"encoding/json"
	"net/url"
	"sort"
	"strings"
	"testing"
)

// Key sets of shared/salesforce/examples/identity_url.json and userinfo.json.
var (
	identityKeys = []string{"id", "asserted_user", "user_id", "organization_id", "username", "nick_name",
		"display_name", "email", "email_verified", "first_name", "last_name", "timezone", "photos",
		"addr_street", "addr_city", "addr_state", "addr_country", "addr_zip", "mobile_phone",
		"mobile_phone_verified", "is_lightning_login_user", "status", "urls", "active", "user_type",
		"language", "locale", "utcOffset", "last_modified_date"}
	identityURLKeys = []string{"enterprise", "metadata", "partner", "rest", "sobjects", "search", "query",
		"recent", "profile", "feeds", "groups", "users", "feed_items", "feed_elements", "custom_domain"}
	userinfoKeys = []string{"sub", "user_id", "organization_id", "preferred_username", "nickname", "name",
		"email", "email_verified", "given_name", "family_name", "zoneinfo", "photos", "profile", "picture",
		"address", "is_salesforce_integration_user", "urls", "active", "user_type", "language", "locale",
		"utcOffset", "updated_at"}
)

func sameKeys(t *testing.T, what string, m map[string]any, want []string) {
	t.Helper()
	got := make([]string, 0, len(m))
	for k := range m {
		got = append(got, k)
	}
	sort.Strings(got)
	w := append([]string(nil), want...)
	sort.Strings(w)
	if strings.Join(got, ",") != strings.Join(w, ",") {
		t.Errorf("%s keys\n got %v\nwant %v", what, got, w)
	}
}

func decodeObject(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("not a JSON object: %s", b)
	}
	return m
}

func TestIdentityURL(t *testing.T) {
	e := newOAuthEnv(t, Options{})
	status, tok := e.token(e.my, e.ccForm())
	if status != 200 {
		t.Fatal(tok)
	}
	id := tok["id"].(string)
	resp, b := e.get(id, tok["access_token"].(string))
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	m := decodeObject(t, b)
	sameKeys(t, "identity", m, identityKeys)
	sameKeys(t, "identity urls", m["urls"].(map[string]any), identityURLKeys)
	u := e.org.userByUsername("integration@acme.demo")
	if m["id"] != id || m["user_id"] != u.ID || m["organization_id"] != e.org.OrgID() || m["username"] != u.Username ||
		m["asserted_user"] != true || m["active"] != true {
		t.Errorf("identity %v", m)
	}
	urls := m["urls"].(map[string]any)
	if urls["rest"] != e.my+"/services/data/v{version}/" || urls["custom_domain"] != e.my {
		t.Errorf("urls %v", urls)
	}
	_, b = e.get(id+"?format=json&version=58.0&oauth_token="+url.QueryEscape(tok["access_token"].(string)), "")
	if got := decodeObject(t, b)["urls"].(map[string]any)["query"]; got != e.my+"/services/data/v58.0/query/" {
		t.Errorf("version=58.0: %v", got)
	}
	// Another user of the same org (15-char ids accepted): not the asserted user.
	alice := e.org.userByUsername("alice@acme.demo")
	resp, b = e.get(e.login+"/id/"+e.org.OrgID()[:15]+"/"+alice.ID[:15], tok["access_token"].(string))
	if m := decodeObject(t, b); resp.StatusCode != 200 || m["asserted_user"] != false || m["username"] != alice.Username {
		t.Errorf("other user: %d %s", resp.StatusCode, b)
	}
}

func TestIdentityErrors(t *testing.T) {
	e := newOAuthEnv(t, Options{})
	tok, _ := e.org.IssueToken("bob@acme.demo")
	bob := e.org.userByUsername("bob@acme.demo")
	good := e.login + "/id/" + e.org.OrgID() + "/" + bob.ID
	cases := []struct {
		url, token string
		status     int
		text       string
	}{
		{good, "", 403, "Bad_OAuth_Token"},
		{good, "00Dbogus!AQxyz", 403, "Bad_OAuth_Token"},
		{e.login + "/id/" + makeID("00D", 7) + "/" + bob.ID, tok, 403, "Wrong_Org"},
		{e.login + "/id/" + e.org.OrgID() + "/" + makeID("005", 999999), tok, 404, "Bad_Id"},
		{e.login + "/id/" + e.org.OrgID(), tok, 404, "Bad_Id"},
		{good + "?version=abc", tok, 406, "Bad_Version"},
		{e.login + "/services/oauth2/userinfo", "", 403, "Bad_OAuth_Token"},
	}
	for _, c := range cases {
		resp, b := e.get(c.url, c.token)
		if resp.StatusCode != c.status || string(b) != c.text {
			t.Errorf("%s: %d %q, want %d %s", c.url, resp.StatusCode, b, c.status, c.text)
		}
	}
}

func TestUserInfo(t *testing.T) {
	e := newOAuthEnv(t, Options{})
	tok, _ := e.org.IssueToken("alice@acme.demo")
	resp, b := e.get(e.login+"/services/oauth2/userinfo", tok)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	m := decodeObject(t, b)
	sameKeys(t, "userinfo", m, userinfoKeys)
	alice := e.org.userByUsername("alice@acme.demo")
	if m["sub"] != e.login+"/id/"+e.org.OrgID()+"/"+alice.ID || m["preferred_username"] != alice.Username ||
		m["given_name"] != strings.Fields(alice.Name)[0] || m["family_name"] != strings.Fields(alice.Name)[1] || m["is_salesforce_integration_user"] != false {
		t.Errorf("userinfo %v", m)
	}
}
