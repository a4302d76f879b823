package soql

import "strings"

// cond parses a WHERE/HAVING condition with Salesforce's grammar:
//
//	cond := NOT term | term (AND term)* | term (OR term)*
//	term := ( cond ) | comparison
//
// so AND and OR cannot be mixed at one level without parentheses, and NOT
// after AND/OR needs them too: "a AND (NOT b)".
func (p *parser) cond(depth int) Expr {
	if depth > maxDepth {
		p.fail(p.peek())
	}
	if p.acceptKw("NOT") {
		return &NotExpr{Expr: p.term(depth)}
	}
	first := p.term(depth)
	conj := ""
	var list []Expr
	for {
		t := p.peek()
		var c string
		switch {
		case isKw(t, "AND"):
			c = "AND"
		case isKw(t, "OR"):
			c = "OR"
		default:
			switch conj {
			case "AND":
				return &AndExpr{Exprs: list}
			case "OR":
				return &OrExpr{Exprs: list}
			}
			return first
		}
		if conj != "" && c != conj {
			p.fail(t)
		}
		if conj == "" {
			list = append(list, first)
		}
		conj = c
		p.next()
		list = append(list, p.term(depth))
	}
}

// term parses ( cond ) | comparison.
func (p *parser) term(depth int) Expr {
	if p.acceptPunct("(") {
		e := p.cond(depth + 1)
		p.expectPunct(")")
		return e
	}
	return p.comparison(depth)
}

func (p *parser) comparison(depth int) *Comparison {
	c := &Comparison{Left: p.operand(depth)}
	t := p.next()
	switch {
	case t.kind == tPunct:
		switch t.text {
		case "=", "!=", "<", "<=", ">", ">=":
			c.Op = t.text
		case "<>":
			c.Op = OpNe
		default:
			p.fail(t)
		}
		c.Right = p.scalar()
	case isKw(t, "LIKE"):
		c.Op = OpLike
		c.Right = p.scalar()
	case isKw(t, "IN"):
		c.Op = OpIn
		c.Right = p.list(depth, true)
	case isKw(t, "NOT"):
		p.expectKw("IN")
		c.Op = OpNotIn
		c.Right = p.list(depth, true)
	case isKw(t, "INCLUDES"):
		c.Op = OpIncludes
		c.Right = p.list(depth, false)
	case isKw(t, "EXCLUDES"):
		c.Op = OpExcludes
		c.Right = p.list(depth, false)
	default:
		p.fail(t)
	}
	return c
}

// list parses ( value, ... ) or, if semi is true, ( SELECT ... ).
func (p *parser) list(depth int, semi bool) Value {
	p.expectPunct("(")
	if semi && isKw(p.peek(), "SELECT") {
		sq := &SubQuery{Query: p.query(depth + 1)}
		p.expectPunct(")")
		return sq
	}
	l := &ListValue{}
	for {
		l.Values = append(l.Values, p.scalar())
		if !p.acceptPunct(",") {
			break
		}
	}
	p.expectPunct(")")
	return l
}

// scalar parses a literal value.
func (p *parser) scalar() Value {
	t := p.next()
	switch t.kind {
	case tString:
		return &StringValue{Value: t.val, Raw: t.text[1 : len(t.text)-1]}
	case tNumber:
		return &NumberValue{Text: t.text}
	case tDate:
		return &DateValue{Text: t.text, Year: atoi(t.text[0:4]), Month: atoi(t.text[5:7]), Day: atoi(t.text[8:10])}
	case tDateTime:
		return &DateTimeValue{Text: t.text}
	case tIdent:
		switch {
		case isKw(t, "NULL"):
			return &NullValue{}
		case isKw(t, "TRUE"):
			return &BoolValue{Value: true}
		case isKw(t, "FALSE"):
			return &BoolValue{Value: false}
		}
		name := strings.ToUpper(t.text)
		takesN, ok := dateLiterals[name]
		if !ok {
			p.fail(t)
		}
		d := &DateLiteral{Name: name}
		if takesN {
			p.expectPunct(":")
			d.N = *p.intValue()
		}
		return d
	}
	p.fail(t)
	return nil
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// dateLiterals maps each relative date literal (WIRE.md §4.2) to whether it
// takes ":n".
var dateLiterals = map[string]bool{
	"YESTERDAY": false, "TODAY": false, "TOMORROW": false,
	"LAST_WEEK": false, "THIS_WEEK": false, "NEXT_WEEK": false,
	"LAST_MONTH": false, "THIS_MONTH": false, "NEXT_MONTH": false,
	"LAST_90_DAYS": false, "NEXT_90_DAYS": false,
	"LAST_N_DAYS": true, "NEXT_N_DAYS": true, "N_DAYS_AGO": true,
	"LAST_N_WEEKS": true, "NEXT_N_WEEKS": true, "N_WEEKS_AGO": true,
	"LAST_N_MONTHS": true, "NEXT_N_MONTHS": true, "N_MONTHS_AGO": true,
	"THIS_QUARTER": false, "LAST_QUARTER": false, "NEXT_QUARTER": false,
	"LAST_N_QUARTERS": true, "NEXT_N_QUARTERS": true, "N_QUARTERS_AGO": true,
	"THIS_YEAR": false, "LAST_YEAR": false, "NEXT_YEAR": false,
	"LAST_N_YEARS": true, "NEXT_N_YEARS": true, "N_YEARS_AGO": true,
	"THIS_FISCAL_QUARTER": false, "LAST_FISCAL_QUARTER": false, "NEXT_FISCAL_QUARTER": false,
	"LAST_N_FISCAL_QUARTERS": true, "NEXT_N_FISCAL_QUARTERS": true, "N_FISCAL_QUARTERS_AGO": true,
	"THIS_FISCAL_YEAR": false, "LAST_FISCAL_YEAR": false, "NEXT_FISCAL_YEAR": false,
	"LAST_N_FISCAL_YEARS": true, "NEXT_N_FISCAL_YEARS": true, "N_FISCAL_YEARS_AGO": true,
}

// stripAlias removes q.Alias from the front of q's own field paths (not
// those of its subqueries, which have their own scope).
func stripAlias(q *Query) {
	if q.Alias == "" {
		return
	}
	strip := func(f *FieldRef) {
		if len(f.Path) > 1 && strings.EqualFold(f.Path[0], q.Alias) {
			f.Path = f.Path[1:]
		}
	}
	walkOwnFields(q, strip)
}

// walkOwnFields calls fn for every FieldRef of q itself (SELECT fields and
// function arguments, WHERE/HAVING left sides, GROUP BY, ORDER BY), not
// those inside subqueries or TYPEOF.
func walkOwnFields(q *Query, fn func(*FieldRef)) {
	var arg func(a Arg)
	arg = func(a Arg) {
		switch a := a.(type) {
		case *FieldRef:
			fn(a)
		case *FuncCall:
			for _, x := range a.Args {
				arg(x)
			}
		}
	}
	var cond func(e Expr)
	cond = func(e Expr) {
		switch e := e.(type) {
		case *AndExpr:
			for _, x := range e.Exprs {
				cond(x)
			}
		case *OrExpr:
			for _, x := range e.Exprs {
				cond(x)
			}
		case *NotExpr:
			cond(e.Expr)
		case *Comparison:
			arg(e.Left)
		}
	}
	for _, it := range q.Select {
		if a, ok := it.(Arg); ok {
			arg(a)
		}
	}
	cond(q.Where)
	for _, g := range q.GroupBy {
		arg(g)
	}
	cond(q.Having)
	for _, o := range q.OrderBy {
		arg(o.Expr)
	}
}
