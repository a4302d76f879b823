package salesforce

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
)

var (
	reNoSuchColumn  = regexp.MustCompile(`No such column '([^']+)' on (?:entity|sobject of type) '?([A-Za-z0-9_]+)'?`)
	reRelationship  = regexp.MustCompile(`Didn't understand relationship '([^']+)'`)
	reTypeNotFound  = regexp.MustCompile(`sObject type '([^']+)' is not supported`)
	rePosition      = regexp.MustCompile(`ERROR at Row:\d+:Column:\d+`)
	reBracketFields = regexp.MustCompile(`\[([^\]]*)\]`)
	reTokens        = []*regexp.Regexp{
		regexp.MustCompile(`00D[0-9A-Za-z]{12,15}![0-9A-Za-z._\-]{10,}`),
		regexp.MustCompile(`(?i)\bbearer\s+[^\s"',]+`),
		regexp.MustCompile(`(?i)\b((?:access_|refresh_)?token|assertion|client_secret|code)=[^&\s"']+`),
	}
)

// Explain turns an error from this package into a short message that tells a user or a
// model what went wrong and what to do next (which tool to call, what to change, whom to
// ask). It never includes tokens.
func Explain(err error) string {
	if err == nil {
		return ""
	}
	var (
		ou *OutcomeUnknownError
		me *MultipleMatchesError
		te *TokenError
		se *Error
	)
	var s string
	switch {
	case errors.As(err, &ou):
		s = ou.Error()
	case errors.Is(err, ErrOutcomeUnknown):
		s = err.Error() + ". The change may or may not have been made: check the record before retrying."
	case errors.As(err, &me):
		by := "its external Id"
		if me.Field != "" {
			by = me.Field + " = " + quote(me.Value)
		}
		s = "The upsert matched " + strconv.Itoa(len(me.URLs)) + " records by " + by +
			", so nothing was changed. Matching Ids: " + strings.Join(me.IDs, ", ") +
			". Update one of them by Id, or make the external Id value unique."
	case errors.As(err, &te):
		s = explainToken(te)
	case errors.As(err, &se):
		s = explainError(se)
	case errors.Is(err, context.DeadlineExceeded):
		s = "The Salesforce call took too long and was stopped. Try again; for a query, add a selective filter and a LIMIT."
	case errors.Is(err, context.Canceled):
		s = "The Salesforce call was cancelled."
	default:
		s = "Could not complete the Salesforce call: " + err.Error() + ". Check the network connection and try again."
	}
	return Redact(s)
}

// Redact removes anything that looks like an access token, a bearer header or a secret form
// parameter from s.
func Redact(s string) string {
	s = reTokens[0].ReplaceAllString(s, "[redacted]")
	s = reTokens[1].ReplaceAllString(s, "Bearer [redacted]")
	return reTokens[2].ReplaceAllString(s, "$1=[redacted]")
}

