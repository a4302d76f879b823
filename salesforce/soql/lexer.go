package soql

import (
	"strings"
	"time"
	"unicode/utf8"
)

type tokKind uint8

const (
	tEOF      tokKind = iota
	tIdent            // identifier or keyword
	tString           // 'quoted'; text includes the quotes, val is decoded
	tNumber           // 12, -1.5, +3
	tDate             // 2024-01-31
	tDateTime         // 2024-01-31T10:00:00Z
	tPunct            // ( ) , . : = != <> < <= > >=
	tError            // lexical error; val is the message
)

type token struct {
	kind tokKind
	pos  int    // byte offset in the statement
	text string // as written
	val  string // decoded string (tString) or error message (tError)
}

// lex splits src into tokens. It stops at the first lexical error, which
// becomes a tError token followed by tEOF, so the parser reports errors in
// position order.
func lex(src string) []token {
	toks := make([]token, 0, 16+len(src)/5)
	i := 0
	for {
		for i < len(src) && isSpace(src[i]) {
			i++
		}
		if i >= len(src) {
			return append(toks, token{kind: tEOF, pos: i, text: "<EOF>"})
		}
		t, n := lexOne(src, i)
		toks = append(toks, t)
		if t.kind == tError {
			return append(toks, token{kind: tEOF, pos: len(src), text: "<EOF>"})
		}
		i = n
	}
}

