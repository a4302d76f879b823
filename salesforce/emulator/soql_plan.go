package emulator

import (
	"strings"
	"sync"

	"github.com/sfmcp/sfmcp/salesforce/soql"
)

// plan is a compiled (sub)query.
type plan struct {
	e         *env
	obj       *objectDef
	nodes     []*outNode
	where     pred
	order     []orderKey
	limit     int // -1: none
	offset    int
	countOnly bool
	mine      bool     // USING SCOPE Mine
	agg       *aggPlan // aggregate query
}

// childPlan is a parent-to-child subquery.
type childPlan struct {
	rel   *childRel
	plan  *plan
	once  sync.Once
	index map[string][]*record // parent id -> matching children, built on first use
}

// orderKey is one ORDER BY item.
type orderKey struct {
	get       func(*record) any
	field     *fieldDef
	desc      bool
	nullsLast bool
	fold      bool // case-insensitive text
}

const maxOffset = 2000

// compile compiles the root query.
func (e *env) compile(q *soql.Query) (*plan, *apiError) {
	ob := e.o.db.object(q.From)
	if ob == nil || strings.EqualFold(q.From, "ContentDocument") || !e.u.Profile.perms(ob.Name).Read {
		return nil, e.errAt("INVALID_TYPE", q.FromPos, notSupported(q.From))
	}
	if ob.Name == "ContentDocumentLink" && !cdlFiltered(q.Where) {
		return nil, errMalformedQuery("Implementation restriction: ContentDocumentLink requires a filter by a single Id on ContentDocumentId or LinkedEntityId using the equals operator or multiple Id's using the IN operator.")
	}
	return e.compileOn(ob, q, false)
}

// cdlFiltered reports whether a top-level conjunct filters ContentDocumentId or
// LinkedEntityId with = or IN.
func cdlFiltered(w soql.Expr) bool {
	switch x := w.(type) {
	case *soql.AndExpr:
		for _, c := range x.Exprs {
			if cdlFiltered(c) {
				return true
			}
		}
	case *soql.Comparison:
		f, ok := x.Left.(*soql.FieldRef)
		if ok && len(f.Path) == 1 && (x.Op == soql.OpEq || x.Op == soql.OpIn) {
			n := strings.ToLower(f.Path[0])
			return n == "contentdocumentid" || n == "linkedentityid"
		}
	}
	return false
}

func (e *env) compileOn(ob *objectDef, q *soql.Query, child bool) (*plan, *apiError) {
	p := &plan{e: e, obj: ob, limit: -1}
	if q.Limit != nil {
		p.limit = *q.Limit
	}
	if q.Offset != nil {
		if *q.Offset > maxOffset {
			return nil, &apiError{Status: 400, Code: "NUMBER_OUTSIDE_VALID_RANGE", Message: "Maximum SOQL offset allowed is 2000"}
		}
		p.offset = *q.Offset
	}
	p.mine = strings.EqualFold(q.Scope, "Mine")
	if q.Where != nil {
		w, err := e.compileWhere(ob, q.Where)
		if err != nil {
			return nil, err
		}
		p.where = w
	}
	if q.CountOnly() {
		if len(q.GroupBy) > 0 {
			return nil, errMalformedQuery("COUNT() cannot be used with GROUP BY")
		}
		p.countOnly = true
		return p, nil
	}
	if q.IsAggregate() {
		if child {
			return nil, errMalformedQuery("Aggregate functions are not supported in a parent-to-child subquery")
		}
		return p, e.compileAggregate(p, q)
	}
	for _, it := range q.Select {
		if ff, ok := it.(*soql.FieldsFunc); ok && ff.Set != "STANDARD" && (q.Limit == nil || *q.Limit > 200) {
			return nil, errMalformedQuery("The SOQL FIELDS function must have a LIMIT of at most 200")
		}
		if err := e.compileSelectItem(p, it, child); err != nil {
			return nil, err
		}
	}
	for _, oi := range q.OrderBy {
		fr, ok := oi.Expr.(*soql.FieldRef)
		if !ok {
			return nil, errMalformedQuery("ORDER BY of a function requires an aggregate query")
		}
		pa, err := e.resolve(ob, fr.Path, fr.Pos)
		if err != nil {
			return nil, err
		}
		p.order = append(p.order, e.orderKey(e.getter(pa), pa.leaf, oi))
	}
	return p, nil
}

func (e *env) orderKey(get func(*record) any, f *fieldDef, oi soql.OrderItem) orderKey {
	k := orderKey{get: get, field: f, desc: oi.Desc, nullsLast: oi.Desc, fold: f == nil || (f.textual() && !f.isID())}
	if oi.NullsLast != nil {
		k.nullsLast = *oi.NullsLast
	}
	return k
}

func (e *env) compileSelectItem(p *plan, it soql.SelectItem, child bool) *apiError {
	switch x := it.(type) {
	case *soql.FieldRef:
		pa, err := e.resolve(p.obj, x.Path, x.Pos)
		if err != nil {
			return err
		}
		p.nodes = addPath(p.nodes, pa)
	case *soql.FuncCall:
		// toLabel(f), FORMAT(f), convertCurrency(f): the field's own value.
		switch x.Name {
		case "TOLABEL", "FORMAT", "CONVERTCURRENCY":
		default:
			return e.errAt("MALFORMED_QUERY", x.Pos, "unexpected token: "+x.Name)
		}
		fr, ok := x.Args[0].(*soql.FieldRef)
		if len(x.Args) != 1 || !ok {
			return e.errAt("MALFORMED_QUERY", x.Pos, "unexpected token: "+x.Name)
		}
		pa, err := e.resolve(p.obj, fr.Path, fr.Pos)
		if err != nil {
			return err
		}
		p.nodes = addPath(p.nodes, pa)
		if x.Alias != "" {
			p.nodes[len(p.nodes)-1].key = x.Alias
		}
	case *soql.SubQuery:
		if child {
			return errMalformedQuery("Nesting of parent-to-child subqueries is not supported")
		}
		cr := p.obj.child(x.Query.From)
		if cr == nil || !e.u.Profile.perms(cr.Child.Name).Read {
			return e.errAt("INVALID_TYPE", x.Query.FromPos, "Didn't understand relationship '"+x.Query.From+"' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.")
		}
		sub, err := e.compileOn(cr.Child, x.Query, true)
		if err != nil {
			return err
		}
		p.nodes = append(p.nodes, &outNode{key: cr.Name, child: &childPlan{rel: cr, plan: sub}})
	case *soql.FieldsFunc:
		for _, f := range p.obj.Fields {
			if visibleField(e.u, f) && (x.Set == "ALL" || (x.Set == "CUSTOM") == f.Custom) {
				p.nodes = addPath(p.nodes, &path{leaf: f})
			}
		}
	case *soql.TypeOf:
		n, err := e.compileTypeOf(p.obj, x)
		if err != nil {
			return err
		}
		p.nodes = append(p.nodes, n)
	}
	return nil
}