func explainError(e *Error) string {
	msg := strings.TrimSpace(e.Message)
	obj := e.Object
	describeHint := "Call describe_object"
	if obj != "" {
		describeHint += " for " + obj
	}
	switch e.Code {
	case "INVALID_FIELD":
		if strings.Contains(msg, "Id field should not be specified") {
			return "Do not include Id in the values of a new record. To change an existing record, update it by its Id instead."
		}
		if m := reNoSuchColumn.FindStringSubmatch(msg); m != nil {
			return "Field '" + m[1] + "' does not exist on " + m[2] + ", or your user cannot see it" + position(msg) +
				". Custom fields end in __c. Call describe_object for " + m[2] + " to get the valid field names."
		}
		if m := reRelationship.FindStringSubmatch(msg); m != nil {
			return "Relationship '" + m[1] + "' is not valid" + position(msg) +
				". Use the relationship name, not the field name (Owner.Name, not OwnerId.Name; custom lookups end in __r). " + describeHint + " to see relationship names."
		}
		return "A field name is not valid: " + sentence(msg) + " " + describeHint + " to get the valid field names."
	case "INVALID_TYPE":
		if m := reTypeNotFound.FindStringSubmatch(msg); m != nil {
			return "Object '" + m[1] + "' does not exist or your user cannot access it. Custom objects end in __c. Call describe_object with no argument to list the objects you can use."
		}
		return "The object type is not valid: " + sentence(msg) + " Call describe_object with no argument to list the objects you can use."
	case "MALFORMED_QUERY":
		return "The SOQL query is not valid:\n" + msg + "\nFix the query at the position shown and try again."
	case "MALFORMED_ID":
		return "An Id is not valid here: " + sentence(msg) + " Record Ids are the 15 or 18 characters Salesforce returns, and must belong to the right object (Account Ids start with 001, Contact 003...). Find the right Id with search_records or query_records."
	case "NOT_FOUND":
		if strings.Contains(msg, "external ID field") {
			return sentence(msg) + " " + describeHint + " and use a field marked as an external Id."
		}
		return "The record was not found: it may have been deleted, the Id may belong to a different object, or your user cannot see it. Find it with search_records or query_records."
	case "ENTITY_IS_DELETED":
		return "The record has been deleted (it may be in the Recycle Bin). Nothing more can be done to it through this API."
	case "INSUFFICIENT_ACCESS_OR_READONLY":
		return "Your Salesforce user does not have permission to do this on this record (" + msg + "). Ask a Salesforce admin for access, or work on a record you own."
	case "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY":
		return "A record referenced in the values (a lookup such as AccountId, OwnerId, WhoId or WhatId) does not exist or your user cannot access it (" + msg + "). Check the referenced Ids with query_records."
	case "REQUIRED_FIELD_MISSING":
		return "Required fields are missing: " + strings.Join(fieldsOf(e), ", ") + ". Provide values for them. " + describeHint + " to see which fields are required."
	case "FIELD_CUSTOM_VALIDATION_EXCEPTION":
		s := "A validation rule in this org rejected the change: \"" + msg + "\""
		if len(e.Fields) > 0 {
			s += " (field " + strings.Join(e.Fields, ", ") + ")"
		}
		return s + ". Change the values so that the rule is satisfied."
	case "DUPLICATE_VALUE":
		return "Another record already has this value in a unique field: " + sentence(msg) + " Use a different value, or update the existing record instead."
	case "DUPLICATES_DETECTED":
		s := "A duplicate rule blocked the save: " + msg
		if len(e.DuplicateIDs) > 0 {
			s += " Existing matching records: " + strings.Join(e.DuplicateIDs, ", ") + "."
		}
		return s + " Update the existing record instead of creating a new one."
	case "REQUEST_LIMIT_EXCEEDED":
		switch {
		case strings.Contains(msg, "TotalRequests"):
			return "The org's daily API request limit is used up (TotalRequests). Calls will keep failing until usage falls in the rolling 24-hour window: try again tomorrow, or ask a Salesforce admin to raise the limit."
		case strings.Contains(msg, "ConcurrentPerOrgLongTxn"):
			return "Too many long-running requests are running in the org at once (ConcurrentPerOrgLongTxn). Wait a minute and retry."
		}
		return "Salesforce is limiting requests (" + msg + "). Wait a little and retry."
	case "UNABLE_TO_LOCK_ROW":
		return "The record is locked by another operation that is in progress. Wait a few seconds and try again."
	case "INVALID_SESSION_ID", "INVALID_AUTH_HEADER":
		if strings.Contains(msg, "scopes is required") {
			return "The Salesforce connection lacks the OAuth scope this call needs (" + msg + "). Add the scope (usually api) to the connected app and reconnect."
		}
		return "The Salesforce session has expired or is not valid. Reconnect to Salesforce (sign in again), then retry."
	case "API_DISABLED_FOR_ORG":
		return "The REST API is not enabled for this Salesforce org (its edition may not include API access). A Salesforce admin has to enable it."
	case "API_CURRENTLY_DISABLED":
		return "Your Salesforce user is not allowed to use the API (" + msg + "). Ask a Salesforce admin to grant the \"API Enabled\" permission."
	case "QUERY_TIMEOUT":
		return "The query ran too long and was stopped. Add a selective filter on an indexed field (Id, Name, CreatedDate, a lookup or an external Id) and a LIMIT; avoid leading % in LIKE."
	case "NUMBER_OUTSIDE_VALID_RANGE":
		if strings.Contains(strings.ToLower(msg), "offset") {
			return "OFFSET can be at most 2000 (" + msg + "). To read further, use the cursor returned with the previous page, or page with ORDER BY Id and WHERE Id > the last Id seen."
		}
		return "A number is outside the valid range: " + sentence(msg)
	case "INVALID_QUERY_LOCATOR":
		return "The query cursor has expired or is no longer valid. Run the query again from the start."
	case "MALFORMED_SEARCH", "INVALID_SEARCH":
		return "The search is not valid: " + sentence(msg) + " Search terms need at least 2 characters and go inside braces, e.g. FIND {Acme}; reserved characters such as ? & | ! { } [ ] ( ) ^ ~ * : \\ \" ' + - must be escaped."
	case "INVALID_FIELD_FOR_INSERT_UPDATE":
		return "These fields cannot be set: " + strings.Join(fieldsOf(e), ", ") + " (read-only, calculated, or hidden from your user). Remove them from the values. " + describeHint + " to see which fields can be created or updated."
	case "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST":
		return sentence(msg) + " The field accepts only its defined picklist values: " + describeHint + " to see the allowed values."
	case "INVALID_CROSS_REFERENCE_KEY":
		s := "An Id in the values does not point to a valid record of the right type: " + msg
		if len(e.Fields) > 0 {
			s += " (field " + strings.Join(e.Fields, ", ") + ")"
		}
		return s + ". Check the Id with query_records."
	case CodeServerUnavailable:
		return "Salesforce is temporarily unavailable (overloaded or under maintenance): " + sentence(msg) + " Try again in a few minutes."
	case "UNKNOWN_EXCEPTION":
		return "Salesforce hit an internal error (" + msg + "). Try again; if it keeps failing, simplify the request."
	case "REQUEST_TOO_LARGE":
		return "The request is too long for Salesforce (the URL must stay under about 16,000 bytes). Shorten the query: fewer fields, shorter IN lists."
	case CodeInvalidArgument:
		return msg
	}
	s := "Salesforce returned " + e.Code
	if msg != "" {
		s += ": " + msg
	}
	return s
}

