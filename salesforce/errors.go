package salesforce

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/tidwall/gjson"
)

// Error codes the client itself assigns (Salesforce's own codes are used as they come).
const (
	// CodeMultipleMatches marks a *MultipleMatchesError (upsert matched several records: HTTP 300).
	CodeMultipleMatches = "MULTIPLE_MATCHES"
	// CodeServerUnavailable is also used for 5xx answers whose body is not a Salesforce error.
	CodeServerUnavailable = "SERVER_UNAVAILABLE"
	// CodeInvalidArgument marks a request the client refused to send (bad Id, name, cursor...).
	CodeInvalidArgument = "INVALID_ARGUMENT"
)

// ErrOutcomeUnknown is wrapped by the error returned when a create request may have reached
// Salesforce but no answer came back: the record may or may not exist.
var ErrOutcomeUnknown = errors.New("salesforce: outcome unknown")

// Error is a Salesforce REST API error: the first element of the JSON error array
// ([{"message","errorCode","fields"}], or "statusCode" in collection results), or an error
// the client made up for a response that was not one (for example an HTML 503 page).
// HTTPStatus is 0 for errors detected before anything was sent.
type Error struct {
	HTTPStatus int
	Code       string
	Message    string
	Fields     []string
	// Object is the sObject the failed call was about, when the client knows it.
	Object string
	// DuplicateIDs lists the existing records a duplicate rule matched (DUPLICATES_DETECTED).
	DuplicateIDs []string
}

func (e *Error) Error() string {
	msg := strings.TrimSpace(e.Message)
	var b strings.Builder
	b.WriteString("salesforce: ")
	b.WriteString(e.Code)
	if e.HTTPStatus != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.HTTPStatus)
	}
	if msg != "" {
		b.WriteString(": ")
		b.WriteString(msg)
	}
	return b.String()
}

// TokenError is an OAuth error ({"error","error_description"}) from the token endpoint,
// for example invalid_grant when a refresh token was revoked or expired.
type TokenError struct {
	HTTPStatus  int
	Code        string
	Description string
}

func (e *TokenError) Error() string {
	s := "salesforce oauth: " + e.Code
	if e.Description != "" {
		s += ": " + e.Description
	}
	return s
}

// MultipleMatchesError is returned by Upsert when the external Id matched more than one
// record (HTTP 300). IDs lists the matching records.
type MultipleMatchesError struct {
	Object, Field, Value string
	IDs                  []string
	URLs                 []string
}

func (e *MultipleMatchesError) Error() string {
	return fmt.Sprintf("salesforce: %s: %d %s records have %s = %q: %s",
		CodeMultipleMatches, len(e.URLs), orUnknown(e.Object), orUnknown(e.Field), e.Value, strings.Join(e.IDs, ", "))
}

func orUnknown(s string) string {
	if s == "" {
		return "?"
	}
	return s
}

// IsCode reports whether err is (or wraps) a Salesforce error with the given code: an
// *Error's Code, a *TokenError's Code, or CodeMultipleMatches.
func IsCode(err error, code string) bool {
	return errorCode(err) == code && code != ""
}

func errorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	var te *TokenError
	if errors.As(err, &te) {
		return te.Code
	}
	var me *MultipleMatchesError
	if errors.As(err, &me) {
		return CodeMultipleMatches
	}
	return ""
}

// ParseError turns an error response into a typed error: *Error for the REST error array,
// *TokenError for an OAuth error object, *MultipleMatchesError for a 300 list of record
// URLs. Bodies that are not JSON (an HTML maintenance page, a proxy error) become an
// *Error with a code derived from the status and a short message, never the raw body.
func ParseError(status int, body []byte) error {
	s := strings.TrimSpace(string(body))
	if gjson.Valid(s) {
		v := gjson.Parse(s)
		switch {
		case v.IsArray():
			first := v.Get("0")
			if status == http.StatusMultipleChoices || first.Type == gjson.String {
				return multipleMatches(v)
			}
			if first.IsObject() {
				if e := errorFromObject(status, first); e != nil {
					return e
				}
			}
		case v.IsObject():
			if code := v.Get("error"); code.Type == gjson.String {
				return &TokenError{HTTPStatus: status, Code: code.Str, Description: v.Get("error_description").String()}
			}
			if e := errorFromObject(status, v); e != nil {
				return e
			}
		}
	} else if status >= 400 && strings.Contains(s, "=") && !strings.ContainsAny(s, "<>{}[] \n") {
		// The revoke endpoint may answer form-encoded: error=invalid_token&error_description=...
		if te := formTokenError(status, s); te != nil {
			return te
		}
	}
	return &Error{HTTPStatus: status, Code: codeForStatus(status), Message: shortStatusMessage(status, s)}
}

