package soql

import (
	"errors"
	"strings"
	"testing"
)

func parseErr(t *testing.T, s string) *SyntaxError {
	t.Helper()
	q, err := Parse(s)
	if err == nil {
		t.Fatalf("Parse(%q) = %s, want error", s, q)
	}
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("Parse(%q) error %T, want *SyntaxError", s, err)
	}
	return se
}

// TestMalformedQueryShape checks the exact text against the observed
// Salesforce message in shared/salesforce/examples/error_malformed_query.json.
func TestMalformedQueryShape(t *testing.T) {
	se := parseErr(t, "SELECT Id, Name FRM Account")
	want := "\nSELECT Id, Name FRM Account\n                ^\nERROR at Row:1:Column:17\nunexpected token: FRM"
	if se.Error() != want {
		t.Errorf("Error() =\n%q\nwant\n%q", se.Error(), want)
	}
	if se.Row != 1 || se.Col != 17 || se.Pos != 16 || se.Token != "FRM" || se.Msg != "unexpected token: FRM" {
		t.Errorf("fields = %+v", *se)
	}
}

func TestEmptyStatement(t *testing.T) {
	for _, s := range []string{"", "   ", "\n\t "} {
		if got := parseErr(t, s).Error(); got != "SOQL statements cannot be empty or null" {
			t.Errorf("Parse(%q).Error() = %q", s, got)
		}
	}
}

