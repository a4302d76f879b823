package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/tidwall/gjson"

	"github.com/sfmcp/sfmcp/config"
	"github.com/sfmcp/sfmcp/salesforce"
	"github.com/sfmcp/sfmcp/tools"
)

// Budgets from the issue: the tool list is context every conversation pays
// for, and a 200-row result must cost little more than the same rows as CSV.
const (
	maxToolListBytes = 6 * 1024
	maxCSVRatio      = 1.15
	benchSOQL        = "SELECT Id, Name, Industry, AnnualRevenue, Owner.Name FROM Account LIMIT 200"
)

func TestToolListSize(t *testing.T) {
	e := newEnv(t, config.Policy{}, tools.Limits{})
	c := e.client(t, nil)
	list, err := c.ListTools(asTester, mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(list)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("tools/list result: %d bytes for %d tools", len(b), len(list.Tools))
	if len(b) > maxToolListBytes {
		t.Errorf("tools/list is %d bytes, budget %d", len(b), maxToolListBytes)
	}
}

// queryResultAndCSV returns the serialized tools/call result of benchSOQL and
// the same rows written as CSV.
func queryResultAndCSV(t testing.TB, e *env) (result []byte, csvText []byte, rows [][]string) {
	t.Helper()
	c := e.client(t, nil)
	req := mcp.CallToolRequest{}
	req.Params.Name = "query_records"
	req.Params.Arguments = map[string]any{"soql": benchSOQL}
	res, err := c.CallTool(asTester, req)
	if err != nil || res.IsError {
		t.Fatalf("query: %v %+v", err, res)
	}
	result, err = json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	qr, err := e.sf.Query(context.Background(), benchSOQL, salesforce.QueryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	cols := []string{"Id", "Name", "Industry", "AnnualRevenue", "Owner.Name"}
	_ = w.Write(cols)
	for _, r := range qr.Records {
		row := make([]string, len(cols))
		for i, col := range cols {
			v := r.Get(col)
			switch v.Type {
			case gjson.Null:
			case gjson.String:
				row[i] = tools.Clean(v.Str)
			default:
				row[i] = v.Raw
			}
		}
		rows = append(rows, row)
		_ = w.Write(row)
	}
	w.Flush()
	return result, buf.Bytes(), rows
}

func TestQueryResultVersusCSV(t *testing.T) {
	e := newEnv(t, config.Policy{}, tools.Limits{MaxRows: 200, MaxBytes: 64 * 1024}, withRecords(5000))
	result, csvText, rows := queryResultAndCSV(t, e)
	if len(rows) != 200 {
		t.Fatalf("the org must have 200 accounts for this check, got %d", len(rows))
	}
	ratio := float64(len(result)) / float64(len(csvText))
	t.Logf("200-row result: %d bytes; same rows as CSV: %d bytes; ratio %.3f", len(result), len(csvText), ratio)
	if ratio > maxCSVRatio {
		t.Errorf("result is %.3f× the CSV, budget %.2f×", ratio, maxCSVRatio)
	}
	var res struct {
		Content []struct{ Text string } `json:"content"`
	}
	if err := json.Unmarshal(result, &res); err != nil {
		t.Fatal(err)
	}
	text := res.Content[0].Text
	body := text[strings.IndexByte(text, '\n')+1:]
	got, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("result is not CSV: %v", err)
	}
	if len(got) != 201 {
		t.Fatalf("result has %d CSV lines, want header + 200", len(got))
	}
	for i, row := range rows {
		for j, v := range row {
			g := got[i+1][j]
			if v == "" && g == "" {
				continue
			}
			if g != v {
				t.Fatalf("row %d col %d: result %q, API %q", i, j, g, v)
			}
		}
	}
}
