package emulator

import (
	"net/http"
	"regexp"
	"strings"
)

// The identity URL /id/{org}/{user} and /services/oauth2/userinfo (WIRE.md §1.8).
// Both take a Bearer access token (or ?oauth_token=) and touch its session. Failures are the identity
// service's plain-text codes: 403 Bad_OAuth_Token (missing, unknown or expired token),
// 403 Wrong_Org, 404 Bad_Id, 406 Bad_Version, 405 for other methods.

// latestVersion replaces "{version}" in the urls when ?version=latest.
const latestVersion = "62.0"

var versionParam = regexp.MustCompile(`^[0-9]{2}\.0$`)

// identityError writes one of the identity service's plain-text failures.
func identityError(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(text))
}

// identityCaller authenticates r; on failure it has written the response.
func (o *Org) identityCaller(w http.ResponseWriter, r *http.Request) (*User, bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, POST")
		identityError(w, http.StatusMethodNotAllowed, "Method_Not_Allowed")
		return nil, false
	}
	tok := bearerToken(r)
	if tok == "" {
		tok = r.URL.Query().Get("oauth_token") // the identity service also takes it as a parameter
	}
	s, err := o.auth.session(tok)
	if err != nil {
		identityError(w, http.StatusForbidden, "Bad_OAuth_Token")
		return nil, false
	}
	o.stats.setUser(r, s.user.ID)
	return s.user, true
}

// serveIdentity serves GET /id/{org18|org15}/{user18|user15}.
func (o *Org) serveIdentity(w http.ResponseWriter, r *http.Request) {
	caller, ok := o.identityCaller(w, r)
	if !ok {
		return
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/id/"), "/")
	if len(parts) != 2 {
		identityError(w, http.StatusNotFound, "Bad_Id")
		return
	}
	org, okOrg := normID(parts[0])
	switch {
	case !okOrg || !strings.HasPrefix(org, "00D"):
		identityError(w, http.StatusNotFound, "Bad_Id")
		return
	case org != o.orgID:
		identityError(w, http.StatusForbidden, "Wrong_Org")
		return
	}
	u := o.userByID(parts[1])
	if u == nil {
		identityError(w, http.StatusNotFound, "Bad_Id")
		return
	}
	ver, ok := identityVersion(r)
	if !ok {
		identityError(w, http.StatusNotAcceptable, "Bad_Version")
		return
	}
	urls := o.identityURLs(r, u, ver)
	first, last := splitName(u.Name)
	writeJSONNoStore(w, map[string]any{
		"id":                      o.identityURL(r, u),
		"asserted_user":           u.ID == caller.ID,
		"user_id":                 u.ID,
		"organization_id":         o.orgID,
		"username":                u.Username,
		"nick_name":               nickname(u),
		"display_name":            u.Name,
		"email":                   u.Email,
		"email_verified":          true,
		"first_name":              first,
		"last_name":               last,
		"timezone":                "America/Los_Angeles",
		"photos":                  o.photos(r),
		"addr_street":             nil,
		"addr_city":               nil,
		"addr_state":              nil,
		"addr_country":            "US",
		"addr_zip":                nil,
		"mobile_phone":            nil,
		"mobile_phone_verified":   false,
		"is_lightning_login_user": false,
		"status":                  map[string]any{"created_date": nil, "body": nil},
		"urls":                    urls,
		"active":                  u.Active,
		"user_type":               "STANDARD",
		"language":                "en_US",
		"locale":                  "en_US",
		"utcOffset":               -28800000,
		"last_modified_date":      "2025-11-03T18:22:41Z",
	})
}

// serveUserInfo serves GET /services/oauth2/userinfo for the caller.
func (o *Org) serveUserInfo(w http.ResponseWriter, r *http.Request) {
	u, ok := o.identityCaller(w, r)
	if !ok {
		return
	}
	ver, ok := identityVersion(r)
	if !ok {
		identityError(w, http.StatusNotAcceptable, "Bad_Version")
		return
	}
	all := o.identityURLs(r, u, ver)
	urls := map[string]string{}
	for _, k := range []string{"rest", "sobjects", "query", "custom_domain"} {
		urls[k] = all[k]
	}
	first, last := splitName(u.Name)
	photos := o.photos(r)
	writeJSONNoStore(w, map[string]any{
		"sub":                            o.identityURL(r, u),
		"user_id":                        u.ID,
		"organization_id":                o.orgID,
		"preferred_username":             u.Username,
		"nickname":                       nickname(u),
		"name":                           u.Name,
		"email":                          u.Email,
		"email_verified":                 true,
		"given_name":                     first,
		"family_name":                    last,
		"zoneinfo":                       "America/Los_Angeles",
		"photos":                         photos,
		"profile":                        o.instanceURL(r) + "/" + u.ID,
		"picture":                        photos["picture"],
		"address":                        map[string]string{"country": "US"},
		"is_salesforce_integration_user": u.ProfileName == profileInteg.Name,
		"urls":                           urls,
		"active":                         u.Active,
		"user_type":                      "STANDARD",
		"language":                       "en_US",
		"locale":                         "en_US",
		"utcOffset":                      -28800000,
		"updated_at":                     "2025-11-03T18:22:41Z",
	})
}

// identityVersion reads ?version=: absent keeps the literal "{version}".
func identityVersion(r *http.Request) (string, bool) {
	switch v := r.URL.Query().Get("version"); {
	case v == "":
		return "{version}", true
	case v == "latest":
		return latestVersion, true
	case versionParam.MatchString(v):
		return v, true
	default:
		return "", false
	}
}

// identityURLs are the "urls" of the identity response, on the My Domain host.
func (o *Org) identityURLs(r *http.Request, u *User, ver string) map[string]string {
	base := o.instanceURL(r)
	data := base + "/services/data/v" + ver + "/"
	org15 := o.orgID[:15]
	return map[string]string{
		"enterprise":    base + "/services/Soap/c/" + ver + "/" + org15,
		"metadata":      base + "/services/Soap/m/" + ver + "/" + org15,
		"partner":       base + "/services/Soap/u/" + ver + "/" + org15,
		"rest":          data,
		"sobjects":      data + "sobjects/",
		"search":        data + "search/",
		"query":         data + "query/",
		"recent":        data + "recent/",
		"profile":       base + "/" + u.ID,
		"feeds":         data + "chatter/feeds",
		"groups":        data + "chatter/groups",
		"users":         data + "chatter/users",
		"feed_items":    data + "chatter/feed-items",
		"feed_elements": data + "chatter/feed-elements",
		"custom_domain": base,
	}
}

func (o *Org) photos(r *http.Request) map[string]string {
	base := o.instanceURL(r) + "/profilephoto/005/"
	return map[string]string{"picture": base + "F", "thumbnail": base + "T"}
}

func splitName(name string) (first, last string) {
	if i := strings.LastIndexByte(name, ' '); i >= 0 {
		return name[:i], name[i+1:]
	}
	return "", name
}

func nickname(u *User) string {
	n, _, _ := strings.Cut(u.Username, "@")
	return n
}