func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		name, soql string
		row, col   int
		token      string
		msg        string // "" means "unexpected token: " + token
	}{
		{"trailing garbage", "SELECT Id FROM Account a b", 1, 26, "b", ""},
		{"trailing garbage after limit", "SELECT Id FROM Account LIMIT 5 5", 1, 32, "5", ""},
		{"semicolon", "SELECT Id FROM Account;", 1, 23, ";", ""},
		{"stray character", "SELECT Id FROM Account WHERE Name # 'x'", 1, 35, "#", ""},
		{"missing FROM at end", "SELECT Id, Name", 1, 16, "<EOF>", ""},
		{"missing FROM before WHERE", "SELECT Id WHERE Name = 'x'", 1, 11, "WHERE", ""},
		{"missing object", "SELECT Id FROM", 1, 15, "<EOF>", ""},
		{"empty select list", "SELECT FROM Account", 1, 8, "FROM", ""},
		{"trailing comma", "SELECT Id, FROM Account", 1, 12, "FROM", ""},
		{"not a select", "UPDATE Account SET Name = 'x'", 1, 1, "UPDATE", ""},
		{"unterminated string", "SELECT Id FROM Account WHERE Name = 'abc", 1, 37, "'abc", "mismatched character '<EOF>' expecting '''"},
		{"unterminated after escape", `SELECT Id FROM Account WHERE Name = 'abc\'`, 1, 37, `'abc\'`, "mismatched character '<EOF>' expecting '''"},
		{"bad escape", `SELECT Id FROM Account WHERE Name = 'a\qb'`, 1, 37, `'a\q`,
			`Invalid string literal 'a\q'. Illegal character sequence '\q' in string literal.`},
		{"bad unicode escape", `SELECT Id FROM Account WHERE Name = '\u12G4'`, 1, 37, `'\u12G`,
			`Invalid string literal '\u12G'. Illegal character sequence '\u12G' in string literal.`},
		{"short unicode escape", `SELECT Id FROM Account WHERE Name = '\u12'`, 1, 37, `'\u12'`,
			`Invalid string literal '\u12''. Illegal character sequence '\u12'' in string literal.`},
		{"backslash at end", `SELECT Id FROM Account WHERE Name = 'a\`, 1, 37, `'a\`,
			`Invalid string literal 'a\'. Illegal character sequence '\' in string literal.`},
		{"double-quoted string", `SELECT Id FROM Account WHERE Name = "x"`, 1, 37, `"`, ""},
		{"limit decimal", "SELECT Id FROM Account LIMIT 1.5", 1, 30, "1.5", ""},
		{"limit negative", "SELECT Id FROM Account LIMIT -1", 1, 30, "-1", ""},
		{"limit word", "SELECT Id FROM Account LIMIT ten", 1, 30, "ten", ""},
		{"limit string", "SELECT Id FROM Account LIMIT '10'", 1, 30, "'10'", ""},
		{"limit overflow", "SELECT Id FROM Account LIMIT 99999999999999999999", 1, 30, "99999999999999999999", ""},
		{"limit missing", "SELECT Id FROM Account LIMIT", 1, 29, "<EOF>", ""},
		{"offset decimal", "SELECT Id FROM Account OFFSET 2.0", 1, 31, "2.0", ""},
		{"offset plus", "SELECT Id FROM Account OFFSET +2", 1, 31, "+2", ""},
		{"clause order", "SELECT Id FROM Account LIMIT 5 WHERE Name = 'x'", 1, 32, "WHERE", ""},
		{"mixed AND OR", "SELECT Id FROM Contact WHERE a = 1 AND b = 2 OR c = 3", 1, 46, "OR", ""},
		{"mixed OR AND", "SELECT Id FROM Contact WHERE a = 1 OR b = 2 AND c = 3", 1, 45, "AND", ""},
		{"NOT after AND", "SELECT Id FROM Account WHERE Name != null AND NOT (x > 0)", 1, 47, "NOT", ""},
		{"AND after NOT", "SELECT Id FROM Account WHERE NOT a = 1 AND b = 2", 1, 40, "AND", ""},
		{"NOT LIKE infix", "SELECT Id FROM Account WHERE Name NOT LIKE 'x'", 1, 39, "LIKE", ""},
		{"unbalanced paren", "SELECT Id FROM Account WHERE (a = 1", 1, 36, "<EOF>", ""},
		{"extra paren", "SELECT Id FROM Account WHERE a = 1)", 1, 35, ")", ""},
		{"missing value", "SELECT Id FROM Account WHERE Name =", 1, 36, "<EOF>", ""},
		{"missing operator", "SELECT Id FROM Account WHERE Name 'x'", 1, 35, "'x'", ""},
		{"bare identifier value", "SELECT Id FROM Case WHERE Status = Open", 1, 36, "Open", ""},
		{"IN without parens", "SELECT Id FROM Account WHERE Id IN 'x'", 1, 36, "'x'", ""},
		{"empty IN list", "SELECT Id FROM Account WHERE Id IN ()", 1, 37, ")", ""},
		{"subquery not allowed in INCLUDES", "SELECT Id FROM Account WHERE X__c INCLUDES (SELECT Id FROM Contact)", 1, 45, "SELECT", ""},
		{"list for =", "SELECT Id FROM Account WHERE Id = ('a')", 1, 35, "(", ""},
		{"date literal missing n", "SELECT Id FROM Account WHERE CreatedDate = LAST_N_DAYS", 1, 55, "<EOF>", ""},
		{"date literal bad n", "SELECT Id FROM Account WHERE CreatedDate = LAST_N_DAYS:x", 1, 56, "x", ""},
		{"date literal negative n", "SELECT Id FROM Account WHERE CreatedDate = LAST_N_DAYS:-3", 1, 56, "-3", ""},
		{"date literal with unexpected n", "SELECT Id FROM Account WHERE CreatedDate = TODAY:3", 1, 49, ":", ""},
		{"invalid date", "SELECT Id FROM Account WHERE CloseDate = 2024-02-30", 1, 42, "2024-02-30", ""},
		{"datetime without zone", "SELECT Id FROM Account WHERE CreatedDate > 2024-01-01T10:00:00", 1, 44, "2024-01-01T10:00:00", ""},
		{"datetime bad hour", "SELECT Id FROM Account WHERE CreatedDate > 2024-01-01T25:00:00Z", 1, 44, "2024-01-01T25:00:00Z", ""},
		{"datetime offset without colon", "SELECT Id FROM Account WHERE CreatedDate > 2024-01-01T10:00:00+0100", 1, 44, "2024-01-01T10:00:00+0100", ""},
		{"quoted date is fine but unquoted garbage is not", "SELECT Id FROM Account WHERE CloseDate = 2024-1-01", 1, 46, "-1", ""},
		{"with unknown", "SELECT Id FROM Account WITH DATA CATEGORY Geo__c AT usa__c", 1, 29, "DATA", ""},
		{"order by missing by", "SELECT Id FROM Account ORDER Name", 1, 30, "Name", ""},
		{"nulls without first/last", "SELECT Id FROM Account ORDER BY Name NULLS", 1, 43, "<EOF>", ""},
		{"for unknown", "SELECT Id FROM Account FOR DELETE", 1, 28, "DELETE", ""},
		{"unclosed subquery", "SELECT Id, (SELECT Id FROM Contacts FROM Account", 1, 37, "FROM", ""},
		{"typeof without when", "SELECT TYPEOF What END FROM Task", 1, 20, "END", ""},
		{"typeof without end", "SELECT TYPEOF What WHEN Account THEN Name FROM Task", 1, 43, "FROM", ""},
		{"fields bad set", "SELECT FIELDS(SOME) FROM Account", 1, 15, "SOME", ""},
		{"bind variable", "SELECT Id FROM Account WHERE Id = :acctId", 1, 35, ":", ""},
		{"reserved word as field", "SELECT Id FROM Account WHERE LIMIT = 1", 1, 30, "LIMIT", ""},
		{"dangling dot", "SELECT Owner. FROM Account", 1, 15, "FROM", "unexpected token: FROM"},
		{"multi-line", "SELECT Id\nFROM Account\nWHERE Name = = 'x'", 3, 14, "=", ""},
		{"columns count characters", "SELECT Id FROM Account WHERE Name = 'éé' ORDER", 1, 47, "<EOF>", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			se := parseErr(t, tt.soql)
			msg := tt.msg
			if msg == "" {
				msg = "unexpected token: " + tt.token
			}
			if se.Row != tt.row || se.Col != tt.col || se.Token != tt.token || se.Msg != msg {
				t.Errorf("got Row %d Col %d Token %q Msg %q\nwant Row %d Col %d Token %q Msg %q\n%s",
					se.Row, se.Col, se.Token, se.Msg, tt.row, tt.col, tt.token, msg, se.Error())
			}
			lines := strings.Split(se.Error(), "\n")
			if len(lines) < 5 || lines[0] != "" || lines[2] != strings.Repeat(" ", tt.col-1)+"^" ||
				lines[3] != "ERROR at Row:"+itoa(tt.row)+":Column:"+itoa(tt.col) {
				t.Errorf("Error() shape wrong:\n%s", se.Error())
			}
			if se.Statement != tt.soql {
				t.Errorf("Statement = %q", se.Statement)
			}
		})
	}
}

