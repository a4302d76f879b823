package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/sfmcp/sfmcp/policy"
	"github.com/sfmcp/sfmcp/salesforce"
	"github.com/sfmcp/sfmcp/salesforce/soql"
)

type queryArgs struct {
	SOQL           string `json:"soql"`
	Cursor         string `json:"cursor"`
	IncludeDeleted bool   `json:"include_deleted"`
}

func queryRecords() Tool {
	return Tool{
		Name:   "query_records",
		Title:  "Query records (SOQL)",
		Access: policy.Read,
		Description: "Run a read-only SOQL query, e.g. SELECT Id, Name, Owner.Name FROM Account WHERE Industry = 'Energy' LIMIT 50. " +
			"Aggregates (COUNT(), SUM(x) ... GROUP BY) and subqueries work. Returns a status line (total matched, rows returned, cursor) then CSV; " +
			"an empty cell is null. When a cursor is given, pass it back as `cursor` for the next page. Unsure of field names? Call describe_object first.",
		Schema: json.RawMessage(`{"type":"object","properties":{` +
			`"soql":{"type":"string","description":"SOQL SELECT statement"},` +
			`"cursor":{"type":"string","description":"cursor from a previous result; soql is then ignored"},` +
			`"include_deleted":{"type":"boolean","description":"also return records in the Recycle Bin (queryAll)"}` +
			`},"additionalProperties":false}`),
		Plan: planQuery,
	}
}

func planQuery(_ context.Context, c *Call, raw json.RawMessage) (*Plan, error) {
	args, err := bind[queryArgs](raw)
	if err != nil {
		return nil, err
	}
	var cur cursor
	if args.Cursor != "" {
		if cur, err = c.Cursors.decode(args.Cursor, c.Principal); err != nil {
			return nil, err
		}
		if cur.Connection != c.Connection {
			return nil, userErrorf("this cursor belongs to connection %q; call query_records with connection %q", cur.Connection, cur.Connection)
		}
	} else {
		if strings.TrimSpace(args.SOQL) == "" {
			return nil, userErrorf("soql is required, e.g. SELECT Id, Name FROM Account LIMIT 10")
		}
		cur = cursor{Principal: c.Principal, Connection: c.Connection, SOQL: args.SOQL, All: args.IncludeDeleted}
	}
	q, err := soql.Parse(cur.SOQL)
	if err != nil {
		return nil, userErrorf("MALFORMED_QUERY: %s\nFix the SOQL and call again.", strings.TrimSpace(err.Error()))
	}
	return &Plan{
		Objects: q.Objects(),
		Query:   q,
		Summary: "Run SOQL: " + cur.SOQL,
		Run: func(ctx context.Context) (*mcp.CallToolResult, error) {
			return runQuery(ctx, c, cur)
		},
	}, nil
}

func runQuery(ctx context.Context, c *Call, cur cursor) (*mcp.CallToolResult, error) {
	batch := min(max(c.Limits.MaxRows, 200), 2000)
	var (
		res *salesforce.QueryResult
		err error
	)
	if cur.Locator != "" {
		res, err = c.Client.QueryMore(ctx, cur.Locator)
	} else {
		res, err = c.Client.Query(ctx, cur.SOQL, salesforce.QueryOptions{All: cur.All, BatchSize: batch})
	}
	if err != nil {
		return nil, err
	}
	page, skip := cur.Locator, cur.Skip
	// Without a locator, Skip counts rows from the start of the query.
	for skip >= len(res.Records) && skip > 0 && !res.Done {
		skip -= len(res.Records)
		page = res.NextRecordsURL
		if res, err = c.Client.QueryMore(ctx, page); err != nil {
			return nil, err
		}
	}
	records := res.Records
	if skip > len(records) {
		skip = len(records)
	}
	records = records[skip:]
	if len(records) == 0 && skip == 0 {
		if res.TotalSize > 0 {
			// COUNT(): the answer is the total.
			return textResult(fmt.Sprintf("total=%d", res.TotalSize)), nil
		}
		return textResult("total=0 returned=0"), nil
	}
	cols, rows := flatten(records)
	t := newTable(cols, c.Limits)
	n := 0
	for _, row := range rows {
		if !t.add(row) {
			break
		}
		n++
	}
	next := ""
	switch {
	case n < len(records):
		nc := cur
		nc.Locator, nc.Skip = page, skip+n
		next = c.Cursors.encode(nc)
	case !res.Done && res.NextRecordsURL != "":
		nc := cur
		nc.Locator, nc.Skip = res.NextRecordsURL, 0
		next = c.Cursors.encode(nc)
	}
	return textResult(statusLine(res.TotalSize, n, next) + t.String()), nil
}

// statusLine is the first line of every table result.
func statusLine(total, returned int, next string) string {
	s := fmt.Sprintf("total=%d returned=%d", total, returned)
	if next != "" {
		s += " cursor=" + next
	}
	return s + "\n"
}
