package soql

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// msgEmpty is Salesforce's message for an empty statement.
const msgEmpty = "SOQL statements cannot be empty or null"

// SyntaxError is a parse error. Its Error text is shaped like Salesforce's
// MALFORMED_QUERY message:
//
//	"\n<statement line>\n<spaces>^\nERROR at Row:<r>:Column:<c>\n<Msg>"
//
// where Msg is usually "unexpected token: <Token>". For an empty statement
// the text is just "SOQL statements cannot be empty or null".
type SyntaxError struct {
	Pos       int    // byte offset of the offending token in Statement
	Row, Col  int    // 1-based line and column (in characters) of Pos
	Token     string // offending token as written, "<EOF>" at the end
	Msg       string // last line of the message, e.g. "unexpected token: FRM"
	Statement string // the statement passed to Parse
}

// Error returns the MALFORMED_QUERY-shaped message.
func (e *SyntaxError) Error() string {
	if strings.TrimSpace(e.Statement) == "" {
		return e.Msg
	}
	line := e.Statement
	if start := strings.LastIndexByte(e.Statement[:clamp(e.Pos, len(e.Statement))], '\n'); start >= 0 {
		line = e.Statement[start+1:]
	}
	if end := strings.IndexByte(line, '\n'); end >= 0 {
		line = line[:end]
	}
	var b strings.Builder
	b.WriteString("\n")
	b.WriteString(line)
	b.WriteString("\n")
	b.WriteString(strings.Repeat(" ", max(e.Col-1, 0)))
	b.WriteString("^\nERROR at Row:")
	b.WriteString(strconv.Itoa(e.Row))
	b.WriteString(":Column:")
	b.WriteString(strconv.Itoa(e.Col))
	b.WriteString("\n")
	b.WriteString(e.Msg)
	return b.String()
}

// NewError returns a *SyntaxError for stmt pointing at byte offset pos with
// the given last message line (e.g. "No such column 'Foo' on entity
// 'Account'. ..."), computing Row and Col. Token is the text of the word
// starting at pos, or "<EOF>". Useful for INVALID_FIELD-style messages that
// share the MALFORMED_QUERY layout.
func NewError(stmt string, pos int, msg string) *SyntaxError {
	pos = clamp(pos, len(stmt))
	row, col := 1, 1
	lineStart := 0
	for i := 0; i < pos; i++ {
		if stmt[i] == '\n' {
			row++
			lineStart = i + 1
		}
	}
	col += utf8.RuneCountInString(stmt[lineStart:pos])
	tok := "<EOF>"
	if pos < len(stmt) {
		end := pos
		for end < len(stmt) && !isSpace(stmt[end]) {
			end++
		}
		if end > pos {
			tok = stmt[pos:end]
		}
	}
	return &SyntaxError{Pos: pos, Row: row, Col: col, Token: tok, Msg: msg, Statement: stmt}
}

func clamp(v, hi int) int {
	if v < 0 {
		return 0
	}
	if v > hi {
		return hi
	}
	return v
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}
