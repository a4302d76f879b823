package soql

import "strings"

// Parse parses one SOQL SELECT statement. The error, if any, is a *SyntaxError.
func Parse(soql string) (*Query, error) {
	if strings.TrimSpace(soql) == "" {
		return nil, &SyntaxError{Msg: msgEmpty, Statement: soql, Token: "<EOF>"}
	}
	return nil, NewError(soql, 0, "unexpected token: "+soql)
}
