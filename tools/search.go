package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/tidwall/gjson"

	"github.com/sfmcp/sfmcp/policy"
	"github.com/sfmcp/sfmcp/salesforce"
)

type searchArgs struct {
	Text    string   `json:"text"`
	Objects []string `json:"objects"`
	Limit   int      `json:"limit"`
}

// searchDefaults are the objects searched when none are named, with the
// fields returned for each.
var searchDefaults = []struct {
	object string
	fields []string
}{
	{"Account", []string{"Id", "Name", "Industry", "BillingCity"}},
	{"Contact", []string{"Id", "Name", "Email", "Title", "AccountId"}},
	{"Lead", []string{"Id", "Name", "Company", "Email", "Status"}},
	{"Opportunity", []string{"Id", "Name", "StageName", "Amount", "CloseDate"}},
	{"Case", []string{"Id", "CaseNumber", "Subject", "Status"}},
}

func searchRecords() Tool {
	return Tool{
		Name:   "search_records",
		Title:  "Search records (SOSL)",
		Access: policy.Read,
		Description: "Free-text search across objects, e.g. text \"Acme\" finds accounts, contacts, leads, opportunities and cases mentioning it. " +
			"All words of 2+ characters must match. Returns CSV per object.",
		Schema: json.RawMessage(`{"type":"object","properties":{` +
			`"text":{"type":"string","description":"words to find"},` +
			`"objects":{"type":"array","items":{"type":"string"},"description":"objects to search (default Account, Contact, Lead, Opportunity, Case)"},` +
			`"limit":{"type":"integer","minimum":1,"maximum":200,"description":"max records (default 20)"}` +
			`},"required":["text"],"additionalProperties":false}`),
		Plan: planSearch,
	}
}

func planSearch(ctx context.Context, c *Call, raw json.RawMessage) (*Plan, error) {
	args, err := bind[searchArgs](raw)
	if err != nil {
		return nil, err
	}
	// Salesforce refuses one-character terms; they add nothing to a search.
	var words []string
	for _, w := range strings.Fields(args.Text) {
		if utf8.RuneCountInString(w) >= 2 {
			words = append(words, w)
		}
	}
	if len(words) == 0 {
		return nil, userErrorf("text needs at least one word of 2 or more characters")
	}
	text := strings.Join(words, " ")
	limit := args.Limit
	switch {
	case limit == 0:
		limit = 20
	case limit < 0 || limit > 200:
		return nil, userErrorf("limit must be between 1 and 200")
	}
	if c.Limits.MaxRows > 0 {
		limit = min(limit, c.Limits.MaxRows)
	}
	type target struct {
		object string
		fields []string
	}
	var targets []target
	if len(args.Objects) == 0 {
		for _, d := range searchDefaults {
			targets = append(targets, target{d.object, d.fields})
		}
	} else {
		for _, name := range args.Objects {
			d, err := describeObject(ctx, c, name)
			if err != nil {
				return nil, err
			}
			fields := []string{"Id"}
			for _, f := range d.Fields {
				if f.NameField {
					fields = append(fields, f.Name)
				}
			}
			targets = append(targets, target{d.Name, fields})
		}
	}
	var objects, returning []string
	for _, t := range targets {
		var keep []string
		for _, f := range t.fields {
			if !c.Denied(t.object, f) {
				keep = append(keep, f)
			}
		}
		objects = append(objects, t.object)
		returning = append(returning, fmt.Sprintf("%s(%s)", t.object, strings.Join(keep, ", ")))
	}
	sosl := fmt.Sprintf("FIND {%s} IN ALL FIELDS RETURNING %s LIMIT %d",
		salesforce.EscapeSOSL(text), strings.Join(returning, ", "), limit)
	return &Plan{
		Objects: objects,
		Summary: "Search for " + text,
		Run: func(ctx context.Context) (*mcp.CallToolResult, error) {
			recs, err := c.Client.Search(ctx, sosl)
			if err != nil {
				return nil, err
			}
			return searchResult(recs, objects, c.Limits), nil
		},
	}, nil
}

// searchResult groups records by object: "# Object" then CSV.
func searchResult(recs []gjson.Result, objects []string, lim Limits) *mcp.CallToolResult {
	byType := map[string][]gjson.Result{}
	for _, r := range recs {
		typ := r.Get("attributes.type").Str
		byType[typ] = append(byType[typ], r)
	}
	var b strings.Builder
	returned := 0
	budget := lim.MaxBytes
	for _, obj := range objects {
		rs := byType[obj]
		if len(rs) == 0 {
			continue
		}
		cols, rows := flatten(rs)
		t := newTable(cols, Limits{MaxBytes: max(budget-b.Len(), 1)})
		for _, r := range rows {
			if !t.add(r) {
				break
			}
			returned++
		}
		b.WriteString("# " + obj + "\n" + t.String())
	}
	return textResult(statusLine(len(recs), returned, "") + b.String())
}
