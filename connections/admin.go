package connections

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/sfmcp/sfmcp/config"
	"github.com/sfmcp/sfmcp/salesforce"
)

// Explain returns the message for an error of this package (not connected, reconnect, not
// allowed, unknown connection, refused login, API budget), found anywhere in err's chain,
// and true; ok is false for other errors (use salesforce.Explain for those).
func Explain(err error) (msg string, ok bool) {
	var (
		nc *NotConnectedError
		rc *ReconnectError
		na *NotAllowedError
		uc *UnknownConnectionError
		fe *FlowError
		be *BudgetError
	)
	switch {
	case errors.As(err, &nc):
		return nc.Error(), true
	case errors.As(err, &rc):
		return rc.Error(), true
	case errors.As(err, &na):
		return na.Error(), true
	case errors.As(err, &uc):
		return uc.Error(), true
	case errors.As(err, &fe):
		return fe.Error(), true
	case errors.As(err, &be):
		return be.Error(), true
	}
	return "", false
}

// Logout revokes the stored refresh token of (connection, principal) at Salesforce and
// deletes it from the store (for a shared connection, its shared login). The token is
// deleted locally even when revoking fails; the error then says so.
func (m *Manager) Logout(ctx context.Context, connection, principal string) error {
	c, err := m.Lookup(connection)
	if err != nil {
		return err
	}
	if c.Flow != config.FlowAuthorizationCode && c.Flow != "" {
		return fmt.Errorf("connection %s uses flow %s: there is no stored login to log out of", c.Name, c.Flow)
	}
	key := secretKey(c, principal)
	sec, err := m.store.Get(ctx, key)
	if errors.Is(err, ErrNotFound) {
		return fmt.Errorf("%w: %s is not logged in to connection %s", ErrNotFound, key.Principal, c.Name)
	}
	if err != nil {
		return fmt.Errorf("connection %s: %w", c.Name, err)
	}
	revokeErr := m.revoke(ctx, c, sec.RefreshToken)
	if err := m.store.Delete(ctx, key); err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("connection %s: %w", c.Name, err)
	}
	m.Forget(c.Name, principal)
	if revokeErr != nil {
		return fmt.Errorf("connection %s: the login was deleted here, but revoking it at Salesforce failed (%v); "+
			"a Salesforce admin can revoke it under Setup > Connected Apps OAuth Usage", c.Name, revokeErr)
	}
	return nil
}

// revoke posts the token to /services/oauth2/revoke. A token Salesforce already considers
// invalid counts as revoked.
func (m *Manager) revoke(ctx context.Context, c config.Connection, token string) error {
	f, err := newFlow(c, m.hc, m.now)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.conn.LoginURL+revokePath,
		strings.NewReader(url.Values{"token": {token}}.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := f.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	// The error body is JSON or urlencoded (WIRE.md §1.8).
	if resp.StatusCode == http.StatusBadRequest && strings.Contains(string(body), "invalid_token") {
		return nil
	}
	return fmt.Errorf("revoke answered HTTP %d", resp.StatusCode)
}

// Status is one connection as seen by one principal.
type Status struct {
	Connection string
	Mode, Flow string
	Connected  bool
	Identity   Identity // the Salesforce user the calls run as
	// InstanceURL is the org's API base URL.
	InstanceURL string
	// Usage is the org's API usage (from /limits or Sforce-Limit-Info); UsageKnown says
	// whether any was seen. Reserve is what sfmcp leaves for other integrations.
	Usage      salesforce.Usage
	UsageKnown bool
	Reserve    int
	// Problem says why the connection is not usable, with the fix; "" when it is.
	Problem string
}

// Status reports every configured connection for principal: who it is connected as, the
// instance and the org's API usage. It makes one API call (/limits) per usable connection.
func (m *Manager) Status(ctx context.Context, principal string) []Status {
	var out []Status
	for _, c := range m.cfg.Connections {
		st := Status{Connection: c.Name, Mode: c.Mode, Flow: c.Flow}
		conn, err := m.Resolve(ctx, principal, c.Name)
		if err != nil {
			st.Problem = problem(err)
			out = append(out, st)
			continue
		}
		st.Identity, st.InstanceURL = conn.Identity, conn.InstanceURL
		if err := m.refreshUsage(ctx, conn); err != nil && !isPermission(err) {
			st.Problem = problem(err)
		} else {
			st.Connected = true
		}
		if u, ok := conn.Usage(); ok {
			st.Usage, st.UsageKnown, st.Reserve = u, true, conn.Reserve(u.Max)
		}
		out = append(out, st)
	}
	return out
}

// refreshUsage reads DailyApiRequests from /limits; the call's Sforce-Limit-Info updates
// the usage too, so a user without permission for /limits still gets a figure.
func (m *Manager) refreshUsage(ctx context.Context, conn *Connection) error {
	limits, err := conn.Client.Limits(ctx)
	if err != nil {
		return err
	}
	if l, ok := limits["DailyApiRequests"]; ok && l.Max > 0 {
		conn.budget.observe(salesforce.Usage{Used: l.Max - l.Remaining, Max: l.Max, At: m.now()})
	}
	return nil
}

// isPermission reports an API answer that proves the login works but the user may not
// read the resource.
func isPermission(err error) bool {
	var se *salesforce.Error
	return errors.As(err, &se) && (se.HTTPStatus == http.StatusForbidden && se.Code != "REQUEST_LIMIT_EXCEEDED" ||
		se.Code == "INSUFFICIENT_ACCESS_OR_READONLY" || se.Code == "INSUFFICIENT_ACCESS")
}

func problem(err error) string {
	if msg, ok := Explain(err); ok {
		return msg
	}
	return salesforce.Explain(err)
}

// CheckResult is the outcome of an end-to-end test of one connection.
type CheckResult struct {
	Connection string
	OK         bool
	// Detail says what was verified (user, instance, API usage) when OK.
	Detail string
	// Problem is what failed, with the fix, when not OK.
	Problem string
}

// Check tests every configured connection for principal end to end: the config, the
// stored login, a fresh access token from Salesforce (a refresh or a new grant), an API
// call, and the API budget.
func (m *Manager) Check(ctx context.Context, principal string) []CheckResult {
	var out []CheckResult
	for _, c := range m.cfg.Connections {
		r := CheckResult{Connection: c.Name}
		if err := m.check(ctx, principal, c, &r); err != nil {
			r.Problem = problem(err)
		} else {
			r.OK = true
		}
		out = append(out, r)
	}
	return out
}

func (m *Manager) check(ctx context.Context, principal string, c config.Connection, r *CheckResult) error {
	if _, err := newFlow(c, m.hc, m.now); err != nil {
		return err
	}
	conn, err := m.Resolve(ctx, principal, c.Name)
	if err != nil {
		return err
	}
	// A new access token proves Salesforce still accepts the login.
	cur, _ := conn.ts.Token(ctx)
	if err := conn.ts.Invalidate(ctx, cur); err != nil {
		return err
	}
	if err := m.refreshUsage(ctx, conn); err != nil && !isPermission(err) {
		return err
	}
	if err := conn.CheckBudget(); err != nil {
		return err
	}
	r.Detail = fmt.Sprintf("connected as %s to %s", orDefault(conn.Identity.Username, conn.Identity.UserID), conn.InstanceURL)
	if u, ok := conn.Usage(); ok {
		r.Detail += fmt.Sprintf("; API requests used %d of %d today, %d kept in reserve", u.Used, u.Max, conn.Reserve(u.Max))
	}
	return nil
}
