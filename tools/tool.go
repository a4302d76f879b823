// Package tools defines sfmcp's MCP tools. Each tool is a small descriptor: its
// name, access level, schema and a Plan function that binds the arguments,
// works out which objects and fields the call touches, and returns the work to
// run. Policy, approval and connections are applied around it by the server;
// a tool never checks a policy, reads a token or picks an instance.
package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/sfmcp/sfmcp/policy"
	"github.com/sfmcp/sfmcp/salesforce"
	"github.com/sfmcp/sfmcp/salesforce/soql"
)

// Tool is one MCP tool.
type Tool struct {
	Name        string
	Title       string
	Description string
	Access      policy.Access
	// Schema is the JSON Schema of the arguments (strict: unknown keys rejected).
	Schema json.RawMessage
	// Plan binds raw arguments against the org and returns what the call will
	// do. A *UserError means the arguments are wrong; the model can fix them.
	Plan func(ctx context.Context, c *Call, raw json.RawMessage) (*Plan, error)
}

// Call is what a tool sees of the world for one call: the Salesforce client of
// the connection resolved for the caller, the output limits and the field
// deny list.
type Call struct {
	// Principal and Connection say who calls and on which connection; they
	// bind cursors to their owner.
	Principal  string
	Connection string
	Client     *salesforce.Client
	Limits     Limits
	Denied     func(object, field string) bool
	Cursors    *CursorCodec
}

// Limits bound every result.
type Limits struct {
	MaxRows  int
	MaxBytes int
}

// Plan is a bound call: what it touches (for policy) and how to run it.
type Plan struct {
	// Objects are the sObjects the call touches, for policy.Decide.
	Objects []string
	// Query is set when the call runs SOQL, so the deny list can be checked
	// through relationships and subqueries.
	Query *soql.Query
	// Writes lists fields written, per object, checked against the deny list.
	Writes map[string][]string
	// Summary says exactly what will happen, for the approval prompt.
	Summary string
	// Preview, when set, runs after policy allowed the call and before the
	// approval prompt; it reads what the prompt should show (current values,
	// the record's name) and returns the summary to use instead of Summary.
	Preview func(ctx context.Context) (string, error)
	// Run does the work.
	Run func(ctx context.Context) (*mcp.CallToolResult, error)
}

// UserError is a problem with the arguments that the model can fix.
type UserError struct{ Msg string }

func (e *UserError) Error() string { return e.Msg }

// userErrorf returns a *UserError.
func userErrorf(format string, args ...any) error {
	return &UserError{Msg: fmt.Sprintf(format, args...)}
}

// MCP returns the mcp.Tool with annotations computed from Access.
func (t Tool) MCP() mcp.Tool {
	readOnly := t.Access == policy.Read
	destructive := t.Access == policy.Delete
	// Deleting the same record twice fails the second time but changes
	// nothing more; updating with the same values is idempotent.
	idempotent := t.Access != policy.Write || t.Name == "update_record"
	openWorld := true
	return mcp.Tool{
		Name:           t.Name,
		Description:    t.Description,
		RawInputSchema: t.Schema,
		Annotations: mcp.ToolAnnotation{
			Title:           t.Title,
			ReadOnlyHint:    &readOnly,
			DestructiveHint: &destructive,
			IdempotentHint:  &idempotent,
			OpenWorldHint:   &openWorld,
		},
	}
}

// bind decodes raw arguments into a typed struct, rejecting unknown keys.
func bind[A any](raw json.RawMessage) (A, error) {
	var args A
	if len(bytes.TrimSpace(raw)) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		raw = json.RawMessage("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&args); err != nil {
		return args, userErrorf("invalid arguments: %s", describeJSONError(err))
	}
	return args, nil
}

func describeJSONError(err error) string {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return fmt.Sprintf("%q must be %s, not %s", typeErr.Field, jsonKind(typeErr.Type.Kind().String()), typeErr.Value)
	}
	msg := err.Error()
	if strings.HasPrefix(msg, "json: unknown field ") {
		return "unknown argument " + strings.TrimPrefix(msg, "json: unknown field ") + "; see the tool's input schema"
	}
	return strings.TrimPrefix(msg, "json: ")
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "int", "int64", "int32", "float64":
		return "a number"
	case "bool":
		return "true or false"
	case "map", "struct":
		return "an object"
	case "slice":
		return "an array"
	}
	return goKind
}

// textResult is a successful result with one text block.
func textResult(text string) *mcp.CallToolResult {
	return &mcp.CallToolResult{Content: []mcp.Content{mcp.TextContent{Type: "text", Text: text}}}
}

// ErrorResult is an isError result with a message that says what to do next.
// Messages can quote record values (validation rules, duplicates), so they are
// cleaned like record text.
func ErrorResult(msg string) *mcp.CallToolResult {
	r := textResult(Clean(msg))
	r.IsError = true
	return r
}

// Failure turns an error from a plan or a run into a tool result: Salesforce
// errors and user errors become isError results the model can act on.
func Failure(err error) *mcp.CallToolResult {
	var ue *UserError
	if errors.As(err, &ue) {
		return ErrorResult(ue.Msg)
	}
	return ErrorResult(salesforce.Explain(err))
}
