package soql

import (
	"fmt"
	"reflect"
	"testing"
)

// clearPos zeroes every Pos/FromPos field reachable from v, so ASTs parsed
// from differently formatted text can be compared.
func clearPos(v any) {
	var walk func(r reflect.Value)
	walk = func(r reflect.Value) {
		switch r.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !r.IsNil() {
				walk(r.Elem())
			}
		case reflect.Slice:
			for i := 0; i < r.Len(); i++ {
				walk(r.Index(i))
			}
		case reflect.Struct:
			for i := 0; i < r.NumField(); i++ {
				name := r.Type().Field(i).Name
				if (name == "Pos" || name == "FromPos") && r.Field(i).CanSet() {
					r.Field(i).SetInt(0)
					continue
				}
				walk(r.Field(i))
			}
		}
	}
	walk(reflect.ValueOf(v))
}

func mustParse(t testing.TB, s string) *Query {
	t.Helper()
	q, err := Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q): %v", s, err)
	}
	return q
}

// Constructors that keep expected ASTs short.
func fr(path ...string) *FieldRef { return &FieldRef{Path: path} }

func fn(name string, args ...Arg) *FuncCall { return &FuncCall{Name: name, Args: args} }

func fnAs(alias, name string, args ...Arg) *FuncCall {
	return &FuncCall{Name: name, Args: args, Alias: alias}
}

func cmp(l Operand, op string, r Value) *Comparison { return &Comparison{Left: l, Op: op, Right: r} }

func str(v string) *StringValue { return &StringValue{Value: v, Raw: v} }

func strRaw(v, raw string) *StringValue { return &StringValue{Value: v, Raw: raw} }

func num(s string) *NumberValue { return &NumberValue{Text: s} }

func list(vs ...Value) *ListValue { return &ListValue{Values: vs} }

func and(es ...Expr) *AndExpr { return &AndExpr{Exprs: es} }

func or(es ...Expr) *OrExpr { return &OrExpr{Exprs: es} }

func not(e Expr) *NotExpr { return &NotExpr{Expr: e} }

func sub(q *Query) *SubQuery { return &SubQuery{Query: q} }

func intp(n int) *int { return &n }

func boolp(b bool) *bool { return &b }

func items(its ...SelectItem) []SelectItem { return its }

// where returns the WHERE expression of "SELECT Id FROM Account WHERE <cond>".
func where(t *testing.T, cond string) Expr {
	t.Helper()
	q := mustParse(t, "SELECT Id FROM Account WHERE "+cond)
	clearPos(q)
	return q.Where
}

func assertEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got  %s\n want %s", what, dump(got), dump(want))
	}
}

// dump renders an AST value readably for failure messages.
func dump(v any) string {
	var b []byte
	var walk func(r reflect.Value)
	walk = func(r reflect.Value) {
		switch r.Kind() {
		case reflect.Pointer, reflect.Interface:
			if r.IsNil() {
				b = append(b, "nil"...)
				return
			}
			if r.Kind() == reflect.Pointer {
				b = append(b, '&')
			}
			walk(r.Elem())
		case reflect.Slice:
			b = append(b, '[')
			for i := 0; i < r.Len(); i++ {
				if i > 0 {
					b = append(b, ' ')
				}
				walk(r.Index(i))
			}
			b = append(b, ']')
		case reflect.Struct:
			b = append(b, r.Type().Name()...)
			b = append(b, '{')
			first := true
			for i := 0; i < r.NumField(); i++ {
				if r.Field(i).IsZero() {
					continue
				}
				if !first {
					b = append(b, ' ')
				}
				first = false
				b = append(b, r.Type().Field(i).Name...)
				b = append(b, ':')
				walk(r.Field(i))
			}
			b = append(b, '}')
		case reflect.String:
			b = append(b, '"')
			b = append(b, r.String()...)
			b = append(b, '"')
		default:
			b = append(b, []byte(fmtAny(r.Interface()))...)
		}
	}
	walk(reflect.ValueOf(v))
	return string(b)
}

func fmtAny(v any) string { return fmt.Sprint(v) }
