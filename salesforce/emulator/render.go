package emulator

import (
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string literal.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendNumber appends a float; integral values of non-int fields get a ".0" like
// Salesforce (23.0).
func appendNumber(b []byte, v float64, integer bool) []byte {
	if integer || math.IsInf(v, 0) || math.IsNaN(v) {
		return strconv.AppendInt(b, int64(v), 10)
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		b = strconv.AppendFloat(b, v, 'f', -1, 64)
		return append(b, '.', '0')
	}
	return strconv.AppendFloat(b, v, 'f', -1, 64)
}

// appendValue appends a stored value of field f in the wire format. rec and base are
// needed for base64 fields, which are rendered as the URL of the blob.
func appendValue(b []byte, f *fieldDef, v any, rec *record, base string) []byte {
	if v == nil {
		return append(b, "null"...)
	}
	switch x := v.(type) {
	case string:
		if f != nil && f.Type == tBase64 && rec != nil {
			return appendJSONString(b, base+"/sobjects/"+rec.obj.Name+"/"+rec.ID+"/"+f.Name)
		}
		return appendJSONString(b, x)
	case float64:
		return appendNumber(b, x, f != nil && f.Type == tInt)
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case bool:
		return strconv.AppendBool(b, x)
	case time.Time:
		b = append(b, '"')
		if f != nil && f.Type == tDate {
			b = x.UTC().AppendFormat(b, "2006-01-02")
		} else {
			b = x.UTC().AppendFormat(b, sfDateTime)
		}
		return append(b, '"')
	}
	return append(b, "null"...)
}

// appendAttrs appends "attributes":{"type":typ,"url":...} (no url when id is "").
func appendAttrs(b []byte, typ, objName, id, base string) []byte {
	b = append(b, `"attributes":{"type":`...)
	b = appendJSONString(b, typ)
	if id != "" {
		b = append(b, `,"url":`...)
		b = appendJSONString(b, base+"/sobjects/"+objName+"/"+id)
	}
	return append(b, '}')
}

// appendRecord renders rec with the given fields (all readable fields when nil).
func appendRecord(b []byte, u *User, rec *record, fields []*fieldDef, base string, idLast bool) []byte {
	b = append(b, '{')
	b = appendAttrs(b, rec.obj.Name, rec.obj.Name, rec.ID, base)
	hasID := false
	for _, f := range fields {
		if !visibleField(u, f) {
			continue
		}
		hasID = hasID || f.Type == tID
		b = append(b, ',')
		b = appendJSONString(b, f.Name)
		b = append(b, ':')
		b = appendValue(b, f, rec.vals[f.idx], rec, base)
	}
	if idLast && !hasID {
		b = append(b, `,"Id":`...)
		b = appendJSONString(b, rec.ID)
	}
	return append(b, '}')
}
