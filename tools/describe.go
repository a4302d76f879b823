package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/tidwall/gjson"

	"github.com/sfmcp/sfmcp/policy"
	"github.com/sfmcp/sfmcp/salesforce"
)

type describeArgs struct {
	Object string `json:"object"`
}

func describeObjectTool() Tool {
	return Tool{
		Name:   "describe_object",
		Title:  "Describe an object",
		Access: policy.Read,
		Description: "Without object: list the queryable objects. With object: its fields as CSV " +
			"(name,label,type,req = required on create,upd = updateable,values = picklist values or lookup targets) and child relationships for subqueries.",
		Schema: json.RawMessage(`{"type":"object","properties":{` +
			`"object":{"type":"string","description":"object API name, e.g. Opportunity"}` +
			`},"additionalProperties":false}`),
		Plan: planDescribe,
	}
}

func planDescribe(ctx context.Context, c *Call, raw json.RawMessage) (*Plan, error) {
	args, err := bind[describeArgs](raw)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(args.Object) == "" {
		return &Plan{
			Summary: "List objects",
			Run: func(ctx context.Context) (*mcp.CallToolResult, error) {
				g, err := c.Client.DescribeGlobal(ctx)
				if err != nil {
					return nil, err
				}
				var names []string
				for _, o := range g.SObjects {
					if o.Queryable {
						names = append(names, o.Name)
					}
				}
				list, shown := strings.Join(names, ","), len(names)
				for c.Limits.MaxBytes > 0 && len(list) > c.Limits.MaxBytes && shown > 0 {
					shown = shown * c.Limits.MaxBytes / len(list)
					list = strings.Join(names[:shown], ",")
				}
				head := fmt.Sprintf("%d queryable objects", len(names))
				if shown < len(names) {
					head += fmt.Sprintf(" (first %d shown; the rest are cut by the size limit: describe an object by name)", shown)
				}
				return textResult(head + ":\n" + list), nil
			},
		}, nil
	}
	d, err := describeObject(ctx, c, args.Object)
	if err != nil {
		return nil, err
	}
	return &Plan{
		Objects: []string{d.Name},
		Summary: "Describe " + d.Name,
		Run: func(context.Context) (*mcp.CallToolResult, error) {
			return describeResult(d, c), nil
		},
	}, nil
}

func describeResult(d *salesforce.ObjectDescribe, c *Call) *mcp.CallToolResult {
	t := newTable([]string{"name", "label", "type", "req", "upd", "values"}, Limits{MaxBytes: c.Limits.MaxBytes})
	str := func(s string) gjson.Result { return gjson.Result{Type: gjson.String, Str: s} }
	flag := func(b bool) gjson.Result {
		if b {
			return gjson.Result{Type: gjson.True, Raw: "y"}
		}
		return gjson.Result{Type: gjson.Null}
	}
	shown := 0
	for _, f := range d.Fields {
		if c.Denied(d.Name, f.Name) {
			continue
		}
		typ := f.Type
		if f.Type == "string" || f.Type == "textarea" {
			typ = fmt.Sprintf("%s(%d)", f.Type, f.Length)
		}
		var values string
		switch {
		case len(f.ReferenceTo) > 0:
			values = "->" + strings.Join(f.ReferenceTo, "|")
			if f.RelationshipName != "" {
				values += " via " + f.RelationshipName
			}
		case len(f.PicklistValues) > 0:
			var vs []string
			for _, p := range f.PicklistValues {
				if p.Active {
					vs = append(vs, p.Value)
				}
			}
			values = strings.Join(vs, ";")
		}
		v := gjson.Result{Type: gjson.Null}
		if values != "" {
			v = str(values)
		}
		if !t.add([]gjson.Result{str(f.Name), str(f.Label), str(typ), flag(f.Required()), flag(f.Updateable), v}) {
			break
		}
		shown++
	}
	head := fmt.Sprintf("%s (%s), key prefix %s, %d fields", d.Name, d.Label, d.KeyPrefix, len(d.Fields))
	if shown < len(d.Fields) {
		head += fmt.Sprintf(", %d shown", shown)
	}
	var children []string
	for _, r := range d.ChildRelationships {
		if r.RelationshipName != "" {
			children = append(children, r.RelationshipName+"("+r.ChildSObject+")")
		}
	}
	out := head + "\n" + t.String()
	if len(children) > 0 {
		out += "child relationships: " + strings.Join(children, ",") + "\n"
	}
	return textResult(out)
}
