package salesforce

import "strings"

// soqlPairs are the characters that SOQL string literals must escape (WIRE.md §4.1).
var soqlPairs = []string{
	`\`, `\\`,
	`'`, `\'`,
	`"`, `\"`,
	"\n", `\n`,
	"\r", `\r`,
	"\t", `\t`,
	"\b", `\b`,
	"\f", `\f`,
}

// soqlEscaper applies soqlPairs. strings.Replacer scans the input once, so the
// backslash is never escaped twice.
var soqlEscaper = strings.NewReplacer(soqlPairs...)

// likeEscaper adds the LIKE wildcards to the base SOQL escaping.
var likeEscaper = strings.NewReplacer(append(append([]string{}, soqlPairs...), `%`, `\%`, `_`, `\_`)...)

// soslReserved is the SOSL reserved set (WIRE.md §4.4), each escaped with a backslash.
const soslReserved = `\?&|!{}[]()^~*:"'+-`

// QuoteSOQL returns s as a quoted SOQL string literal, e.g. O'Brien -> 'O\'Brien'.
// Use it for every value placed into a SOQL statement.
func QuoteSOQL(s string) string {
	return "'" + soqlEscaper.Replace(s) + "'"
}

// EscapeLike returns s escaped for use inside a quoted LIKE pattern, without the quotes:
// the SOQL literal escaping plus \% and \_ so that s matches literally. Add your own
// % wildcards around it: "Name LIKE '%" + EscapeLike(s) + "%'".
func EscapeLike(s string) string {
	return likeEscaper.Replace(s)
}

// EscapeSOSL returns s with every SOSL reserved character preceded by a backslash, for use
// as a search term inside FIND {...}. SOQL and SOSL escaping differ: never mix them.
func EscapeSOSL(s string) string {
	if !strings.ContainsAny(s, soslReserved) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ { // bytes, not runes: invalid UTF-8 passes through unchanged
		if strings.IndexByte(soslReserved, s[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// SOSLPhrase returns s as an escaped, double-quoted SOSL phrase for FIND {...}: the words
// match in order, and AND/OR/NOT in s are searched for instead of read as operators.
func SOSLPhrase(s string) string {
	return `"` + EscapeSOSL(s) + `"`
}
