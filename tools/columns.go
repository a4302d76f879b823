package tools

import (
	"strings"

	"github.com/tidwall/gjson"
)

// columns derives the column names of a set of records from the records
// themselves, so that names keep Salesforce's spelling whatever case the query
// used: scalar fields by name, parent relationships flattened to dotted paths
// (Owner.Name), child subqueries as one column holding their rows. A parent
// that is null in every row stays one column.
func columns(records []gjson.Result) []string {
	var cols []string
	index := map[string]int{}
	nullParent := map[string]bool{}
	add := func(name string) {
		if _, ok := index[name]; !ok {
			index[name] = len(cols)
			cols = append(cols, name)
		}
	}
	var walk func(prefix string, rec gjson.Result)
	walk = func(prefix string, rec gjson.Result) {
		rec.ForEach(func(k, v gjson.Result) bool {
			if k.Str == "attributes" {
				return true
			}
			name := prefix + k.Str
			switch {
			case v.IsObject() && v.Get("attributes").Exists():
				if i, ok := index[name]; ok && nullParent[name] {
					// A null seen earlier was a parent: give its place to the
					// first sub-column and drop it.
					delete(index, name)
					delete(nullParent, name)
					cols[i] = ""
				}
				walk(name+".", v)
			case v.Type == gjson.Null:
				if !hasPrefixCol(index, name+".") {
					if _, ok := index[name]; !ok {
						nullParent[name] = true
					}
					add(name)
				}
			default:
				add(name)
			}
			return true
		})
	}
	for _, r := range records {
		walk("", r)
	}
	out := cols[:0]
	for _, c := range cols {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}

func hasPrefixCol(index map[string]int, prefix string) bool {
	for k := range index {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

// cells picks the values of cols from one record. A path through a null parent
// gives null.
func cells(rec gjson.Result, cols []string, buf []gjson.Result) []gjson.Result {
	buf = buf[:0]
	for _, c := range cols {
		buf = append(buf, rec.Get(c))
	}
	return buf
}
