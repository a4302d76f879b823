package tools

import (
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

func TestClean(t *testing.T) {
	tests := map[string]string{
		"plain":                      "plain",
		"a\u200bb":                   "ab",
		"evil\u202egnp.exe":          "evilgnp.exe",
		"x\u2066y\u2069":             "xy",
		"line1\nline2\tend":          "line1\nline2\tend",
		"bell\a and nul\x00":         "bell and nul",
		"Zoë, 東京":                    "Zoë, 東京",
		"\ufeffBOM":                  "BOM",
		"tag\U000E0041s":             "tags",
		"soft\u00adhyphen":           "softhyphen",
		"rlm\u200f lrm\u200e joiner": "rlm lrm joiner",
	}
	for in, want := range tests {
		if got := Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTableCSV(t *testing.T) {
	recs := gjson.Parse(`[
		{"attributes":{"type":"Account"},"Id":"001","Name":"Acme, \"Inc\"","Owner":{"attributes":{"type":"User"},"Name":"Al"},"AnnualRevenue":12.5,"Desc":"two\nlines","Empty":"","Gone":null},
		{"attributes":{"type":"Account"},"Id":"002","Name":"B\u200bcorp","Owner":null,"AnnualRevenue":null,"Desc":" pad","Empty":"x","Gone":null}
	]`).Array()
	cols, rows := flatten(recs)
	if got := strings.Join(cols, ","); got != "Id,Name,Owner.Name,AnnualRevenue,Desc,Empty,Gone" {
		t.Fatalf("columns = %s", got)
	}
	tb := newTable(cols, Limits{})
	for _, r := range rows {
		tb.add(r)
	}
	want := "Id,Name,Owner.Name,AnnualRevenue,Desc,Empty,Gone\n" +
		"001,\"Acme, \"\"Inc\"\"\",Al,12.5,\"two\nlines\",\"\",\n" +
		"002,Bcorp,,,\" pad\",x,\n"
	if tb.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", tb.String(), want)
	}
}

func TestTableLimits(t *testing.T) {
	row := []gjson.Result{{Type: gjson.String, Str: strings.Repeat("x", 90)}}
	tb := newTable([]string{"c"}, Limits{MaxRows: 5, MaxBytes: 1000})
	n := 0
	for tb.add(row) {
		n++
	}
	if n != 5 {
		t.Errorf("row limit: added %d rows, want 5", n)
	}
	tb = newTable([]string{"c"}, Limits{MaxRows: 100, MaxBytes: 500})
	n = 0
	for tb.add(row) {
		n++
	}
	if n != 5 || len(tb.String()) > 500 {
		t.Errorf("byte limit: added %d rows in %d bytes, want 5 rows within 500", n, len(tb.String()))
	}
}

func TestColumnsNullParentFirst(t *testing.T) {
	recs := gjson.Parse(`[
		{"attributes":{},"Id":"1","Account":null},
		{"attributes":{},"Id":"2","Account":{"attributes":{},"Name":"A"}}
	]`).Array()
	cols, rows := flatten(recs)
	if got := strings.Join(cols, ","); got != "Id,Account.Name" {
		t.Errorf("columns = %s, want Id,Account.Name", got)
	}
	if rows[0][1].Exists() || rows[1][1].Str != "A" {
		t.Errorf("cells under a null parent must be null: %v", rows)
	}
}
