package emulator

import (
	"strings"
	"time"

	"github.com/sfmcp/sfmcp/salesforce/soql"
)

// pred is a compiled WHERE/HAVING condition.
type pred func(r *record) bool

// operandFn resolves the left side of a comparison to a getter and its field type.
type operandFn func(op soql.Operand) (get func(*record) any, f *fieldDef, pos int, err *apiError)

func (e *env) compileWhere(ob *objectDef, x soql.Expr) (pred, *apiError) {
	return e.compileCond(x, func(op soql.Operand) (func(*record) any, *fieldDef, int, *apiError) {
		return e.whereOperand(ob, op)
	})
}

// whereOperand resolves a field path or a date function of one.
func (e *env) whereOperand(ob *objectDef, op soql.Operand) (func(*record) any, *fieldDef, int, *apiError) {
	switch x := op.(type) {
	case *soql.FieldRef:
		p, err := e.resolve(ob, x.Path, x.Pos)
		if err != nil {
			return nil, nil, 0, err
		}
		if t := p.leaf.Type; t == tTextarea || t == tBase64 {
			return nil, nil, 0, e.errAt("INVALID_FIELD", x.Pos, "field '"+p.leaf.Name+"' can not be filtered in a query call")
		}
		return e.getter(p), p.leaf, x.Pos, nil
	case *soql.FuncCall:
		if x.IsAggregate() {
			return nil, nil, 0, e.errAt("MALFORMED_QUERY", x.Pos, "Aggregate functions are not allowed in the WHERE clause: "+x.Name)
		}
		return e.dateFuncOperand(ob, x)
	}
	return nil, nil, 0, errMalformedQuery("unsupported operand")
}

func (e *env) compileCond(x soql.Expr, left operandFn) (pred, *apiError) {
	switch c := x.(type) {
	case *soql.AndExpr, *soql.OrExpr:
		var list []soql.Expr
		and := false
		if a, ok := c.(*soql.AndExpr); ok {
			list, and = a.Exprs, true
		} else {
			list = c.(*soql.OrExpr).Exprs
		}
		ps := make([]pred, len(list))
		for i, sub := range list {
			p, err := e.compileCond(sub, left)
			if err != nil {
				return nil, err
			}
			ps[i] = p
		}
		if and {
			return func(r *record) bool {
				for _, p := range ps {
					if !p(r) {
						return false
					}
				}
				return true
			}, nil
		}
		return func(r *record) bool {
			for _, p := range ps {
				if p(r) {
					return true
				}
			}
			return false
		}, nil
	case *soql.NotExpr:
		p, err := e.compileCond(c.Expr, left)
		if err != nil {
			return nil, err
		}
		return func(r *record) bool { return !p(r) }, nil
	case *soql.Comparison:
		get, f, pos, err := left(c.Left)
		if err != nil {
			return nil, err
		}
		return e.comparison(get, f, pos, c)
	}
	return nil, errMalformedQuery("unsupported condition")
}

// typeWord is the type name Salesforce uses in filter-criterion errors.
func typeWord(f *fieldDef) string {
	switch f.Type {
	case tCurrency, tDouble, tPercent:
		return "double"
	case tInt:
		return "integer"
	case tBool:
		return "boolean"
	case tDate:
		return "date"
	case tDateTime:
		return "dateTime"
	}
	return "string"
}

func (e *env) criterionErr(pos int, f *fieldDef) *apiError {
	quoted := "should not be enclosed in quotes"
	if f.textual() {
		quoted = "should be enclosed in quotes"
	}
	return e.errAt("INVALID_FIELD", pos, "value of filter criterion for field '"+f.Name+"' must be of type "+typeWord(f)+" and "+quoted)
}

