package soql

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Float64 returns the number's value.
func (n *NumberValue) Float64() float64 {
	f, _ := strconv.ParseFloat(n.Text, 64) // the lexer only accepts valid numbers
	return f
}

// Int64 returns the number as an integer; ok is false for decimals and
// values out of range.
func (n *NumberValue) Int64() (v int64, ok bool) {
	v, err := strconv.ParseInt(strings.TrimPrefix(n.Text, "+"), 10, 64)
	return v, err == nil
}

// Time returns the instant of the datetime literal.
func (d *DateTimeValue) Time() time.Time {
	t, _ := time.Parse(time.RFC3339Nano, d.Text) // validated by the lexer
	return t
}

// TakesN reports whether the date literal is one of the ":n" forms
// (LAST_N_DAYS:n, N_WEEKS_AGO:n, ...).
func (d *DateLiteral) TakesN() bool { return dateLiterals[d.Name] }

// likeTok is one element of a compiled LIKE pattern.
type likeTok struct {
	wild byte // '%', '_' or 0 for a literal rune
	r    rune // lower-cased literal
}

// MatchLike reports whether text matches s used as a LIKE pattern, as
// Salesforce evaluates it: case-insensitive, % matches any sequence of
// characters, _ exactly one character, and \% and \_ a literal percent and
// underscore; the other escapes are decoded as in Value.
func (s *StringValue) MatchLike(text string) bool {
	pat := compileLike(s.Raw)
	txt := []rune(strings.ToLower(text))
	// Iterative wildcard matching with backtracking to the last %.
	pi, ti := 0, 0
	star, mark := -1, 0
	for ti < len(txt) {
		switch {
		case pi < len(pat) && (pat[pi].wild == '_' || pat[pi].wild == 0 && pat[pi].r == txt[ti]):
			pi++
			ti++
		case pi < len(pat) && pat[pi].wild == '%':
			star, mark = pi, ti
			pi++
		case star >= 0:
			mark++
			pi, ti = star+1, mark
		default:
			return false
		}
	}
	for pi < len(pat) && pat[pi].wild == '%' {
		pi++
	}
	return pi == len(pat)
}

// compileLike turns the raw literal body of a LIKE pattern into tokens.
func compileLike(raw string) []likeTok {
	toks := make([]likeTok, 0, len(raw))
	var b strings.Builder
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case c == '%' || c == '_':
			toks = append(toks, likeTok{wild: c})
			i++
		case c == '\\' && i+1 < len(raw) && (raw[i+1] == '%' || raw[i+1] == '_'):
			toks = append(toks, likeTok{r: rune(raw[i+1])})
			i += 2
		case c == '\\':
			b.Reset()
			n, ok := unescape(&b, raw, i)
			if !ok {
				n = i + 1
				b.Reset()
				b.WriteByte('\\')
			}
			for _, r := range b.String() {
				toks = append(toks, likeTok{r: unicode.ToLower(r)})
			}
			i = n
		default:
			r, size := utf8.DecodeRuneInString(raw[i:])
			toks = append(toks, likeTok{r: unicode.ToLower(r)})
			i += size
		}
	}
	return toks
}
