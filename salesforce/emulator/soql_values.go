package emulator

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// compareValues orders two non-nil values of the same kind. Strings compare
// case-insensitively when fold is set (Salesforce text semantics).
func compareValues(a, b any, fold bool) int {
	switch x := a.(type) {
	case string:
		y, _ := b.(string)
		if fold {
			return cmpFold(x, y)
		}
		return strings.Compare(x, y)
	case float64:
		y, _ := b.(float64)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case bool:
		y, _ := b.(bool)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	case time.Time:
		y, _ := b.(time.Time)
		return x.Compare(y)
	}
	return 0
}

// cmpFold compares strings case-insensitively without allocating.
func cmpFold(a, b string) int {
	for len(a) > 0 && len(b) > 0 {
		ca, cb := a[0], b[0]
		if ca < utf8.RuneSelf && cb < utf8.RuneSelf {
			ca, cb = lowerASCII(ca), lowerASCII(cb)
			if ca != cb {
				if ca < cb {
					return -1
				}
				return 1
			}
			a, b = a[1:], b[1:]
			continue
		}
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		ra, rb = unicode.ToLower(ra), unicode.ToLower(rb)
		if ra != rb {
			if ra < rb {
				return -1
			}
			return 1
		}
		a, b = a[na:], b[nb:]
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// likeTok is one element of a compiled LIKE pattern.
type likeTok struct {
	wild byte // '%', '_' or 0 for the literal rune r (lower case)
	r    rune
}

type likeMatcher []likeTok

// compileLike compiles the raw body of a LIKE literal: % and _ are wildcards, \% and \_
// literal; other escapes are decoded as in string literals.
func compileLike(raw string) likeMatcher {
	var m likeMatcher
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case c == '%' || c == '_':
			m = append(m, likeTok{wild: c})
			i++
		case c == '\\' && i+1 < len(raw):
			r, n := unescapeAt(raw, i)
			m = append(m, likeTok{r: unicode.ToLower(r)})
			i += n
		default:
			r, n := utf8.DecodeRuneInString(raw[i:])
			m = append(m, likeTok{r: unicode.ToLower(r)})
			i += n
		}
	}
	return m
}

// unescapeAt decodes the escape sequence at raw[i] (a backslash); it returns the rune and
// the number of bytes consumed.
func unescapeAt(raw string, i int) (rune, int) {
	switch c := raw[i+1]; c {
	case 'n', 'N':
		return '\n', 2
	case 'r', 'R':
		return '\r', 2
	case 't', 'T':
		return '\t', 2
	case 'b', 'B':
		return '\b', 2
	case 'f', 'F':
		return '\f', 2
	case 'u', 'U':
		if i+6 <= len(raw) {
			if v, err := strconv.ParseUint(raw[i+2:i+6], 16, 32); err == nil {
				return rune(v), 6 //nolint:gosec // at most 0xFFFFFFFF fits a rune's bits; invalid runes never match
			}
		}
		return 'u', 2
	default:
		r, n := utf8.DecodeRuneInString(raw[i+1:])
		return r, 1 + n
	}
}

// match reports whether text matches, case-insensitively, without allocating.
func (m likeMatcher) match(text string) bool {
	pi, ti := 0, 0
	star, mark := -1, 0
	for ti < len(text) {
		r, n := utf8.DecodeRuneInString(text[ti:])
		if r < utf8.RuneSelf {
			r = rune(lowerASCII(byte(r))) //nolint:gosec // r < utf8.RuneSelf
		} else {
			r = unicode.ToLower(r)
		}
		switch {
		case pi < len(m) && (m[pi].wild == '_' || m[pi].wild == 0 && m[pi].r == r):
			pi++
			ti += n
		case pi < len(m) && m[pi].wild == '%':
			star, mark = pi, ti
			pi++
		case star >= 0:
			_, mn := utf8.DecodeRuneInString(text[mark:])
			mark += mn
			pi, ti = star+1, mark
		default:
			return false
		}
	}
	for pi < len(m) && m[pi].wild == '%' {
		pi++
	}
	return pi == len(m)
}
