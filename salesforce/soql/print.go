package soql

import (
	"strconv"
	"strings"
)

// String prints the query as canonical SOQL: keywords and function names in
// upper case, single spaces, parentheses only where needed, string literals
// as written. Field paths are prefixed with the FROM alias when there is
// one. Parse(q.String()) yields a query equal to q apart from Pos fields.
func (q *Query) String() string {
	var b strings.Builder
	writeQuery(&b, q)
	return b.String()
}

func writeQuery(b *strings.Builder, q *Query) {
	b.WriteString("SELECT ")
	for i, it := range q.Select {
		if i > 0 {
			b.WriteString(", ")
		}
		switch it := it.(type) {
		case *SubQuery:
			b.WriteByte('(')
			writeQuery(b, it.Query)
			b.WriteByte(')')
		case *TypeOf:
			writeTypeOf(b, it)
		case *FieldsFunc:
			b.WriteString("FIELDS(")
			b.WriteString(it.Set)
			b.WriteByte(')')
		case Arg:
			writeArg(b, it, q.Alias)
			alias := ""
			switch it := it.(type) {
			case *FieldRef:
				alias = it.Alias
			case *FuncCall:
				alias = it.Alias
			}
			if alias != "" {
				b.WriteByte(' ')
				b.WriteString(alias)
			}
		}
	}
	b.WriteString(" FROM ")
	b.WriteString(q.From)
	if q.Alias != "" {
		b.WriteByte(' ')
		b.WriteString(q.Alias)
	}
	if q.Scope != "" {
		b.WriteString(" USING SCOPE ")
		b.WriteString(q.Scope)
	}
	if q.Where != nil {
		b.WriteString(" WHERE ")
		writeExpr(b, q.Where, q.Alias)
	}
	if q.With != "" {
		b.WriteString(" WITH ")
		b.WriteString(q.With)
	}
	if len(q.GroupBy) > 0 {
		b.WriteString(" GROUP BY ")
		if q.GroupByKind != "" {
			b.WriteString(q.GroupByKind)
			b.WriteByte('(')
		}
		for i, g := range q.GroupBy {
			if i > 0 {
				b.WriteString(", ")
			}
			writeArg(b, g, q.Alias)
		}
		if q.GroupByKind != "" {
			b.WriteByte(')')
		}
	}
	if q.Having != nil {
		b.WriteString(" HAVING ")
		writeExpr(b, q.Having, q.Alias)
	}
	for i, o := range q.OrderBy {
		if i == 0 {
			b.WriteString(" ORDER BY ")
		} else {
			b.WriteString(", ")
		}
		writeArg(b, o.Expr, q.Alias)
		if o.Desc {
			b.WriteString(" DESC")
		}
		if o.NullsLast != nil {
			if *o.NullsLast {
				b.WriteString(" NULLS LAST")
			} else {
				b.WriteString(" NULLS FIRST")
			}
		}
	}
	if q.Limit != nil {
		b.WriteString(" LIMIT ")
		b.WriteString(strconv.Itoa(*q.Limit))
	}
	if q.Offset != nil {
		b.WriteString(" OFFSET ")
		b.WriteString(strconv.Itoa(*q.Offset))
	}
	if q.For != "" && q.For != "UPDATE" {
		b.WriteString(" FOR ")
		b.WriteString(q.For)
	}
	if q.Update != "" {
		b.WriteString(" UPDATE ")
		b.WriteString(q.Update)
	}
	if q.For == "UPDATE" {
		b.WriteString(" FOR UPDATE")
	}
}

func writeTypeOf(b *strings.Builder, t *TypeOf) {
	b.WriteString("TYPEOF ")
	b.WriteString(t.Field)
	for _, w := range t.Whens {
		b.WriteString(" WHEN ")
		b.WriteString(w.Object)
		b.WriteString(" THEN ")
		writeFields(b, w.Fields)
	}
	if t.Else != nil {
		b.WriteString(" ELSE ")
		writeFields(b, t.Else)
	}
	b.WriteString(" END")
}

func writeFields(b *strings.Builder, fs []*FieldRef) {
	for i, f := range fs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strings.Join(f.Path, "."))
	}
}

// writeArg prints a field path (prefixed with alias, if any), a function
// call or a literal.
func writeArg(b *strings.Builder, a Arg, alias string) {
	switch a := a.(type) {
	case *FieldRef:
		if alias != "" {
			b.WriteString(alias)
			b.WriteByte('.')
		}
		b.WriteString(strings.Join(a.Path, "."))
	case *FuncCall:
		b.WriteString(a.Name)
		b.WriteByte('(')
		for i, x := range a.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			writeArg(b, x, alias)
		}
		b.WriteByte(')')
	case Value:
		writeValue(b, a)
	}
}

func writeExpr(b *strings.Builder, e Expr, alias string) {
	switch e := e.(type) {
	case *AndExpr:
		writeJoined(b, e.Exprs, " AND ", alias)
	case *OrExpr:
		writeJoined(b, e.Exprs, " OR ", alias)
	case *NotExpr:
		b.WriteString("NOT ")
		writeOperandExpr(b, e.Expr, alias)
	case *Comparison:
		writeArg(b, e.Left, alias)
		b.WriteByte(' ')
		b.WriteString(e.Op)
		b.WriteByte(' ')
		writeValue(b, e.Right)
	}
}

func writeJoined(b *strings.Builder, es []Expr, sep, alias string) {
	for i, x := range es {
		if i > 0 {
			b.WriteString(sep)
		}
		writeOperandExpr(b, x, alias)
	}
}

// writeOperandExpr prints e, in parentheses unless it is a comparison.
func writeOperandExpr(b *strings.Builder, e Expr, alias string) {
	switch e.(type) {
	case *AndExpr, *OrExpr, *NotExpr:
		b.WriteByte('(')
		writeExpr(b, e, alias)
		b.WriteByte(')')
	default:
		writeExpr(b, e, alias)
	}
}

func writeValue(b *strings.Builder, v Value) {
	switch v := v.(type) {
	case *StringValue:
		b.WriteByte('\'')
		b.WriteString(v.Raw)
		b.WriteByte('\'')
	case *NumberValue:
		b.WriteString(v.Text)
	case *BoolValue:
		b.WriteString(strconv.FormatBool(v.Value))
	case *NullValue:
		b.WriteString("null")
	case *DateValue:
		b.WriteString(v.Text)
	case *DateTimeValue:
		b.WriteString(v.Text)
	case *DateLiteral:
		b.WriteString(v.Name)
		if dateLiterals[v.Name] {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(v.N))
		}
	case *ListValue:
		b.WriteByte('(')
		for i, x := range v.Values {
			if i > 0 {
				b.WriteString(", ")
			}
			writeValue(b, x)
		}
		b.WriteByte(')')
	case *SubQuery:
		b.WriteByte('(')
		writeQuery(b, v.Query)
		b.WriteByte(')')
	}
}