// lexOne scans one token starting at src[i] (not a space) and returns it
// with the offset just past it.
func lexOne(src string, i int) (token, int) {
	c := src[i]
	switch {
	case isIdentStart(c):
		j := i + 1
		for j < len(src) && isIdentChar(src[j]) {
			j++
		}
		return token{kind: tIdent, pos: i, text: src[i:j]}, j
	case isDigit(c):
		return lexNumberOrDate(src, i)
	case (c == '-' || c == '+') && i+1 < len(src) && isDigit(src[i+1]):
		j := scanNumber(src, i+1)
		return token{kind: tNumber, pos: i, text: src[i:j]}, j
	case c == '\'':
		return lexString(src, i)
	}
	switch c {
	case '(', ')', ',', '.', ':', '=':
		return token{kind: tPunct, pos: i, text: src[i : i+1]}, i + 1
	case '!':
		if strings.HasPrefix(src[i:], "!=") {
			return token{kind: tPunct, pos: i, text: "!="}, i + 2
		}
	case '<':
		if strings.HasPrefix(src[i:], "<=") || strings.HasPrefix(src[i:], "<>") {
			return token{kind: tPunct, pos: i, text: src[i : i+2]}, i + 2
		}
		return token{kind: tPunct, pos: i, text: "<"}, i + 1
	case '>':
		if strings.HasPrefix(src[i:], ">=") {
			return token{kind: tPunct, pos: i, text: ">="}, i + 2
		}
		return token{kind: tPunct, pos: i, text: ">"}, i + 1
	}
	_, size := utf8.DecodeRuneInString(src[i:])
	text := src[i : i+size]
	return token{kind: tError, pos: i, text: text, val: "unexpected token: " + text}, i + size
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

func isIdentChar(c byte) bool { return isIdentStart(c) || isDigit(c) }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// scanNumber scans digits [. digits] from i (which is a digit).
func scanNumber(src string, i int) int {
	for i < len(src) && isDigit(src[i]) {
		i++
	}
	if i+1 < len(src) && src[i] == '.' && isDigit(src[i+1]) {
		i++
		for i < len(src) && isDigit(src[i]) {
			i++
		}
	}
	return i
}

// lexNumberOrDate scans a number, a date YYYY-MM-DD or a datetime
// YYYY-MM-DDThh:mm:ss[.fff](Z|+hh:mm|-hh:mm).
func lexNumberOrDate(src string, i int) (token, int) {
	if !isDateAt(src, i) {
		j := scanNumber(src, i)
		return token{kind: tNumber, pos: i, text: src[i:j]}, j
	}
	j := i + 10
	kind, layout := tDate, time.DateOnly
	if j < len(src) && src[j] == 'T' {
		kind, layout = tDateTime, time.RFC3339
		j++
		for j < len(src) && (isDigit(src[j]) || strings.IndexByte(":.+-Z", src[j]) >= 0) {
			j++
		}
	}
	text := src[i:j]
	if _, err := time.Parse(layout, text); err != nil || !validDateTimeShape(kind, text) {
		return token{kind: tError, pos: i, text: text, val: "unexpected token: " + text}, j
	}
	return token{kind: kind, pos: i, text: text}, j
}

// isDateAt reports whether src[i:] starts with NNNN-NN-NN not followed by
// another digit.
func isDateAt(src string, i int) bool {
	if len(src)-i < 10 {
		return false
	}
	for k := 0; k < 10; k++ {
		c := src[i+k]
		if k == 4 || k == 7 {
			if c != '-' {
				return false
			}
		} else if !isDigit(c) {
			return false
		}
	}
	return len(src) == i+10 || !isDigit(src[i+10])
}

// validDateTimeShape rejects forms time.Parse tolerates but SOQL does not
// (e.g. a single-digit fraction separator "," or a missing offset).
func validDateTimeShape(kind tokKind, text string) bool {
	if kind == tDate {
		return len(text) == 10
	}
	// hh:mm:ss at 11..18, then optional .digits, then Z or ±hh:mm
	if len(text) < 20 || text[13] != ':' || text[16] != ':' {
		return false
	}
	rest := text[19:]
	if rest[0] == '.' {
		k := 1
		for k < len(rest) && isDigit(rest[k]) {
			k++
		}
		if k == 1 {
			return false
		}
		rest = rest[k:]
	}
	if rest == "Z" {
		return true
	}
	return len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':'
}

// lexString scans a single-quoted literal whose opening quote is at src[i].
func lexString(src string, i int) (token, int) {
	var b strings.Builder
	j := i + 1
	plain := j // start of the current run without escapes
	for j < len(src) {
		switch src[j] {
		case '\'':
			if plain == i+1 {
				return token{kind: tString, pos: i, text: src[i : j+1], val: src[i+1 : j]}, j + 1
			}
			b.WriteString(src[plain:j])
			return token{kind: tString, pos: i, text: src[i : j+1], val: b.String()}, j + 1
		case '\\':
			b.WriteString(src[plain:j])
			n, ok := unescape(&b, src, j)
			if !ok {
				seq := src[j:n]
				msg := "Invalid string literal '" + src[i+1:n] + "'. Illegal character sequence '" + seq + "' in string literal."
				return token{kind: tError, pos: i, text: src[i:n], val: msg}, n
			}
			j = n
			plain = j
		default:
			j++
		}
	}
	return token{kind: tError, pos: i, text: src[i:], val: "mismatched character '<EOF>' expecting '''"}, len(src)
}

// unescape decodes the escape sequence at src[j] == '\\' into b and returns
// the offset after it. On a bad sequence it returns ok=false and the offset
// just past the offending characters.
func unescape(b *strings.Builder, src string, j int) (int, bool) {
	if j+1 >= len(src) {
		return len(src), false
	}
	c := src[j+1]
	switch c {
	case 'n', 'N':
		b.WriteByte('\n')
	case 'r', 'R':
		b.WriteByte('\r')
	case 't', 'T':
		b.WriteByte('\t')
	case 'b', 'B':
		b.WriteByte('\b')
	case 'f', 'F':
		b.WriteByte('\f')
	case '"', '\'', '\\':
		b.WriteByte(c)
	case '%', '_':
		b.WriteByte('\\') // LIKE-only escapes stay as written, see StringValue
		b.WriteByte(c)
	case 'u', 'U':
		if j+6 > len(src) {
			return len(src), false
		}
		r := rune(0)
		for k := j + 2; k < j+6; k++ {
			h := hexVal(src[k])
			if h < 0 {
				return k + 1, false
			}
			r = r<<4 | rune(h) //nolint:gosec // h is one hex digit, 0-15
		}
		b.WriteRune(r)
		return j + 6, true
	default:
		_, size := utf8.DecodeRuneInString(src[j+1:])
		return j + 1 + size, false
	}
	return j + 2, true
}

func hexVal(c byte) int {
	switch {
	case isDigit(c):
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
