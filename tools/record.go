package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/tidwall/gjson"

	"github.com/sfmcp/sfmcp/policy"
	"github.com/sfmcp/sfmcp/salesforce"
)

type getArgs struct {
	ID     string   `json:"id"`
	Fields []string `json:"fields"`
}

func getRecord() Tool {
	return Tool{
		Name:   "get_record",
		Title:  "Get a record",
		Access: policy.Read,
		Description: "Read one record by its 15- or 18-character Id (the object is inferred from the Id). " +
			"Without fields, returns every non-empty field. Returns field,value lines.",
		Schema: json.RawMessage(`{"type":"object","properties":{` +
			`"id":{"type":"string","description":"record Id"},` +
			`"fields":{"type":"array","items":{"type":"string"},"description":"field API names, e.g. [\"Name\",\"Owner.Name\"]"}` +
			`},"required":["id"],"additionalProperties":false}`),
		Plan: planGet,
	}
}

func planGet(ctx context.Context, c *Call, raw json.RawMessage) (*Plan, error) {
	args, err := bind[getArgs](raw)
	if err != nil {
		return nil, err
	}
	object, id, err := objectForID(ctx, c, args.ID)
	if err != nil {
		return nil, err
	}
	d, err := c.Client.Describe(ctx, object)
	if err != nil {
		return nil, err
	}
	fields, hidden := args.Fields, []string(nil)
	for _, f := range fields {
		if !strings.Contains(f, ".") {
			if _, ok := d.Field(f); !ok {
				return nil, unknownField(object, f)
			}
		}
	}
	if len(fields) == 0 {
		for _, f := range d.Fields {
			if c.Denied(object, f.Name) {
				hidden = append(hidden, f.Name)
				continue
			}
			fields = append(fields, f.Name)
		}
	}
	return &Plan{
		Objects: []string{object},
		Query:   readQuery(object, fields),
		Summary: fmt.Sprintf("Read %s %s", object, id),
		Run: func(ctx context.Context) (*mcp.CallToolResult, error) {
			rec, err := c.Client.Get(ctx, object, id, fields)
			if err != nil {
				return nil, err
			}
			return recordResult(object, id, rec, len(args.Fields) == 0, hidden, c.Limits), nil
		},
	}, nil
}

// recordResult renders one record as field,value lines.
func recordResult(object, id string, rec gjson.Result, skipNulls bool, hidden []string, lim Limits) *mcp.CallToolResult {
	t := newTable([]string{"field", "value"}, Limits{MaxBytes: lim.MaxBytes})
	n, omitted := 0, 0
	var buf []gjson.Result
	cols, rows := flatten([]gjson.Result{rec})
	for i, col := range cols {
		v := rows[0][i]
		if skipNulls && (v.Type == gjson.Null || (v.Type == gjson.String && v.Str == "")) {
			continue
		}
		name := gjson.Result{Type: gjson.String, Str: col}
		if !t.add(append(buf[:0], name, v)) {
			omitted++
			continue
		}
		n++
	}
	head := fmt.Sprintf("%s %s", object, id)
	if omitted > 0 {
		head += fmt.Sprintf(" (%d more fields cut by the size limit: ask for specific fields)", omitted)
	}
	if len(hidden) > 0 {
		head += " (withheld by policy: " + strings.Join(hidden, ",") + ")"
	}
	return textResult(head + "\n" + t.String())
}

type createArgs struct {
	Object string         `json:"object"`
	Fields map[string]any `json:"fields"`
}

func createRecord() Tool {
	return Tool{
		Name:        "create_record",
		Title:       "Create a record",
		Access:      policy.Write,
		Description: "Create one record and return its Id. fields maps field API names to values (dates YYYY-MM-DD, datetimes ISO 8601, lookups as Ids).",
		Schema: json.RawMessage(`{"type":"object","properties":{` +
			`"object":{"type":"string","description":"object API name, e.g. Contact"},` +
			`"fields":{"type":"object","description":"field API name -> value"}` +
			`},"required":["object","fields"],"additionalProperties":false}`),
		Plan: planCreate,
	}
}

