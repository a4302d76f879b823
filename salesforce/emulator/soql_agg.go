package emulator

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sfmcp/sfmcp/salesforce/soql"
)

// aggPlan is the aggregate part of a query. Result rows are records of a synthetic
// AggregateResult object whose fields are the group keys and aggregate columns
// (including hidden ones used only by HAVING or ORDER BY).
type aggPlan struct {
	obj    *objectDef
	groups []aggCol
	aggs   []aggCol
	out    []aggOut // rendered columns, in SELECT order
	having pred
	n      int // expr counter
}

// aggOut is one rendered column: its JSON key and the synthetic field holding it.
type aggOut struct {
	name string
	f    *fieldDef
}

type aggCol struct {
	sig string
	fn  string // "" for group keys
	get func(*record) any
	src *fieldDef
	f   *fieldDef // synthetic field
}

func fieldSig(path []string) string { return strings.ToLower(strings.Join(path, ".")) }

func (e *env) compileAggregate(p *plan, q *soql.Query) *apiError {
	a := &aggPlan{obj: &objectDef{Name: "AggregateResult"}}
	p.agg = a
	if q.GroupByKind != "" {
		return errMalformedQuery("GROUP BY " + q.GroupByKind + " is not supported by this org")
	}
	for _, g := range q.GroupBy {
		get, f, _, err := e.whereOperand(p.obj, g)
		if err != nil {
			return err
		}
		key := f.Name
		if fr, ok := g.(*soql.FieldRef); ok {
			key = fr.Path[len(fr.Path)-1]
			if rf := p.obj.field(key); rf != nil && len(fr.Path) == 1 {
				key = rf.Name
			}
		}
		a.groups = append(a.groups, aggCol{sig: operandSig(g), get: get, src: f, f: synthField(key, f.Type)})
	}
	for _, it := range q.Select {
		var col *aggCol
		alias := ""
		var err *apiError
		switch x := it.(type) {
		case *soql.FieldRef:
			col, alias = a.find(fieldSig(x.Path)), x.Alias
			if col == nil {
				return e.errAt("MALFORMED_QUERY", x.Pos, "Field must be grouped or aggregated: "+strings.Join(x.Path, "."))
			}
			if len(x.Path) > 1 && alias == "" {
				alias = col.f.Name
			}
		case *soql.FuncCall:
			alias = x.Alias
			col, err = e.aggOperand(p, a, unwrapFormat(x))
		default:
			return errMalformedQuery("Field must be grouped or aggregated")
		}
		if err != nil {
			return err
		}
		name := alias
		if name == "" {
			if _, isRef := it.(*soql.FieldRef); isRef {
				name = col.f.Name
			} else {
				name = "expr" + strconv.Itoa(a.n)
				a.n++
			}
		}
		a.out = append(a.out, aggOut{name: name, f: col.f})
	}
	if q.Having != nil {
		h, err := e.compileCond(q.Having, func(op soql.Operand) (func(*record) any, *fieldDef, int, *apiError) {
			col, err := e.aggOperand(p, a, op)
			if err != nil {
				return nil, nil, 0, err
			}
			f := col.f
			return func(r *record) any { return r.vals[f.idx] }, f, 0, nil
		})
		if err != nil {
			return err
		}
		a.having = h
	}
	for _, oi := range q.OrderBy {
		col, err := e.aggOperand(p, a, oi.Expr)
		if err != nil {
			return err
		}
		idx := col.f
		p.order = append(p.order, e.orderKey(func(r *record) any { return r.vals[idx.idx] }, col.src, oi))
	}
	for _, c := range a.groups {
		a.obj.Fields = append(a.obj.Fields, c.f)
	}
	for _, c := range a.aggs {
		a.obj.Fields = append(a.obj.Fields, c.f)
	}
	for i, f := range a.obj.Fields {
		f.idx = i
	}
	return nil
}

// unwrapFormat strips FORMAT()/toLabel()/convertCurrency() around an operand.
func unwrapFormat(x *soql.FuncCall) soql.Operand {
	switch x.Name {
	case "FORMAT", "TOLABEL", "CONVERTCURRENCY":
		if len(x.Args) == 1 {
			if op, ok := x.Args[0].(soql.Operand); ok {
				return op
			}
		}
	}
	return x
}

func synthField(name, typ string) *fieldDef {
	f := newField(name, name, typ, 0)
	return f
}

func operandSig(op soql.Operand) string {
	switch x := op.(type) {
	case *soql.FieldRef:
		return fieldSig(x.Path)
	case *soql.FuncCall:
		var args []string
		for _, a := range x.Args {
			if fr, ok := a.(*soql.FieldRef); ok {
				args = append(args, fieldSig(fr.Path))
			}
		}
		return x.Name + "(" + strings.Join(args, ",") + ")"
	}
	return ""
}

