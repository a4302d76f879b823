package connections

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// identity finds who an access token belongs to: the identity URL from the token response
// (GET with Bearer), else the UserInfo endpoint on the instance, else the ids in the
// identity URL's path (no username then).
func (f *flow) identity(ctx context.Context, t tokenResult, instanceURL string) (Identity, error) {
	var firstErr error
	try := func(raw, userKey, orgKey, nameKey string) (Identity, bool) {
		id, err := f.getIdentity(ctx, raw, t.AccessToken, userKey, orgKey, nameKey)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			return Identity{}, false
		}
		return id, true
	}
	if t.IDURL != "" {
		if id, ok := try(t.IDURL, "user_id", "organization_id", "username"); ok {
			return id, nil
		}
	}
	if instanceURL != "" {
		if id, ok := try(instanceURL+userinfoPath, "user_id", "organization_id", "preferred_username"); ok {
			return id, nil
		}
	}
	if id, ok := idsFromURL(t.IDURL); ok {
		return id, nil
	}
	if firstErr == nil {
		firstErr = fmt.Errorf("the token response has no identity URL")
	}
	return Identity{}, fmt.Errorf("connection %s: cannot tell which Salesforce user logged in: %w", f.conn.Name, firstErr)
}

func (f *flow) getIdentity(ctx context.Context, raw, token, userKey, orgKey, nameKey string) (Identity, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Identity{}, fmt.Errorf("identity URL is not a URL")
	}
	// The token goes only to https (or a loopback host), never along a redirect.
	if _, err := baseURL("identity URL", u.Scheme+"://"+u.Host); err != nil {
		return Identity{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return Identity{}, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	hc := *f.hc
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Do(req)
	if err != nil {
		return Identity{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return Identity{}, err
	}
	if resp.StatusCode != http.StatusOK {
		return Identity{}, fmt.Errorf("%s answered HTTP %d", req.URL.Path, resp.StatusCode)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return Identity{}, fmt.Errorf("%s answered with a body that is not JSON", req.URL.Path)
	}
	str := func(k string) string { s, _ := m[k].(string); return s }
	id := Identity{UserID: str(userKey), OrgID: str(orgKey), Username: str(nameKey)}
	if id.UserID == "" {
		return Identity{}, fmt.Errorf("%s did not name the user", req.URL.Path)
	}
	return id, nil
}

// idsFromURL reads org and user ids from an identity URL .../id/{org}/{user}.
func idsFromURL(raw string) (Identity, bool) {
	i := strings.LastIndex(raw, "/id/")
	if i < 0 {
		return Identity{}, false
	}
	parts := strings.Split(raw[i+len("/id/"):], "/")
	if len(parts) != 2 || !strings.HasPrefix(parts[0], "00D") || !strings.HasPrefix(parts[1], "005") {
		return Identity{}, false
	}
	return Identity{OrgID: parts[0], UserID: parts[1]}, true
}
