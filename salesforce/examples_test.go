package salesforce

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// restErrorExamples maps each REST error example to the status WIRE.md gives it and the
// code and fields the client must parse from it.
var restErrorExamples = map[string]struct {
	status int
	code   string
	fields []string
}{
	"error_api_currently_disabled.json":              {403, "API_CURRENTLY_DISABLED", nil},
	"error_api_disabled_for_org.json":                {403, "API_DISABLED_FOR_ORG", nil},
	"error_concurrent_limit_exceeded.json":           {403, "REQUEST_LIMIT_EXCEEDED", nil},
	"error_duplicate_value.json":                     {400, "DUPLICATE_VALUE", []string{}},
	"error_duplicates_detected.json":                 {400, "DUPLICATES_DETECTED", nil},
	"error_entity_is_deleted.json":                   {404, "ENTITY_IS_DELETED", []string{}},
	"error_field_custom_validation.json":             {400, "FIELD_CUSTOM_VALIDATION_EXCEPTION", []string{"CloseDate"}},
	"error_id_in_create_body.json":                   {400, "INVALID_FIELD", nil},
	"error_insufficient_access_cross_reference.json": {400, "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY", []string{}},
	"error_insufficient_access_or_readonly.json":     {400, "INSUFFICIENT_ACCESS_OR_READONLY", []string{}},
	"error_invalid_auth_header.json":                 {401, "INVALID_AUTH_HEADER", nil},
	"error_invalid_field.json":                       {400, "INVALID_FIELD", nil},
	"error_invalid_query_locator.json":               {400, "INVALID_QUERY_LOCATOR", nil},
	"error_invalid_search.json":                      {400, "INVALID_SEARCH", nil},
	"error_invalid_session_id.json":                  {401, "INVALID_SESSION_ID", nil},
	"error_invalid_type.json":                        {400, "INVALID_TYPE", nil},
	"error_malformed_id.json":                        {400, "MALFORMED_ID", []string{"Id"}},
	"error_malformed_query.json":                     {400, "MALFORMED_QUERY", nil},
	"error_malformed_search.json":                    {400, "MALFORMED_SEARCH", nil},
	"error_method_not_allowed.json":                  {405, "METHOD_NOT_ALLOWED", nil},
	"error_not_found.json":                           {404, "NOT_FOUND", nil},
	"error_not_found_external_id.json":               {404, "NOT_FOUND", nil},
	"error_number_outside_valid_range.json":          {400, "NUMBER_OUTSIDE_VALID_RANGE", nil},
	"error_query_timeout.json":                       {400, "QUERY_TIMEOUT", nil},
	"error_request_limit_exceeded.json":              {403, "REQUEST_LIMIT_EXCEEDED", nil},
	"error_required_field_missing.json":              {400, "REQUIRED_FIELD_MISSING", []string{"LastName"}},
	"error_server_unavailable.json":                  {503, "SERVER_UNAVAILABLE", nil},
	"error_unable_to_lock_row.json":                  {400, "UNABLE_TO_LOCK_ROW", []string{}},
}

// explainWants lists text that Explain must produce for each example (beyond being
// non-empty): the actionable part of the message.
var explainWants = map[string][]string{
	"error_api_currently_disabled.json":              {"API Enabled", "admin"},
	"error_api_disabled_for_org.json":                {"not enabled for this Salesforce org", "admin"},
	"error_concurrent_limit_exceeded.json":           {"ConcurrentPerOrgLongTxn", "retry"},
	"error_duplicate_value.json":                     {"External_Id__c", "different value"},
	"error_duplicates_detected.json":                 {"duplicate rule", "0035g00000RsKaLAAV"},
	"error_entity_is_deleted.json":                   {"deleted"},
	"error_field_custom_validation.json":             {"validation rule", "Close Date cannot be in the past.", "CloseDate"},
	"error_id_in_create_body.json":                   {"Do not include Id", "update"},
	"error_insufficient_access_cross_reference.json": {"0015g00000QxTzA", "cannot access"},
	"error_insufficient_access_or_readonly.json":     {"permission", "admin"},
	"error_invalid_auth_header.json":                 {"Reconnect"},
	"error_invalid_field.json":                       {"Field 'Foo' does not exist on Account", "describe_object for Account", "Row:1:Column:12", "__c"},
	"error_invalid_query_locator.json":               {"Run the query again"},
	"error_invalid_search.json":                      {"at least 2 characters", "longer than one character: a"},
	"error_invalid_session_id.json":                  {"expired", "Reconnect"},
	"error_invalid_type.json":                        {"Object 'Acount' does not exist", "describe_object with no argument"},
	"error_malformed_id.json":                        {"001900K0001pPuOAAU", "search_records"},
	"error_malformed_query.json":                     {"ERROR at Row:1:Column:17", "unexpected token: FRM", "^"},
	"error_malformed_search.json":                    {"braces", "FIND {Acme}"},
	"error_method_not_allowed.json":                  {"METHOD_NOT_ALLOWED", "PATCH"},
	"error_not_found.json":                           {"not found", "query_records"},
	"error_not_found_external_id.json":               {"external ID field", "describe_object"},
	"error_number_outside_valid_range.json":          {"OFFSET can be at most 2000", "cursor"},
	"error_query_timeout.json":                       {"selective filter", "LIMIT"},
	"error_request_limit_exceeded.json":              {"daily API request limit", "tomorrow", "admin"},
	"error_required_field_missing.json":              {"Required fields are missing: LastName", "describe_object"},
	"error_server_unavailable.json":                  {"temporarily unavailable", "Try again"},
	"error_unable_to_lock_row.json":                  {"locked", "try again"},
}