func (a *aggPlan) find(sig string) *aggCol {
	for i := range a.groups {
		if a.groups[i].sig == sig {
			return &a.groups[i]
		}
	}
	for i := range a.aggs {
		if a.aggs[i].sig == sig {
			return &a.aggs[i]
		}
	}
	return nil
}

// aggOperand finds or adds the column for a group key or aggregate call.
func (e *env) aggOperand(p *plan, a *aggPlan, op soql.Operand) (*aggCol, *apiError) {
	sig := operandSig(op)
	if c := a.find(sig); c != nil {
		return c, nil
	}
	x, ok := op.(*soql.FuncCall)
	if !ok || !x.IsAggregate() {
		pos := 0
		if fr, ok := op.(*soql.FieldRef); ok {
			pos = fr.Pos
		} else if x != nil {
			pos = x.Pos
		}
		return nil, e.errAt("MALFORMED_QUERY", pos, "Field must be grouped or aggregated: "+sig)
	}
	col := aggCol{sig: sig, fn: x.Name}
	typ := tInt
	if len(x.Args) > 0 {
		fr, ok := x.Args[0].(*soql.FieldRef)
		if !ok || len(x.Args) != 1 {
			return nil, e.errAt("MALFORMED_QUERY", x.Pos, "unexpected token: "+x.Name)
		}
		pa, err := e.resolve(p.obj, fr.Path, fr.Pos)
		if err != nil {
			return nil, err
		}
		col.src = pa.leaf
		col.get = e.getter(pa)
		switch x.Name {
		case "SUM", "AVG":
			if !pa.leaf.numeric() {
				return nil, e.errAt("INVALID_FIELD", fr.Pos, "field "+pa.leaf.Name+" does not support aggregate operator "+x.Name)
			}
			typ = pa.leaf.Type
			if x.Name == "AVG" && typ == tInt {
				typ = tDouble
			}
		case "MIN", "MAX":
			typ = pa.leaf.Type
		}
	} else if x.Name != "COUNT" {
		return nil, e.errAt("MALFORMED_QUERY", x.Pos, "unexpected token: )")
	}
	col.f = synthField(sig, typ)
	a.aggs = append(a.aggs, col)
	return &a.aggs[len(a.aggs)-1], nil
}

// acc accumulates one aggregate column for one group.
type acc struct {
	n        int
	sum      float64
	min, max any
	distinct map[string]bool
}

// aggregateRows groups the matching rows and returns AggregateResult records.
func (p *plan) aggregateRows(rows []*record) []*record {
	a := p.agg
	type group struct {
		keys []any
		accs []acc
	}
	groups := map[string]*group{}
	var order []*group
	var kb strings.Builder
	for _, r := range rows {
		kb.Reset()
		keys := make([]any, len(a.groups))
		for i, g := range a.groups {
			keys[i] = g.get(r)
			fmt.Fprintf(&kb, "%T:%v|", keys[i], keys[i])
		}
		g := groups[kb.String()]
		if g == nil {
			g = &group{keys: keys, accs: make([]acc, len(a.aggs))}
			groups[kb.String()] = g
			order = append(order, g)
		}
		for i, c := range a.aggs {
			ac := &g.accs[i]
			if c.get == nil {
				ac.n++
				continue
			}
			v := c.get(r)
			if v == nil {
				continue
			}
			ac.n++
			if f, ok := v.(float64); ok {
				ac.sum += f
			}
			if ac.min == nil || compareValues(v, ac.min, true) < 0 {
				ac.min = v
			}
			if ac.max == nil || compareValues(v, ac.max, true) > 0 {
				ac.max = v
			}
			if c.fn == "COUNT_DISTINCT" {
				if ac.distinct == nil {
					ac.distinct = map[string]bool{}
				}
				ac.distinct[strings.ToLower(fmt.Sprint(v))] = true
			}
		}
	}
	if len(a.groups) == 0 && len(order) == 0 {
		order = append(order, &group{accs: make([]acc, len(a.aggs))})
	}
	out := make([]*record, 0, len(order))
	for _, g := range order {
		rec := &record{obj: a.obj, vals: make([]any, len(a.obj.Fields))}
		copy(rec.vals, g.keys)
		for i, c := range a.aggs {
			rec.vals[len(a.groups)+i] = g.accs[i].result(c.fn)
		}
		if a.having == nil || a.having(rec) {
			out = append(out, rec)
		}
	}
	return out
}

func (ac *acc) result(fn string) any {
	switch fn {
	case "COUNT":
		return float64(ac.n)
	case "COUNT_DISTINCT":
		return float64(len(ac.distinct))
	case "SUM":
		if ac.n == 0 {
			return nil
		}
		return ac.sum
	case "AVG":
		if ac.n == 0 {
			return nil
		}
		return ac.sum / float64(ac.n)
	case "MIN":
		return ac.min
	case "MAX":
		return ac.max
	}
	return nil
}
