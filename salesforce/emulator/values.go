package emulator

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// kv is one key of a JSON request object, in body order.
type kv struct {
	key string
	val any // nil, string, json.Number, bool, map[string]any, []any
}

// decodeObject parses a JSON object keeping key order. Numbers stay json.Number.
func parseBody(body []byte) ([]kv, *apiError) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, errBadJSON("Unexpected character: was expecting a JSON object at [line:1, column:1]")
	}
	var out []kv
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil, errBadJSON("Unexpected character: " + err.Error())
		}
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, errBadJSON("Unexpected character: " + err.Error())
		}
		out = append(out, kv{key: kt.(string), val: v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, errBadJSON("Unexpected end-of-input: expected close marker for OBJECT")
	}
	return out, nil
}

// jsonToken names a decoded JSON value the way Salesforce's parser errors do.
func jsonToken(v any) string {
	switch x := v.(type) {
	case string:
		return "VALUE_STRING"
	case json.Number:
		if strings.ContainsAny(x.String(), ".eE") {
			return "VALUE_NUMBER_FLOAT"
		}
		return "VALUE_NUMBER_INT"
	case bool:
		if x {
			return "VALUE_TRUE"
		}
		return "VALUE_FALSE"
	case map[string]any:
		return "START_OBJECT"
	case []any:
		return "START_ARRAY"
	}
	return "VALUE_NULL"
}

func errDeserialize(typ string, v any) *apiError {
	return errBadJSON(fmt.Sprintf("Cannot deserialize instance of %s from %s value %v or request may be missing a required field", typ, jsonToken(v), v))
}

// Datetime layouts accepted on input; output uses sfDateTime.
const sfDateTime = "2006-01-02T15:04:05.000-0700"

var dateTimeLayouts = []string{
	time.RFC3339Nano, "2006-01-02T15:04:05.000-0700", "2006-01-02T15:04:05-0700",
	"2006-01-02T15:04:05.000Z0700", "2006-01-02T15:04:05", "2006-01-02T15:04:05.000",
}

func parseDateTime(s string) (time.Time, bool) {
	for _, l := range dateTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC().Truncate(time.Millisecond), true
		}
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

func parseDate(s string) (time.Time, bool) {
	if len(s) >= 10 {
		if t, err := time.Parse("2006-01-02", s[:10]); err == nil && (len(s) == 10 || s[10] == 'T') {
			return t, true
		}
	}
	return time.Time{}, false
}

// dateOnly truncates t to its UTC date.
func dateOnly(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// convertInput turns a JSON value into the stored value for f, validating its type,
// length and picklist. Reference existence is checked by the caller.
func convertInput(f *fieldDef, v any) (any, *apiError) {
	if v == nil {
		return nil, nil
	}
	switch f.Type {
	case tBool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
		if s, ok := v.(string); ok && (strings.EqualFold(s, "true") || strings.EqualFold(s, "false")) {
			return strings.EqualFold(s, "true"), nil
		}
		return nil, errDeserialize("boolean", v)
	case tCurrency, tDouble, tPercent, tInt:
		var s string
		switch x := v.(type) {
		case json.Number:
			s = x.String()
		case string:
			s = strings.TrimSpace(x)
		default:
			return nil, errDeserialize("double", v)
		}
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, errDeserialize("double", v)
		}
		if f.Type == tInt && n != float64(int64(n)) {
			return nil, errDeserialize("int", v)
		}
		return n, nil
	case tDate, tDateTime:
		s, ok := v.(string)
		if !ok {
			return nil, errDeserialize(f.Type, v)
		}
		var t time.Time
		if f.Type == tDate {
			t, ok = parseDate(s)
		} else {
			t, ok = parseDateTime(s)
		}
		if !ok {
			return nil, errDeserialize(f.Type, v)
		}
		return t, nil
	}
	s, ok := v.(string)
	if !ok {
		return nil, errDeserialize("string", v)
	}
	switch f.Type {
	case tBase64:
		if _, err := base64.StdEncoding.DecodeString(s); err != nil {
			return nil, errDeserialize("base64", v)
		}
		return s, nil
	case tPicklist, tMulti:
		return checkPicklist(f, s)
	case tEmail:
		if s != "" && (!strings.Contains(s, "@") || strings.ContainsAny(s, " ,;")) {
			return nil, newErr(400, "INVALID_EMAIL_ADDRESS", f.Label+": invalid email address: "+s, f.Name)
		}
	}
	if f.Length > 0 && utf8.RuneCountInString(s) > f.Length {
		return nil, newErr(400, "STRING_TOO_LONG",
			fmt.Sprintf("%s: data value too large: %s (max length=%d)", f.Label, truncate(s, 80), f.Length), f.Name)
	}
	if s == "" {
		return nil, nil // Salesforce stores empty text as null
	}
	return s, nil
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "..."
}

func checkPicklist(f *fieldDef, s string) (any, *apiError) {
	if s == "" {
		return nil, nil
	}
	parts := []string{s}
	if f.Type == tMulti {
		parts = strings.Split(s, ";")
	}
	for i, p := range parts {
		canon := ""
		for _, v := range f.Picklist {
			if strings.EqualFold(v, p) {
				canon = v
			}
		}
		switch {
		case canon != "":
			parts[i] = canon
		case f.Restricted:
			return nil, errRestrictedPicklist(f.Label, f.Name, s)
		}
	}
	return strings.Join(parts, ";"), nil
}

// id15 is the case-sensitive 15-char form used in some messages.
func id15(id string) string {
	if len(id) > 15 {
		return id[:15]
	}
	return id
}