func explainToken(e *TokenError) string {
	d := e.Description
	switch e.Code {
	case "invalid_grant":
		switch {
		case strings.Contains(d, "not supported on this domain"):
			return "Salesforce refused the login (" + d + "): the client credentials flow must use the org's My Domain URL (https://<name>.my.salesforce.com) as its login URL, not login.salesforce.com."
		case strings.Contains(d, "no client credentials user"):
			return "Salesforce refused the login (" + d + "): the connected app needs a Run As user for the client credentials flow. Ask a Salesforce admin to set one."
		case strings.Contains(d, "approved this consumer"):
			return "Salesforce refused the login (" + d + "): the user is not pre-authorized for the connected app. Ask a Salesforce admin to pre-approve the user (profile or permission set)."
		case strings.Contains(d, "audience"), strings.Contains(d, "assertion"):
			return "Salesforce rejected the JWT (" + d + "): check the certificate, the username and the audience (login.salesforce.com or test.salesforce.com)."
		}
		return "The saved Salesforce authorization is no longer valid (" + d + "). Reconnect: sign in to Salesforce again, then retry."
	case "invalid_client_id", "invalid_client":
		return "Salesforce does not accept the connected app's credentials (" + d + "). Check the connection's client_id and client secret; a newly created app can take up to 10 minutes to become active."
	case "invalid_app_access":
		return "Your Salesforce user is not allowed to use this connected app (" + d + "). Ask a Salesforce admin to assign it to you."
	}
	s := "Salesforce sign-in failed: " + e.Code
	if d != "" {
		s += " (" + d + ")"
	}
	return s + ". Reconnect to Salesforce and try again."
}

// position returns " (ERROR at Row:1:Column:12)" when msg has Salesforce's position info.
func position(msg string) string {
	if p := rePosition.FindString(msg); p != "" {
		return " (" + p + ")"
	}
	return ""
}

// fieldsOf returns the error's field names, or those listed in brackets in its message
// ("Required fields are missing: [LastName, Company]").
func fieldsOf(e *Error) []string {
	if len(e.Fields) > 0 {
		return e.Fields
	}
	if m := reBracketFields.FindStringSubmatch(e.Message); m != nil {
		var out []string
		for f := range strings.SplitSeq(m[1], ",") {
			if f = strings.TrimSpace(f); f != "" {
				out = append(out, f)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	if msg := strings.TrimSpace(e.Message); msg != "" {
		return []string{msg}
	}
	return []string{"(not named by Salesforce)"}
}

// sentence returns s ending with a full stop.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") {
		return s
	}
	return s + "."
}

func quote(s string) string { return "'" + truncate(s, 80) + "'" }