var tokenErrorExamples = map[string][2]string{ // file -> code, description
	"token_error_client_credentials_domain.json":  {"invalid_grant", "request not supported on this domain"},
	"token_error_client_credentials_no_user.json": {"invalid_grant", "no client credentials user enabled"},
	"token_error_invalid_app_access.json":         {"invalid_app_access", "user is not admin approved to access this app"},
	"token_error_invalid_client.json":             {"invalid_client", "invalid client credentials"},
	"token_error_invalid_client_id.json":          {"invalid_client_id", "client identifier invalid"},
	"token_error_invalid_grant_assertion.json":    {"invalid_grant", "invalid assertion"},
	"token_error_invalid_grant_audience.json":     {"invalid_grant", "audience is invalid"},
	"token_error_invalid_grant_auth_failure.json": {"invalid_grant", "authentication failure"},
	"token_error_invalid_grant_expired.json":      {"invalid_grant", "expired access/refresh token"},
	"token_error_invalid_grant_expired_code.json": {"invalid_grant", "expired authorization code"},
	"token_error_invalid_grant_not_approved.json": {"invalid_grant", "user hasn't approved this consumer"},
	"token_error_unsupported_grant_type.json":     {"unsupported_grant_type", "grant type not supported"},
	"revoke_error_invalid_token.json":             {"invalid_token", "Token was invalid"},
}

// successExamples are parsed by an operation; see TestExample* and the operation tests.
var successExamples = []string{
	"aggregate.json", "create_ok.json", "contentnote_create_response.json", "describe_account_min.json",
	"describe_global_min.json", "limits.json", "query_account.json", "query_child_subquery.json",
	"query_child_subquery_paged.json", "query_contacts_relationship.json", "query_count.json",
	"query_empty.json", "query_first_page.json", "query_more_page2.json", "queryall_deleted.json",
	"record_get_fields.json", "sosl_search.json", "sosl_search_legacy_pre_v37.json",
	"task_query_calls.json", "upsert_created.json", "upsert_multiple_300.json", "upsert_updated.json",
	"versions.json",
}

// notParsedByClient are examples of requests, OAuth answers (the connections package's job)
// or resources this client does not call.
var notParsedByClient = []string{
	"INDEX.md", "chatter_feed_element_request.json", "chatter_feed_element_response_min.json",
	"composite_request.json", "composite_response.json", "composite_response_rolled_back.json",
	"contentdocumentlink_create_request.json", "contentnote_create_request.json",
	"event_create_request.json", "identity_url.json", "jwt_claims.json", "jwt_header.json",
	"parameterized_search.json", "parameterized_search_request.json", "resources_by_version_min.json",
	"sobject_collections_all_or_none_failure.json", "sobject_collections_create_request.json",
	"sobject_collections_create_response.json", "sobject_collections_delete_response.json",
	"sobject_collections_partial_failure.json", "sobject_collections_update_request.json",
	"task_log_call_request.json", "token_authorization_code.json", "token_authorization_code_openid.json",
	"token_client_credentials.json", "token_jwt_bearer.json", "token_refresh.json",
	"token_refresh_rotated.json", "userinfo.json",
}

