package soql

import "strings"

// Refs lists every field the query touches: SELECT fields, function
// arguments, WHERE, GROUP BY, HAVING, ORDER BY, TYPEOF branches (as
// [relationship, field]), FIELDS(...) (see Ref.Path), child subqueries (Child set, Object = the parent
// object) and semi-join subqueries (Object = the subquery's FROM). Alias
// prefixes are removed. Duplicates (compared case-insensitively) are
// reported once, in order of first appearance.
func (q *Query) Refs() []Ref {
	r := refWalker{seen: map[string]bool{}}
	r.query(q, q.From, "")
	return r.out
}

type refWalker struct {
	out  []Ref
	seen map[string]bool
}

func (r *refWalker) add(object, child string, path []string) {
	key := strings.ToLower(object + "\x00" + child + "\x00" + strings.Join(path, "."))
	if r.seen[key] {
		return
	}
	r.seen[key] = true
	r.out = append(r.out, Ref{Object: object, Child: child, Path: append([]string(nil), path...)})
}

func (r *refWalker) query(q *Query, object, child string) {
	for _, it := range q.Select {
		switch it := it.(type) {
		case *SubQuery:
			c := it.Query.From
			if child != "" {
				c = child + "." + c
			}
			r.query(it.Query, object, c)
		case *TypeOf:
			for _, w := range it.Whens {
				for _, f := range w.Fields {
					r.add(object, child, append([]string{it.Field}, f.Path...))
				}
			}
			for _, f := range it.Else {
				r.add(object, child, append([]string{it.Field}, f.Path...))
			}
		case *FieldsFunc:
			r.add(object, child, []string{"FIELDS(" + it.Set + ")"})
		case Arg:
			r.arg(it, object, child)
		}
	}
	r.cond(q.Where, object, child)
	for _, g := range q.GroupBy {
		r.arg(g, object, child)
	}
	r.cond(q.Having, object, child)
	for _, o := range q.OrderBy {
		r.arg(o.Expr, object, child)
	}
}

func (r *refWalker) arg(a Arg, object, child string) {
	switch a := a.(type) {
	case *FieldRef:
		r.add(object, child, a.Path)
	case *FuncCall:
		for _, x := range a.Args {
			r.arg(x, object, child)
		}
	}
}

func (r *refWalker) cond(e Expr, object, child string) {
	switch e := e.(type) {
	case *AndExpr:
		for _, x := range e.Exprs {
			r.cond(x, object, child)
		}
	case *OrExpr:
		for _, x := range e.Exprs {
			r.cond(x, object, child)
		}
	case *NotExpr:
		r.cond(e.Expr, object, child)
	case *Comparison:
		r.arg(e.Left, object, child)
		if sq, ok := e.Right.(*SubQuery); ok {
			r.query(sq.Query, sq.Query.From, "")
		}
	}
}

// Objects returns the object API names the query reads: the root FROM
// object first, then the objects of semi-join subqueries (anywhere in the
// query), without duplicates (compared case-insensitively). Child
// subqueries name relationships, not objects, and are not included.
func (q *Query) Objects() []string {
	var out []string
	add := func(s string) {
		for _, o := range out {
			if strings.EqualFold(o, s) {
				return
			}
		}
		out = append(out, s)
	}
	add(q.From)
	var walkQ func(q *Query)
	var walkE func(e Expr)
	walkE = func(e Expr) {
		switch e := e.(type) {
		case *AndExpr:
			for _, x := range e.Exprs {
				walkE(x)
			}
		case *OrExpr:
			for _, x := range e.Exprs {
				walkE(x)
			}
		case *NotExpr:
			walkE(e.Expr)
		case *Comparison:
			if sq, ok := e.Right.(*SubQuery); ok {
				add(sq.Query.From)
				walkQ(sq.Query)
			}
		}
	}
	walkQ = func(q *Query) {
		for _, it := range q.Select {
			if sq, ok := it.(*SubQuery); ok {
				walkQ(sq.Query)
			}
		}
		walkE(q.Where)
		walkE(q.Having)
	}
	walkQ(q)
	return out
}

// aggregateFuncs are the SOQL aggregate functions.
var aggregateFuncs = map[string]bool{
	"COUNT": true, "COUNT_DISTINCT": true, "SUM": true, "AVG": true,
	"MIN": true, "MAX": true, "GROUPING": true,
}

// IsAggregate reports whether f is an aggregate function (COUNT,
// COUNT_DISTINCT, SUM, AVG, MIN, MAX, GROUPING).
func (f *FuncCall) IsAggregate() bool { return aggregateFuncs[f.Name] }

// IsAggregate reports whether the query is an aggregate query: it has a
// GROUP BY, or its SELECT list uses an aggregate function (also inside
// another function, e.g. FORMAT(MIN(Amount))). Results of aggregate
// queries are AggregateResult rows, except for CountOnly queries.
func (q *Query) IsAggregate() bool {
	if len(q.GroupBy) > 0 {
		return true
	}
	for _, it := range q.Select {
		if f, ok := it.(*FuncCall); ok && hasAggregate(f) {
			return true
		}
	}
	return false
}

func hasAggregate(f *FuncCall) bool {
	if f.IsAggregate() {
		return true
	}
	for _, a := range f.Args {
		if g, ok := a.(*FuncCall); ok && hasAggregate(g) {
			return true
		}
	}
	return false
}

// CountOnly reports whether the query is SELECT COUNT() FROM ..., which
// returns only totalSize and no records.
func (q *Query) CountOnly() bool {
	if len(q.Select) != 1 {
		return false
	}
	f, ok := q.Select[0].(*FuncCall)
	return ok && f.Name == "COUNT" && len(f.Args) == 0
}