func errorFromObject(status int, o gjson.Result) *Error {
	code := o.Get("errorCode").String()
	if code == "" {
		code = o.Get("statusCode").String()
	}
	msg := o.Get("message").String()
	if code == "" && msg == "" {
		return nil
	}
	if code == "" {
		code = codeForStatus(status)
	}
	e := &Error{HTTPStatus: status, Code: code, Message: msg}
	for _, f := range o.Get("fields").Array() {
		e.Fields = append(e.Fields, f.String())
	}
	for _, id := range o.Get("duplicateResult.matchResults.#.matchRecords.#.record.Id|@flatten").Array() {
		e.DuplicateIDs = append(e.DuplicateIDs, id.String())
	}
	return e
}

func multipleMatches(v gjson.Result) *MultipleMatchesError {
	e := &MultipleMatchesError{}
	for _, u := range v.Array() {
		s := u.String()
		e.URLs = append(e.URLs, s)
		id := s[strings.LastIndexByte(s, '/')+1:]
		if ValidID(id) {
			e.IDs = append(e.IDs, id)
		}
	}
	return e
}

func formTokenError(status int, s string) *TokenError {
	var code, desc string
	for _, kv := range strings.Split(s, "&") {
		k, v, _ := strings.Cut(kv, "=")
		if uv, err := url.QueryUnescape(v); err == nil {
			v = uv
		}
		switch k {
		case "error":
			code = v
		case "error_description":
			desc = v
		}
	}
	if code == "" {
		return nil
	}
	return &TokenError{HTTPStatus: status, Code: code, Description: desc}
}

// codeForStatus names the error for a response without a Salesforce error body.
func codeForStatus(status int) string {
	switch {
	case status == http.StatusUnauthorized:
		return "INVALID_SESSION_ID"
	case status == http.StatusNotFound:
		return "NOT_FOUND"
	case status == http.StatusMethodNotAllowed:
		return "METHOD_NOT_ALLOWED"
	case status == http.StatusTooManyRequests:
		return "REQUEST_LIMIT_EXCEEDED"
	case status == http.StatusRequestURITooLong, status == http.StatusRequestHeaderFieldsTooLarge:
		return "REQUEST_TOO_LARGE"
	case status == http.StatusInternalServerError:
		return "UNKNOWN_EXCEPTION"
	case status == 420 || status >= 502 && status <= 504:
		return CodeServerUnavailable
	case status >= 500:
		return "UNKNOWN_EXCEPTION"
	case status >= 300 && status < 400:
		return "UNEXPECTED_REDIRECT"
	default:
		return fmt.Sprintf("HTTP_%d", status)
	}
}

var htmlTitle = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)

// shortStatusMessage describes a non-JSON error body in one short line: the status text,
// plus an HTML page's <title> or the first line of a short plain-text body.
func shortStatusMessage(status int, body string) string {
	msg := fmt.Sprintf("HTTP %d %s", status, http.StatusText(status))
	var detail string
	if m := htmlTitle.FindStringSubmatch(body); m != nil {
		detail = m[1]
	} else if body != "" && !strings.Contains(body, "<") {
		detail, _, _ = strings.Cut(body, "\n")
	}
	detail = strings.Join(strings.Fields(cleanText(detail)), " ")
	if detail != "" {
		msg += ": " + truncate(detail, 120)
	}
	return msg
}

// cleanText drops control characters (other than space) from s.
func cleanText(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0xfffd {
			return ' '
		}
		return r
	}, s)
}
