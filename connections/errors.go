package connections

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/oauth2"

	"github.com/sfmcp/sfmcp/salesforce"
)

// ErrReconnect is matched (errors.Is) by every error that a new login fixes: a refresh
// token that was revoked or expired, or a user that was deactivated (OAuth invalid_grant).
var ErrReconnect = errors.New("reconnect to Salesforce")

// ReconnectError is a stored login Salesforce no longer accepts. errors.Is(err, ErrReconnect).
type ReconnectError struct {
	Connection string
	Shared     bool   // the connection's shared login (fixed by sfmcp login --shared)
	Reason     string // Salesforce's error_description, e.g. "expired access/refresh token"
	// ConnectURL, when set (HTTP transport), is where the user reconnects instead of the CLI.
	ConnectURL string
	cause      *salesforce.TokenError
}

func (e *ReconnectError) Error() string {
	fix := "reconnect: run `" + loginCommand(e.Connection, e.Shared) + "`"
	if e.ConnectURL != "" {
		fix = "reconnect at " + e.ConnectURL
	}
	return fmt.Sprintf("connection %s: Salesforce no longer accepts the saved login (%s); %s", e.Connection, e.Reason, fix)
}

// Is makes errors.Is(err, ErrReconnect) true.
func (e *ReconnectError) Is(target error) bool { return target == ErrReconnect }

// Unwrap returns the OAuth error (so the salesforce client does not retry the call).
func (e *ReconnectError) Unwrap() error { return e.cause }

// NotConnectedError is a principal with no stored login for the connection.
type NotConnectedError struct {
	Connection string
	Principal  string
	Shared     bool // the shared login is missing (an admin must log in)
	// ConnectURL, when set (HTTP transport), is where the user connects instead of the CLI.
	ConnectURL string
}

func (e *NotConnectedError) Error() string {
	switch {
	case e.Shared:
		return fmt.Sprintf("connection %s has no shared Salesforce login yet; an admin must run `%s`", e.Connection, loginCommand(e.Connection, true))
	case e.ConnectURL != "":
		return fmt.Sprintf("%s has not connected Salesforce connection %s yet; connect at %s, then call again", e.Principal, e.Connection, e.ConnectURL)
	}
	return fmt.Sprintf("%s has not connected Salesforce connection %s yet; run `%s`, then call again", e.Principal, e.Connection, loginCommand(e.Connection, false))
}

// NotAllowedError is a principal that a shared connection's allow list does not name.
type NotAllowedError struct {
	Connection string
	Principal  string
}

func (e *NotAllowedError) Error() string {
	return fmt.Sprintf("%s may not use the shared connection %s; an admin can add them (or a group they are in) to the connection's allow list", e.Principal, e.Connection)
}

// UnknownConnectionError names a connection that is not in the config.
type UnknownConnectionError struct {
	Name  string
	Known string // comma-separated configured names
}

func (e *UnknownConnectionError) Error() string {
	if e.Known == "" {
		return fmt.Sprintf("unknown connection %q: no connections are configured; add one under connections: in the config file", e.Name)
	}
	return fmt.Sprintf("unknown connection %q; connections are: %s", e.Name, e.Known)
}

// FlowError is a login Salesforce refused for a reason a config or connected-app change
// fixes (wrong secret, wrong certificate, flow not enabled, ...).
type FlowError struct {
	Connection string
	Flow       string
	Err        *salesforce.TokenError
	Fix        string
}

func (e *FlowError) Error() string {
	s := fmt.Sprintf("connection %s: Salesforce refused the %s login: %s", e.Connection, e.Flow, e.Err.Code)
	if e.Err.Description != "" {
		s += " (" + e.Err.Description + ")"
	}
	if e.Fix != "" {
		s += "; " + e.Fix
	}
	return s
}

// Unwrap returns the OAuth error.
func (e *FlowError) Unwrap() error { return e.Err }