// literal converts a right-hand literal for field f. A date literal yields a range.
func (e *env) literal(f *fieldDef, v soql.Value, pos int) (any, *dateRange, *apiError) {
	switch x := v.(type) {
	case *soql.NullValue:
		return nil, nil, nil
	case *soql.StringValue:
		if !f.textual() {
			return nil, nil, e.criterionErr(pos, f)
		}
		if f.isID() {
			if x.Value == "" {
				return nil, nil, nil
			}
			id, ok := normID(x.Value)
			if !ok {
				return nil, nil, e.errAt("INVALID_QUERY_FILTER_OPERATOR", pos, "invalid ID field: "+x.Value)
			}
			return id, nil, nil
		}
		return x.Value, nil, nil
	case *soql.NumberValue:
		if !f.numeric() {
			return nil, nil, e.criterionErr(pos, f)
		}
		return x.Float64(), nil, nil
	case *soql.BoolValue:
		if f.Type != tBool {
			return nil, nil, e.criterionErr(pos, f)
		}
		return x.Value, nil, nil
	case *soql.DateValue:
		if f.Type != tDate {
			return nil, nil, e.criterionErr(pos, f)
		}
		return time.Date(x.Year, time.Month(x.Month), x.Day, 0, 0, 0, 0, time.UTC), nil, nil
	case *soql.DateTimeValue:
		if f.Type != tDateTime {
			return nil, nil, e.criterionErr(pos, f)
		}
		return x.Time().UTC(), nil, nil
	case *soql.DateLiteral:
		if f.Type != tDate && f.Type != tDateTime {
			return nil, nil, e.criterionErr(pos, f)
		}
		rg, ok := literalRange(x.Name, x.N, e.now)
		if !ok {
			return nil, nil, e.errAt("MALFORMED_QUERY", pos, "unexpected token: "+x.Name)
		}
		return nil, &rg, nil
	}
	return nil, nil, e.errAt("MALFORMED_QUERY", pos, "unexpected value")
}

func (e *env) comparison(get func(*record) any, f *fieldDef, pos int, c *soql.Comparison) (pred, *apiError) {
	switch c.Op {
	case soql.OpIn, soql.OpNotIn:
		return e.inPred(get, f, pos, c)
	case soql.OpIncludes, soql.OpExcludes:
		return e.includesPred(get, f, pos, c)
	case soql.OpLike:
		s, ok := c.Right.(*soql.StringValue)
		if !ok || !f.textual() {
			return nil, e.criterionErr(pos, f)
		}
		m := compileLike(s.Raw)
		return func(r *record) bool {
			v, ok := get(r).(string)
			return ok && m.match(v)
		}, nil
	}
	val, rg, err := e.literal(f, c.Right, pos)
	if err != nil {
		return nil, err
	}
	if rg != nil {
		return rangePred(get, c.Op, *rg), nil
	}
	fold := f.textual() && !f.isID()
	if val == nil {
		switch c.Op {
		case soql.OpEq:
			return func(r *record) bool { return get(r) == nil }, nil
		case soql.OpNe:
			return func(r *record) bool { return get(r) != nil }, nil
		}
		return func(*record) bool { return false }, nil
	}
	if f.Type == tMulti {
		want := splitMulti(val.(string))
		eq := func(r *record) bool { v, ok := get(r).(string); return ok && sameSet(splitMulti(v), want) }
		if c.Op == soql.OpNe {
			return func(r *record) bool { return !eq(r) }, nil
		}
		return eq, nil
	}
	if fold {
		s := val.(string)
		switch c.Op {
		case soql.OpEq:
			return func(r *record) bool { v, ok := get(r).(string); return ok && strings.EqualFold(v, s) }, nil
		case soql.OpNe:
			return func(r *record) bool { v, ok := get(r).(string); return !ok || !strings.EqualFold(v, s) }, nil
		}
	}
	op := c.Op
	return func(r *record) bool {
		v := get(r)
		if v == nil {
			return op == soql.OpNe
		}
		d := compareValues(v, val, fold)
		switch op {
		case soql.OpEq:
			return d == 0
		case soql.OpNe:
			return d != 0
		case soql.OpLt:
			return d < 0
		case soql.OpLe:
			return d <= 0
		case soql.OpGt:
			return d > 0
		case soql.OpGe:
			return d >= 0
		}
		return false
	}, nil
}