// TestExamplesClassified makes sure every example file is either parsed by a test here or
// deliberately listed as not the client's business, so a new example cannot be missed.
func TestExamplesClassified(t *testing.T) {
	entries, err := os.ReadDir(examplesDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 90 {
		t.Fatalf("only %d files in %s; the copy is incomplete", len(entries), examplesDir)
	}
	for _, e := range entries {
		n := e.Name()
		_, isErr := restErrorExamples[n]
		_, isTok := tokenErrorExamples[n]
		if !isErr && !isTok && !slices.Contains(successExamples, n) && !slices.Contains(notParsedByClient, n) {
			t.Errorf("example %s is not classified: add a test for it or list it in notParsedByClient", n)
		}
	}
}

// TestExamplesCopyInSync compares testdata/examples with the shared folder when it exists.
func TestExamplesCopyInSync(t *testing.T) {
	shared := filepath.Join("..", "..", "shared", "salesforce", "examples")
	entries, err := os.ReadDir(shared)
	if err != nil {
		t.Skipf("shared examples not present (%v); using the committed copy", err)
	}
	for _, e := range entries {
		want, _ := os.ReadFile(filepath.Join(shared, e.Name()))
		got, err := os.ReadFile(filepath.Join(examplesDir, e.Name()))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s: copy it again", filepath.Join(examplesDir, e.Name()), shared)
		}
	}
}

func TestExampleRESTErrors(t *testing.T) {
	for name, want := range restErrorExamples {
		t.Run(name, func(t *testing.T) {
			err := ParseError(want.status, example(t, name))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("ParseError = %T %v, want *Error", err, err)
			}
			if e.Code != want.code || e.HTTPStatus != want.status || e.Message == "" {
				t.Errorf("got code %q status %d message %q; want %q %d", e.Code, e.HTTPStatus, e.Message, want.code, want.status)
			}
			if want.fields != nil && !slices.Equal(e.Fields, want.fields) {
				t.Errorf("fields = %q, want %q", e.Fields, want.fields)
			}
			if !IsCode(err, want.code) {
				t.Errorf("IsCode(%q) = false", want.code)
			}
			ex := Explain(err)
			for _, w := range explainWants[name] {
				if !strings.Contains(ex, w) {
					t.Errorf("Explain = %q\nwant it to contain %q", ex, w)
				}
			}
		})
	}
}

func TestExampleTokenErrors(t *testing.T) {
	for name, want := range tokenErrorExamples {
		t.Run(name, func(t *testing.T) {
			err := ParseError(400, example(t, name))
			var te *TokenError
			if !errors.As(err, &te) {
				t.Fatalf("ParseError = %T %v, want *TokenError", err, err)
			}
			if te.Code != want[0] || te.Description != want[1] || te.HTTPStatus != 400 {
				t.Errorf("got %+v, want %q %q", te, want[0], want[1])
			}
			if !IsCode(err, want[0]) || Explain(err) == "" {
				t.Errorf("IsCode/Explain failed for %v", err)
			}
		})
	}
	if ex := Explain(ParseError(400, example(t, "token_error_invalid_grant_expired.json"))); !strings.Contains(ex, "Reconnect") {
		t.Errorf("invalid_grant should tell the user to reconnect: %q", ex)
	}
}

func TestExampleUpsertMultiple(t *testing.T) {
	err := ParseError(300, example(t, "upsert_multiple_300.json"))
	var me *MultipleMatchesError
	if !errors.As(err, &me) {
		t.Fatalf("got %T %v", err, err)
	}
	if want := []string{"0015g00000QxTzAAAV", "0015g00000QxTzBAAV"}; !slices.Equal(me.IDs, want) {
		t.Errorf("IDs = %q, want %q", me.IDs, want)
	}
	if !IsCode(err, CodeMultipleMatches) {
		t.Error("IsCode(MULTIPLE_MATCHES) = false")
	}
}

// TestExampleIDsValid checks the Id functions against every Id in the examples (all are
// documented as valid 18-character Ids).
func TestExampleIDsValid(t *testing.T) {
	entries, _ := os.ReadDir(examplesDir)
	n := 0
	for _, e := range entries {
		for _, m := range reExampleID.FindAllSubmatch(example(t, e.Name()), -1) {
			id := string(m[1])
			n++
			if !ValidID(id) {
				t.Errorf("%s: ValidID(%s) = false", e.Name(), id)
			}
			if got, err := To18(id[:15]); err != nil || got != id {
				t.Errorf("%s: To18(%s) = %q, %v; want %s", e.Name(), id[:15], got, err, id)
			}
		}
	}
	if n < 30 {
		t.Fatalf("found only %d Ids in the examples", n)
	}
}

var reExampleID = regexp.MustCompile(`"(?:Id|id|recordTypeId)":\s*"([0-9A-Za-z]{18})"`)
