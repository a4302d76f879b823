package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// apiError is one REST error (WIRE.md §3), rendered as a one-element JSON array.
type apiError struct {
	Status  int
	Code    string
	Message string
	Fields  []string // nil: no "fields" key; empty non-nil: "fields":[]
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

type errJSON struct {
	Message   string    `json:"message"`
	ErrorCode string    `json:"errorCode"`
	Fields    *[]string `json:"fields,omitempty"`
}

const contentTypeJSON = "application/json;charset=UTF-8"

// writeJSON writes v as the JSON body with the Salesforce content type.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	b := []byte(`[{"message":"internal error","errorCode":"UNKNOWN_EXCEPTION"}]`)
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
	} else {
		b = bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	}
	w.Header().Set("Content-Type", contentTypeJSON)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeErrors renders errs as a REST error array. status 0 takes the first error's status;
// hdr, if non-nil, is merged into the response headers.
func writeErrors(w http.ResponseWriter, status int, hdr http.Header, errs ...*apiError) {
	if status == 0 && len(errs) > 0 {
		status = errs[0].Status
	}
	for k, v := range hdr {
		w.Header()[k] = v
	}
	out := make([]errJSON, len(errs))
	for i, e := range errs {
		out[i] = errJSON{Message: e.Message, ErrorCode: e.Code}
		if e.Fields != nil {
			f := e.Fields
			out[i].Fields = &f
		}
	}
	writeJSON(w, status, out)
}

// writeErr renders any error: an *apiError as itself, anything else as 401
// INVALID_SESSION_ID (used for the result of authenticate).
func writeErr(w http.ResponseWriter, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		ae = errInvalidSession()
	}
	writeErrors(w, 0, nil, ae)
}

// newErr builds a DML-style error: it always carries "fields" (possibly empty).
func newErr(status int, code, msg string, fields ...string) *apiError {
	if fields == nil {
		fields = []string{}
	}
	return &apiError{Status: status, Code: code, Message: msg, Fields: fields}
}

// plainErr builds an error without a "fields" key.
func plainErr(status int, code, msg string) *apiError {
	return &apiError{Status: status, Code: code, Message: msg}
}

func errInvalidSession() *apiError {
	return &apiError{Status: 401, Code: "INVALID_SESSION_ID", Message: "Session expired or invalid"}
}

func errNotFound() *apiError {
	return &apiError{Status: 404, Code: "NOT_FOUND", Message: "The requested resource does not exist"}
}

func errExtIDField(name string) *apiError {
	return &apiError{Status: 404, Code: "NOT_FOUND",
		Message: "Provided external ID field does not exist or is not accessible: " + name}
}

func errDeleted() *apiError {
	return newErr(404, "ENTITY_IS_DELETED", "entity is deleted")
}

func errMethod(method string, allowed ...string) *apiError {
	return &apiError{Status: 405, Code: "METHOD_NOT_ALLOWED",
		Message: fmt.Sprintf("HTTP Method '%s' not allowed. Allowed are %s", method, strings.Join(allowed, ","))}
}

func errMalformedQuery(msg string) *apiError {
	return &apiError{Status: 400, Code: "MALFORMED_QUERY", Message: msg}
}

// notSupported is the INVALID_TYPE message for an unknown object.
func notSupported(obj string) string {
	return fmt.Sprintf("sObject type '%s' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.", obj)
}

// noSuchColumn is the INVALID_FIELD tail used by SOQL, get and SOSL.
func noSuchColumn(field, obj string) string {
	return fmt.Sprintf("No such column '%s' on entity '%s'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.", field, obj)
}

func errInvalidFieldDML(field, obj string) *apiError {
	return plainErr(400, "INVALID_FIELD", fmt.Sprintf("No such column '%s' on sobject of type %s", field, obj))
}

func errInsufficientAccess() *apiError {
	return newErr(400, "INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights on object id")
}

func errMalformedID(label, id string) *apiError {
	return newErr(400, "MALFORMED_ID", fmt.Sprintf("%s: id value of incorrect type: %s", label, id), "Id")
}

func errRequired(fields ...string) *apiError {
	return newErr(400, "REQUIRED_FIELD_MISSING",
		"Required fields are missing: ["+strings.Join(fields, ", ")+"]", fields...)
}

func errNotWritable(fields ...string) *apiError {
	return newErr(400, "INVALID_FIELD_FOR_INSERT_UPDATE",
		"Unable to create/update fields: "+strings.Join(fields, ", ")+". Please check the security settings of this field and verify that it is read/write for your profile or permission set.", fields...)
}

func errRestrictedPicklist(label, field, v string) *apiError {
	return newErr(400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
		fmt.Sprintf("%s: bad value for restricted picklist field: %s", label, v), field)
}

func errBadJSON(msg string) *apiError {
	return &apiError{Status: 400, Code: "JSON_PARSER_ERROR", Message: msg}
}

func errLimitExceeded() *apiError {
	return &apiError{Status: 403, Code: "REQUEST_LIMIT_EXCEEDED", Message: "TotalRequests Limit exceeded."}
}
