package tools

import (
	"strings"
	"unicode/utf8"

	"github.com/tidwall/gjson"
)

// Results are plain text: one status line, then CSV (RFC 4180) with the
// column names once and one line per row. It is the most compact shape a
// model reads reliably, and it survives JSON string escaping with almost no
// overhead. A null is an empty cell; an empty string is "".

// table accumulates CSV rows under a byte budget.
type table struct {
	b        []byte
	rows     int
	maxRows  int
	maxBytes int
	full     bool
}

func newTable(cols []string, lim Limits) *table {
	t := &table{maxRows: lim.MaxRows, maxBytes: lim.MaxBytes, b: make([]byte, 0, 4096)}
	for i, c := range cols {
		if i > 0 {
			t.b = append(t.b, ',')
		}
		t.b = appendCell(t.b, c)
	}
	t.b = append(t.b, '\n')
	return t
}

// add appends one row unless it would exceed a limit; it reports whether the
// row was added. Once a row is refused the table is full.
func (t *table) add(cells []gjson.Result) bool {
	if t.full || (t.maxRows > 0 && t.rows >= t.maxRows) {
		t.full = true
		return false
	}
	start := len(t.b)
	for i, c := range cells {
		if i > 0 {
			t.b = append(t.b, ',')
		}
		t.b = appendValue(t.b, c)
	}
	t.b = append(t.b, '\n')
	if t.maxBytes > 0 && len(t.b) > t.maxBytes && t.rows > 0 {
		t.b = t.b[:start]
		t.full = true
		return false
	}
	t.rows++
	return true
}

func (t *table) String() string { return string(t.b) }

// appendValue renders one JSON value as a CSV cell.
func appendValue(b []byte, v gjson.Result) []byte {
	switch v.Type {
	case gjson.Null:
		return b // empty cell
	case gjson.String:
		s := Clean(v.Str)
		if s == "" {
			return append(b, `""`...)
		}
		return appendCell(b, s)
	case gjson.JSON:
		return appendCell(b, compactJSON(v))
	}
	return append(b, v.Raw...)
}

// appendCell appends s, quoted only when CSV needs it.
func appendCell(b []byte, s string) []byte {
	if !strings.ContainsAny(s, ",\"\n\r") && strings.TrimSpace(s) == s {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

// compactJSON renders a nested value (a child subquery result or a compound
// field) without Salesforce's attributes, cleaning strings.
func compactJSON(v gjson.Result) string {
	var b strings.Builder
	writeJSON(&b, v)
	return b.String()
}

func writeJSON(b *strings.Builder, v gjson.Result) {
	switch {
	case v.IsArray():
		b.WriteByte('[')
		i := 0
		v.ForEach(func(_, e gjson.Result) bool {
			if i > 0 {
				b.WriteByte(',')
			}
			i++
			writeJSON(b, e)
			return true
		})
		b.WriteByte(']')
	case v.IsObject():
		if v.Get("records").IsArray() && v.Get("totalSize").Exists() {
			writeJSON(b, v.Get("records"))
			return
		}
		b.WriteByte('{')
		i := 0
		v.ForEach(func(k, e gjson.Result) bool {
			if k.Str == "attributes" {
				return true
			}
			if i > 0 {
				b.WriteByte(',')
			}
			i++
			b.WriteString(jsonString(k.Str))
			b.WriteByte(':')
			writeJSON(b, e)
			return true
		})
		b.WriteByte('}')
	case v.Type == gjson.String:
		b.WriteString(jsonString(Clean(v.Str)))
	default:
		b.WriteString(v.Raw)
	}
}

func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 {
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// Clean strips characters that hide or reorder text: zero-width characters,
// bidirectional controls and other invisible format characters, and control
// characters other than newline and tab. Record text is untrusted input to the
// model; what it reads must be what a person sees.
func Clean(s string) string {
	if printableASCII(s) {
		return s
	}
	clean := true
	for _, r := range s {
		if invisible(r) || r == utf8.RuneError {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if invisible(r) || r == utf8.RuneError {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// printableASCII is the fast path of Clean: most record text is plain ASCII.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x7f || (c < 0x20 && c != '\n' && c != '\t') {
			return false
		}
	}
	return true
}

func invisible(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		return true
	case r == 0xad || r == 0x34f || r == 0x61c || r == 0x180e:
		return true
	case r >= 0x200b && r <= 0x200f: // zero-width space/joiners, LRM, RLM
		return true
	case r >= 0x202a && r <= 0x202e: // bidi embeddings and overrides
		return true
	case r >= 0x2060 && r <= 0x206f: // word joiner, invisible operators, bidi isolates
		return true
	case r == 0xfeff || (r >= 0xfff9 && r <= 0xfffb):
		return true
	case r >= 0xe0000 && r <= 0xe007f: // tag characters
		return true
	}
	return false
}
