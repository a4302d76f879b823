package salesforce

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/tidwall/gjson"
)

// UpsertResult says what an upsert did. ID is empty when an old API version answered an
// update with 204 and no body.
type UpsertResult struct {
	ID      string
	Created bool
}

var fieldListPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,79}(?:\.[A-Za-z][A-Za-z0-9_]{0,79})*$`)

// Get reads one record by Id (GET /sobjects/{object}/{id}?fields=...). With no fields,
// Salesforce returns every field the user can read.
func (c *Client) Get(ctx context.Context, object, id string, fields []string) (gjson.Result, error) {
	if err := checkName("object", object); err != nil {
		return gjson.Result{}, err
	}
	if err := checkID(object, id); err != nil {
		return gjson.Result{}, err
	}
	var q url.Values
	if len(fields) > 0 {
		for _, f := range fields {
			if !fieldListPattern.MatchString(f) {
				return gjson.Result{}, &Error{Code: CodeInvalidArgument, Object: object, Message: fmt.Sprintf("%q is not a valid field API name", truncate(f, 80))}
			}
		}
		q = url.Values{"fields": {strings.Join(fields, ",")}}
	}
	resp, err := c.do(ctx, request{method: "GET", path: c.dataPath("/sobjects/" + seg(object) + "/" + seg(id)), query: q, idempotent: true, object: object})
	if err != nil {
		return gjson.Result{}, err
	}
	v, err := parseJSON(resp, gjson.JSON)
	if err != nil {
		return gjson.Result{}, err
	}
	if !v.IsObject() {
		return gjson.Result{}, badBody(resp, "a record")
	}
	return v, nil
}

// Create inserts a record (POST /sobjects/{object}/) and returns its Id. A create is never
// retried after the request may have been sent: if the connection drops before the answer,
// the error wraps ErrOutcomeUnknown and says how to check whether the record exists.
func (c *Client) Create(ctx context.Context, object string, values map[string]any) (string, error) {
	if err := checkName("object", object); err != nil {
		return "", err
	}
	resp, err := c.do(ctx, request{method: "POST", path: c.dataPath("/sobjects/" + seg(object) + "/"), body: nonNil(values), object: object})
	if err != nil {
		var ou *outcomeUnknownError
		if errors.As(err, &ou) {
			return "", &OutcomeUnknownError{Op: "create", Object: object, CheckQuery: checkQuery(object, values), cause: ou.cause}
		}
		return "", err
	}
	v, err := parseJSON(resp, gjson.JSON)
	if err != nil {
		return "", err
	}
	id := v.Get("id").String()
	if !ValidID(id) {
		return "", badBody(resp, "a create result with an id")
	}
	return id, nil
}

// OutcomeUnknownError is returned when a create request may have reached Salesforce but
// no answer arrived. It wraps ErrOutcomeUnknown.
type OutcomeUnknownError struct {
	Op, Object string
	// CheckQuery is a SOQL query that finds the record if it was created.
	CheckQuery string
	cause      error
}

func (e *OutcomeUnknownError) Error() string {
	return fmt.Sprintf("salesforce: the connection dropped after the %s %s request was sent (%v), so the record may or may not have been created. Do not simply retry: first check whether it exists, e.g. with %s",
		e.Object, e.Op, e.cause, e.CheckQuery)
}

func (e *OutcomeUnknownError) Unwrap() []error { return []error{ErrOutcomeUnknown, e.cause} }

// checkQuery builds a query that finds a just-created record by a distinctive value.
func checkQuery(object string, values map[string]any) string {
	preferred := []string{"Name", "Subject", "LastName", "Title", "Email"}
	var field, value string
	for _, f := range preferred {
		if s, ok := values[f].(string); ok && s != "" {
			field, value = f, s
			break
		}
	}
	if field == "" {
		keys := make([]string, 0, len(values))
		for k := range values {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if s, ok := values[k].(string); ok && s != "" && namePattern.MatchString(k) && !longText(k) {
				field, value = k, s
				break
			}
		}
	}
	q := "SELECT Id FROM " + object + " WHERE "
	if field != "" {
		q += field + " = " + QuoteSOQL(truncate(value, 200)) + " AND "
	}
	return q + "CreatedDate = TODAY ORDER BY CreatedDate DESC LIMIT 5"
}

// longText guesses fields that are usually long text areas, which cannot be filtered on.
func longText(field string) bool {
	for _, w := range []string{"Description", "Body", "Content", "Comments"} {
		if strings.Contains(field, w) {
			return true
		}
	}
	return false
}

// Update changes fields of one record (PATCH /sobjects/{object}/{id}; 204).
func (c *Client) Update(ctx context.Context, object, id string, values map[string]any) error {
	if err := checkName("object", object); err != nil {
		return err
	}
	if err := checkID(object, id); err != nil {
		return err
	}
	_, err := c.do(ctx, request{method: "PATCH", path: c.dataPath("/sobjects/" + seg(object) + "/" + seg(id)), body: nonNil(values), idempotent: true, object: object})
	return err
}

// Delete deletes one record (DELETE /sobjects/{object}/{id}; 204). It goes to the Recycle Bin.
func (c *Client) Delete(ctx context.Context, object, id string) error {
	if err := checkName("object", object); err != nil {
		return err
	}
	if err := checkID(object, id); err != nil {
		return err
	}
	_, err := c.do(ctx, request{method: "DELETE", path: c.dataPath("/sobjects/" + seg(object) + "/" + seg(id)), idempotent: true, object: object})
	return err
}

// Upsert creates or updates the record whose external Id field extField equals extValue
// (PATCH /sobjects/{object}/{extField}/{extValue}). If several records match, the error is
// a *MultipleMatchesError listing them. Upsert is retried like an update: the external Id
// makes a repeated request land on the same record.
func (c *Client) Upsert(ctx context.Context, object, extField, extValue string, values map[string]any) (UpsertResult, error) {
	if err := checkName("object", object); err != nil {
		return UpsertResult{}, err
	}
	if err := checkName("field", extField); err != nil {
		return UpsertResult{}, err
	}
	if extValue == "" || extValue == "." || extValue == ".." || strings.ContainsAny(extValue, "/\\?#") {
		return UpsertResult{}, &Error{Code: CodeInvalidArgument, Object: object, Message: fmt.Sprintf("external Id value %q cannot be used in an upsert path (it must be non-empty and must not contain / \\ ? #)", truncate(extValue, 80))}
	}
	resp, err := c.do(ctx, request{method: "PATCH", path: c.dataPath("/sobjects/" + seg(object) + "/" + seg(extField) + "/" + seg(extValue)), body: nonNil(values), idempotent: true, object: object})
	if err != nil {
		return UpsertResult{}, err
	}
	switch resp.status {
	case http.StatusNoContent:
		return UpsertResult{}, nil
	case http.StatusMultipleChoices:
		perr := ParseError(resp.status, resp.body)
		if me, ok := perr.(*MultipleMatchesError); ok {
			me.Object, me.Field, me.Value = object, extField, extValue
		}
		return UpsertResult{}, perr
	}
	v, err := parseJSON(resp, gjson.JSON)
	if err != nil {
		return UpsertResult{}, err
	}
	id := v.Get("id").String()
	if !ValidID(id) {
		return UpsertResult{}, badBody(resp, "an upsert result with an id")
	}
	created := v.Get("created")
	return UpsertResult{ID: id, Created: created.Bool() || (!created.Exists() && resp.status == http.StatusCreated)}, nil
}

func nonNil(values map[string]any) map[string]any {
	if values == nil {
		return map[string]any{}
	}
	return values
}