func (e *env) inPred(get func(*record) any, f *fieldDef, pos int, c *soql.Comparison) (pred, *apiError) {
	neg := c.Op == soql.OpNotIn
	var vals []any
	hasNull := false
	set := map[string]bool{}
	switch rv := c.Right.(type) {
	case *soql.SubQuery:
		ids, err := e.semiJoin(f, pos, rv.Query)
		if err != nil {
			return nil, err
		}
		set = ids
	case *soql.ListValue:
		for _, lv := range rv.Values {
			v, rg, err := e.literal(f, lv, pos)
			if err != nil {
				return nil, err
			}
			if rg != nil {
				return nil, e.criterionErr(pos, f)
			}
			if v == nil {
				hasNull = true
			} else if s, ok := v.(string); ok {
				if !f.isID() {
					s = strings.ToLower(s)
				}
				set[s] = true
			} else {
				vals = append(vals, v)
			}
		}
	default:
		return nil, e.errAt("MALFORMED_QUERY", pos, "unexpected token: IN")
	}
	lower := !f.isID()
	return func(r *record) bool {
		v := get(r)
		in := false
		switch x := v.(type) {
		case nil:
			in = hasNull
		case string:
			if lower {
				x = strings.ToLower(x)
			}
			in = set[x]
		default:
			for _, w := range vals {
				if compareValues(v, w, false) == 0 {
					in = true
					break
				}
			}
		}
		return in != neg
	}, nil
}

// semiJoin runs "SELECT idField FROM X WHERE ..." once and returns the id set.
func (e *env) semiJoin(f *fieldDef, pos int, q *soql.Query) (map[string]bool, *apiError) {
	if !f.isID() {
		return nil, e.errAt("INVALID_FIELD", pos, "semi join sub-selects are only allowed on id and reference fields")
	}
	fr, ok := q.Select[0].(*soql.FieldRef)
	if len(q.Select) != 1 || !ok {
		return nil, e.errAt("MALFORMED_QUERY", q.FromPos, "semi join sub-selects can select only one field")
	}
	sub, err := e.compile(q)
	if err != nil {
		return nil, err
	}
	p, err := e.resolve(sub.obj, fr.Path, fr.Pos)
	if err != nil {
		return nil, err
	}
	if !p.leaf.isID() {
		return nil, e.errAt("INVALID_FIELD", fr.Pos, "semi join sub-selects can only select id or reference fields")
	}
	set := map[string]bool{}
	for _, r := range sub.rows() {
		if s, ok := e.get(p, r).(string); ok {
			set[s] = true
		}
	}
	return set, nil
}

func splitMulti(s string) []string { return strings.Split(s, ";") }

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	return containsAll(a, b)
}

func containsAll(have, want []string) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			if strings.EqualFold(strings.TrimSpace(h), strings.TrimSpace(w)) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func (e *env) includesPred(get func(*record) any, f *fieldDef, pos int, c *soql.Comparison) (pred, *apiError) {
	if f.Type != tMulti {
		return nil, e.errAt("INVALID_QUERY_FILTER_OPERATOR", pos, "includes or excludes operator only valid on multipicklist field")
	}
	lv, ok := c.Right.(*soql.ListValue)
	if !ok {
		return nil, e.criterionErr(pos, f)
	}
	var terms [][]string
	for _, v := range lv.Values {
		s, ok := v.(*soql.StringValue)
		if !ok {
			return nil, e.criterionErr(pos, f)
		}
		terms = append(terms, splitMulti(s.Value))
	}
	excl := c.Op == soql.OpExcludes
	return func(r *record) bool {
		v, _ := get(r).(string)
		have := splitMulti(v)
		hit := false
		for _, t := range terms {
			if v != "" && containsAll(have, t) {
				hit = true
				break
			}
		}
		return hit != excl
	}, nil
}