// tokenError turns an x/oauth2 error from the token endpoint into a typed error. refresh
// says the request was a refresh-token grant (invalid_grant then means: log in again).
func tokenError(conn, flow string, shared, refresh bool, err error) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return fmt.Errorf("connection %s: cannot reach the Salesforce token endpoint: %w", conn, err)
	}
	te := &salesforce.TokenError{Code: re.ErrorCode, Description: re.ErrorDescription}
	if re.Response != nil {
		te.HTTPStatus = re.Response.StatusCode
	}
	if te.Code == "" {
		// Not an OAuth JSON error (an HTML page, a proxy): report the status only, never the body.
		te.Code = "http_" + fmt.Sprint(te.HTTPStatus)
		te.Description = http.StatusText(te.HTTPStatus)
	}
	if refresh && te.Code == "invalid_grant" {
		return &ReconnectError{Connection: conn, Shared: shared, Reason: te.Description, cause: te}
	}
	return &FlowError{Connection: conn, Flow: flow, Err: te, Fix: flowFix(flow, te)}
}

// tokenErrorOf builds an OAuth error from an error redirect's parameters.
func tokenErrorOf(code, desc string) *salesforce.TokenError {
	return &salesforce.TokenError{HTTPStatus: http.StatusBadRequest, Code: code, Description: desc}
}

// flowFix says what to change for a token-endpoint error (WIRE.md §1.7).
func flowFix(flow string, te *salesforce.TokenError) string {
	d := strings.ToLower(te.Description)
	switch {
	case te.Code == "invalid_client_id":
		return "client_id is not the connected app's consumer key (a new app can take 2 to 10 minutes to work)"
	case te.Code == "invalid_client":
		return "the client secret is wrong: check client_secret_env or client_secret_file against the connected app's consumer secret"
	case te.Code == "unsupported_grant_type":
		return "the connected app does not allow the " + flow + " flow: enable it in the app's OAuth settings"
	case te.Code == "invalid_app_access":
		return "the user is not assigned to the connected app: add their profile or permission set to it"
	case strings.Contains(d, "not supported on this domain"):
		return "client_credentials must go to the org's My Domain: set instance_url to https://NAME.my.salesforce.com"
	case strings.Contains(d, "no client credentials user"):
		return "choose a Run As user for the client credentials flow in the connected app's policies"
	case strings.Contains(d, "audience"):
		return "login_url must be https://login.salesforce.com (production) or https://test.salesforce.com (sandbox)"
	case strings.Contains(d, "invalid assertion"):
		return "private_key_file does not match the certificate uploaded to the connected app"
	case strings.Contains(d, "hasn't approved"):
		return "pre-authorize the user: set the app to \"Admin approved users are pre-authorized\" and add the user's profile or permission set"
	case strings.Contains(d, "inactive user"):
		return "the Salesforce user is deactivated: use an active user"
	case strings.Contains(d, "expired authorization code") && flow == "jwt_bearer":
		return "the JWT expiry was refused: check this computer's clock"
	case strings.Contains(d, "code verifier"):
		return "the PKCE code verifier did not match: run the login again"
	case strings.Contains(d, "authorization code"):
		return "the authorization code was already used or expired: run the login again"
	case te.Code == "redirect_uri_mismatch":
		return "add the callback URL http://localhost:PORT/OauthRedirect (PORT = callback_port) to the connected app"
	}
	return ""
}

// transportError marks an error from the authenticating transport as an auth failure, so the
// salesforce client returns it at once (nothing was sent) instead of retrying.
type transportError struct{ err error }

func (e *transportError) Error() string { return e.err.Error() }
func (e *transportError) Unwrap() []error {
	return []error{e.err, &salesforce.TokenError{Code: "sfmcp_auth"}}
}

func asTransportError(err error) error {
	var te *salesforce.TokenError
	if errors.As(err, &te) {
		return err
	}
	return &transportError{err: err}
}