func planCreate(ctx context.Context, c *Call, raw json.RawMessage) (*Plan, error) {
	args, err := bind[createArgs](raw)
	if err != nil {
		return nil, err
	}
	d, err := describeObject(ctx, c, args.Object)
	if err != nil {
		return nil, err
	}
	if !d.Createable {
		return nil, userErrorf("%s records cannot be created through the API", d.Name)
	}
	names, err := checkWritable(d, args.Fields, func(f salesforce.Field) bool { return f.Createable })
	if err != nil {
		return nil, err
	}
	var missing []string
	for _, f := range d.Fields {
		if f.Required() {
			if _, ok := lookupKey(args.Fields, f.Name); !ok {
				missing = append(missing, f.Name)
			}
		}
	}
	if len(missing) > 0 {
		return nil, userErrorf("missing required fields for %s: %s; add them to fields", d.Name, strings.Join(missing, ", "))
	}
	return &Plan{
		Objects: []string{d.Name},
		Writes:  map[string][]string{d.Name: names},
		Summary: fmt.Sprintf("Create %s with %s", d.Name, describeValues(args.Fields)),
		Run: func(ctx context.Context) (*mcp.CallToolResult, error) {
			id, err := c.Client.Create(ctx, d.Name, args.Fields)
			if err != nil {
				return nil, err
			}
			return textResult(fmt.Sprintf("created %s %s", d.Name, id)), nil
		},
	}, nil
}

type updateArgs struct {
	ID     string         `json:"id"`
	Fields map[string]any `json:"fields"`
}

func updateRecord() Tool {
	return Tool{
		Name:        "update_record",
		Title:       "Update a record",
		Access:      policy.Write,
		Description: "Update fields of one record by Id. Returns field,before,after for the fields that changed. Set a field to null to clear it.",
		Schema: json.RawMessage(`{"type":"object","properties":{` +
			`"id":{"type":"string","description":"record Id"},` +
			`"fields":{"type":"object","description":"field API name -> new value"}` +
			`},"required":["id","fields"],"additionalProperties":false}`),
		Plan: planUpdate,
	}
}

func planUpdate(ctx context.Context, c *Call, raw json.RawMessage) (*Plan, error) {
	args, err := bind[updateArgs](raw)
	if err != nil {
		return nil, err
	}
	if len(args.Fields) == 0 {
		return nil, userErrorf("fields is empty: give at least one field to change, e.g. {\"StageName\": \"Closed Won\"}")
	}
	object, id, err := objectForID(ctx, c, args.ID)
	if err != nil {
		return nil, err
	}
	d, err := c.Client.Describe(ctx, object)
	if err != nil {
		return nil, err
	}
	names, err := checkWritable(d, args.Fields, func(f salesforce.Field) bool { return f.Updateable })
	if err != nil {
		return nil, err
	}
	var before gjson.Result
	read := func(ctx context.Context) (gjson.Result, error) {
		return c.Client.Get(ctx, object, id, names)
	}
	return &Plan{
		Objects: []string{object},
		Writes:  map[string][]string{object: names},
		Summary: fmt.Sprintf("Update %s %s: %s", object, id, describeValues(args.Fields)),
		Preview: func(ctx context.Context) (string, error) {
			if before, err = read(ctx); err != nil {
				return "", err
			}
			var parts []string
			for _, n := range names {
				parts = append(parts, fmt.Sprintf("%s: %s → %s", n, showValue(before.Get(n)), showAny(args.Fields[n])))
			}
			return fmt.Sprintf("Update %s %s: %s", object, id, strings.Join(parts, "; ")), nil
		},
		Run: func(ctx context.Context) (*mcp.CallToolResult, error) {
			if !before.Exists() {
				if before, err = read(ctx); err != nil {
					return nil, err
				}
			}
			if err := c.Client.Update(ctx, object, id, args.Fields); err != nil {
				return nil, err
			}
			after, err := read(ctx)
			if err != nil {
				return textResult(fmt.Sprintf("updated %s %s (could not read it back: %s)", object, id, salesforce.Explain(err))), nil
			}
			t := newTable([]string{"field", "before", "after"}, Limits{MaxBytes: c.Limits.MaxBytes})
			changed := 0
			for _, n := range names {
				b, a := before.Get(n), after.Get(n)
				if b.Raw == a.Raw {
					continue
				}
				t.add([]gjson.Result{{Type: gjson.String, Str: n}, b, a})
				changed++
			}
			return textResult(fmt.Sprintf("updated %s %s, %d fields changed\n%s", object, id, changed, t.String())), nil
		},
	}, nil
}

