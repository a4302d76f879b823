package tools

import (
	"strings"

	"github.com/tidwall/gjson"
)

// flatten turns records into columns and rows in one pass over each record.
// Column names come from the records themselves, so they keep Salesforce's
// spelling whatever case the query used: scalar fields by name, parent
// relationships flattened to dotted paths (Owner.Name), child subqueries as
// one column holding their rows. A parent that is null in every row stays one
// column; a cell under a null parent is null.
func flatten(records []gjson.Result) (cols []string, rows [][]gjson.Result) {
	f := flattener{index: map[string]int{}, parents: map[string]bool{}}
	rows = make([][]gjson.Result, len(records))
	for i, r := range records {
		f.row = f.row[:0]
		f.walk("", r)
		rows[i] = append([]gjson.Result(nil), f.row...)
	}
	keep := make([]int, 0, len(f.cols))
	for i, c := range f.cols {
		if !f.parents[c] { // a null that turned out to be a parent
			keep = append(keep, i)
			cols = append(cols, c)
		}
	}
	if len(keep) == len(f.cols) {
		for i, row := range rows {
			rows[i] = append(row, make([]gjson.Result, len(cols)-len(row))...)
		}
		return cols, rows
	}
	for i, row := range rows {
		out := make([]gjson.Result, len(keep))
		for j, k := range keep {
			if k < len(row) {
				out[j] = row[k]
			}
		}
		rows[i] = out
	}
	return cols, rows
}

type flattener struct {
	cols    []string
	index   map[string]int
	parents map[string]bool // names seen as parent relationships
	row     []gjson.Result
}

func (f *flattener) set(name string, v gjson.Result) {
	i, ok := f.index[name]
	if !ok {
		i = len(f.cols)
		f.index[name] = i
		f.cols = append(f.cols, name)
	}
	for len(f.row) <= i {
		f.row = append(f.row, gjson.Result{})
	}
	f.row[i] = v
}

func (f *flattener) walk(prefix string, rec gjson.Result) {
	rec.ForEach(func(k, v gjson.Result) bool {
		if k.Str == "attributes" {
			return true
		}
		name := prefix + k.Str
		switch {
		case isRecord(v):
			f.parents[name] = true
			f.walk(name+".", v)
		case v.Type == gjson.Null && f.parents[name]:
			// a null parent: its sub-columns stay null in this row
		default:
			f.set(name, v)
		}
		return true
	})
}

// isRecord reports whether v is a nested record (a parent relationship):
// Salesforce writes its attributes first.
func isRecord(v gjson.Result) bool {
	if !v.IsObject() {
		return false
	}
	raw := strings.TrimLeft(v.Raw[1:], " \t\r\n")
	return strings.HasPrefix(raw, `"attributes"`) || v.Get("attributes").Exists()
}
