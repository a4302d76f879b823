package salesforce_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sfmcp/sfmcp/salesforce"
	"github.com/sfmcp/sfmcp/salesforce/soql"
)

// unquoteSOQL is a reference reader of a SOQL string literal (WIRE.md §4.1): it fails on
// anything a strict SOQL lexer would reject or read differently.
func unquoteSOQL(lit string, like bool) (string, error) {
	if len(lit) < 2 || lit[0] != '\'' || lit[len(lit)-1] != '\'' {
		return "", errors.New("not quoted")
	}
	return unescapeSOQL(lit[1:len(lit)-1], like)
}

// unescapeSOQL decodes a literal body. With like, \% and \_ are literal characters and a
// bare % or _ is a wildcard, which must not appear in an escaped value.
func unescapeSOQL(body string, like bool) (string, error) {
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c == '\'':
			return "", errors.New("unescaped quote ends the literal early at " + strconv.Itoa(i))
		case like && (c == '%' || c == '_'):
			return "", errors.New("bare LIKE wildcard at " + strconv.Itoa(i))
		case c != '\\':
			b.WriteByte(c)
			continue
		}
		i++
		if i == len(body) {
			return "", errors.New("dangling backslash")
		}
		switch e := body[i]; e {
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
			b.WriteByte(e)
		case '%', '_':
			if !like {
				return "", errors.New(`\% and \_ are only valid in LIKE`)
			}
			b.WriteByte(e)
		case 'u', 'U':
			if i+4 >= len(body) {
				return "", errors.New("short \\u escape")
			}
			n, err := strconv.ParseUint(body[i+1:i+5], 16, 32)
			if err != nil {
				return "", err
			}
			b.WriteRune(rune(n))
			i += 4
		default:
			return "", errors.New("invalid escape \\" + string(e))
		}
	}
	return b.String(), nil
}

// unescapeSOSL is a reference reader of a SOSL search term (WIRE.md §4.4): every reserved
// character must be preceded by a backslash, and a backslash escapes only reserved ones.
func unescapeSOSL(term string) (string, error) {
	const reserved = `?&|!{}[]()^~*:\"'+-`
	var b strings.Builder
	for i := 0; i < len(term); i++ {
		c := term[i]
		if c == '\\' {
			i++
			if i == len(term) || !strings.ContainsRune(reserved, rune(term[i])) {
				return "", errors.New("backslash before a character that is not reserved")
			}
			b.WriteByte(term[i])
			continue
		}
		if strings.ContainsRune(reserved, rune(c)) {
			return "", errors.New("unescaped reserved character " + string(c))
		}
		b.WriteByte(c)
	}
	return b.String(), nil
}

var escapeSeeds = []string{
	"", "Acme", "O'Brien & Sons", `a\b`, `\'`, `'\`, "50%_off", `C:\temp\%x_`, "line1\nline2\r\ttab\bbell\fform",
	`say "hi"`, "{1+1}:2", `a?b&c|d!e{f}g[h]i(j)k^l~m*n:o\p"q'r+s-t`, "日本語", "emoji 🎉", "\x00\x01\x7f", "\xff\xfe",
	"' OR Name != '", `\\'`, "%", "_", "\\u0041",
}

func TestEscapeExamples(t *testing.T) {
	tests := []struct{ got, want string }{
		{salesforce.QuoteSOQL("O'Brien"), `'O\'Brien'`},
		{salesforce.QuoteSOQL(`a\b`), `'a\\b'`},
		{salesforce.QuoteSOQL(`\'`), `'\\\''`},
		{salesforce.QuoteSOQL("a\nb\"c"), `'a\nb\"c'`},
		{salesforce.EscapeLike("50%_off"), `50\%\_off`},
		{salesforce.EscapeLike(`a\%`), `a\\\%`},
		{salesforce.EscapeLike("O'B"), `O\'B`},
		{salesforce.EscapeSOSL("{1+1}:2"), `\{1\+1\}\:2`},
		{salesforce.EscapeSOSL(`a\b`), `a\\b`},
		{salesforce.EscapeSOSL("plain words"), "plain words"},
		{salesforce.SOSLPhrase(`and "or"`), `"and \"or\""`},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %s, want %s", tt.got, tt.want)
		}
	}
}

// parseWhereString parses "SELECT Id FROM Account WHERE Name <op> <lit>" with the soql
// package and returns the string value.
func parseWhereString(t *testing.T, op, lit string) *soql.StringValue {
	t.Helper()
	q, err := soql.Parse("SELECT Id FROM Account WHERE Name " + op + " " + lit)
	if err != nil {
		t.Fatalf("soql.Parse rejected the escaped literal %s: %v", lit, err)
	}
	cmp, ok := q.Where.(*soql.Comparison)
	if !ok {
		t.Fatalf("WHERE is %T, want one comparison (literal %s)", q.Where, lit)
	}
	sv, ok := cmp.Right.(*soql.StringValue)
	if !ok {
		t.Fatalf("value is %T, want a string (literal %s)", cmp.Right, lit)
	}
	return sv
}

func FuzzQuoteSOQL(f *testing.F) {
	for _, s := range escapeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lit := salesforce.QuoteSOQL(s)
		got, err := unquoteSOQL(lit, false)
		if err != nil || got != s {
			t.Fatalf("QuoteSOQL(%q) = %s reads back as %q, %v", s, lit, got, err)
		}
		if !utf8.ValidString(s) {
			return // the parser works on text; the byte-level check above covers the rest
		}
		if v := parseWhereString(t, "=", lit); v.Value != s {
			t.Fatalf("soql.Parse read QuoteSOQL(%q) = %s as %q", s, lit, v.Value)
		}
	})
}

func FuzzEscapeLike(f *testing.F) {
	for _, s := range escapeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		body := salesforce.EscapeLike(s)
		got, err := unescapeSOQL(body, true)
		if err != nil || got != s {
			t.Fatalf("EscapeLike(%q) = %s reads back as %q, %v", s, body, got, err)
		}
		if !utf8.ValidString(s) {
			return
		}
		v := parseWhereString(t, "LIKE", "'"+body+"'")
		if !v.MatchLike(s) {
			t.Fatalf("LIKE '%s' does not match %q", body, s)
		}
		// A leaked wildcard would match these strings too.
		for _, other := range []string{s + "x", strings.ReplaceAll(s, "_", "#"), strings.ReplaceAll(s, "%", "")} {
			if other != s && v.MatchLike(other) {
				t.Fatalf("LIKE '%s' matches %q: a wildcard leaked", body, other)
			}
		}
	})
}

func FuzzEscapeSOSL(f *testing.F) {
	for _, s := range escapeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		term := salesforce.EscapeSOSL(s)
		got, err := unescapeSOSL(term)
		if err != nil || got != s {
			t.Fatalf("EscapeSOSL(%q) = %s reads back as %q, %v", s, term, got, err)
		}
		phrase := salesforce.SOSLPhrase(s)
		if got, err := unescapeSOSL(phrase[1 : len(phrase)-1]); err != nil || got != s {
			t.Fatalf("SOSLPhrase(%q) = %s reads back as %q, %v", s, phrase, got, err)
		}
	})
}