func itoa(n int) string { return fmtAny(n) }

// TestDeepNesting checks that pathological nesting is an error, not a
// stack overflow.
func TestDeepNesting(t *testing.T) {
	cases := []string{
		"SELECT Id FROM Account WHERE " + strings.Repeat("(", 100000) + "a = 1" + strings.Repeat(")", 100000),
		"SELECT Id FROM Account WHERE " + strings.Repeat("NOT (", 10000) + "a = 1" + strings.Repeat(")", 10000),
		"SELECT " + strings.Repeat("F(", 10000) + "x" + strings.Repeat(")", 10000) + " FROM Account",
		strings.Repeat("SELECT Id FROM A WHERE Id IN (", 1000) + "SELECT Id FROM B" + strings.Repeat(")", 1000),
	}
	for _, s := range cases {
		parseErr(t, s)
	}
	// Nesting within the limit is fine.
	mustParse(t, "SELECT Id FROM Account WHERE "+strings.Repeat("(", 30)+"a = 1"+strings.Repeat(")", 30))
}

func TestNewError(t *testing.T) {
	stmt := "SELECT Id, Foo__c FROM Account"
	e := NewError(stmt, strings.Index(stmt, "Foo__c"), "No such column 'Foo__c' on entity 'Account'.")
	want := "\nSELECT Id, Foo__c FROM Account\n           ^\nERROR at Row:1:Column:12\nNo such column 'Foo__c' on entity 'Account'."
	if e.Error() != want || e.Token != "Foo__c" {
		t.Errorf("Error() = %q, Token %q", e.Error(), e.Token)
	}
}