type deleteArgs struct {
	ID string `json:"id"`
}

func deleteRecord() Tool {
	return Tool{
		Name:        "delete_record",
		Title:       "Delete a record",
		Access:      policy.Delete,
		Description: "Delete one record by Id. It goes to the Recycle Bin, where an admin or the owner can restore it.",
		Schema: json.RawMessage(`{"type":"object","properties":{` +
			`"id":{"type":"string","description":"record Id"}` +
			`},"required":["id"],"additionalProperties":false}`),
		Plan: planDelete,
	}
}

func planDelete(ctx context.Context, c *Call, raw json.RawMessage) (*Plan, error) {
	args, err := bind[deleteArgs](raw)
	if err != nil {
		return nil, err
	}
	object, id, err := objectForID(ctx, c, args.ID)
	if err != nil {
		return nil, err
	}
	return &Plan{
		Objects: []string{object},
		Summary: fmt.Sprintf("Delete %s %s", object, id),
		Preview: func(ctx context.Context) (string, error) {
			name := nameOf(ctx, c, object, id)
			return fmt.Sprintf("Delete %s %s%s (to the Recycle Bin)", object, id, name), nil
		},
		Run: func(ctx context.Context) (*mcp.CallToolResult, error) {
			if err := c.Client.Delete(ctx, object, id); err != nil {
				return nil, err
			}
			return textResult(fmt.Sprintf("deleted %s %s (in the Recycle Bin; restore it there if this was a mistake)", object, id)), nil
		},
	}, nil
}

// nameOf returns ` "Record Name"` for a record, or "" when it has no name
// field or cannot be read; it is only decoration for a prompt.
func nameOf(ctx context.Context, c *Call, object, id string) string {
	d, err := c.Client.Describe(ctx, object)
	if err != nil {
		return ""
	}
	for _, f := range d.Fields {
		if f.NameField && !c.Denied(object, f.Name) {
			rec, err := c.Client.Get(ctx, object, id, []string{f.Name})
			if err != nil || rec.Get(f.Name).Str == "" {
				return ""
			}
			return fmt.Sprintf(" %q", Clean(rec.Get(f.Name).Str))
		}
	}
	return ""
}

// checkWritable validates field names against the describe and returns them
// in Salesforce's spelling, sorted.
func checkWritable(d *salesforce.ObjectDescribe, values map[string]any, ok func(salesforce.Field) bool) ([]string, error) {
	names := make([]string, 0, len(values))
	for k, v := range values {
		f, found := d.Field(k)
		if !found {
			return nil, unknownField(d.Name, k)
		}
		if !ok(f) {
			return nil, userErrorf("%s.%s is read-only for you (calculated, system or protected by field security); leave it out", d.Name, f.Name)
		}
		if f.Name != k {
			delete(values, k)
			values[f.Name] = v
		}
		names = append(names, f.Name)
	}
	sort.Strings(names)
	return names, nil
}

func lookupKey(m map[string]any, name string) (any, bool) {
	for k, v := range m {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}

func describeValues(m map[string]any) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + " = " + showAny(m[k])
	}
	return strings.Join(parts, ", ")
}

func showAny(v any) string {
	if v == nil {
		return "null"
	}
	b, _ := json.Marshal(v)
	return Clean(string(b))
}

func showValue(v gjson.Result) string {
	if !v.Exists() || v.Type == gjson.Null {
		return "null"
	}
	if v.Type == gjson.String {
		return showAny(v.Str)
	}
	return v.Raw
}
