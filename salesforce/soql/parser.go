package soql

import (
	"strconv"
	"strings"
)

// Parse parses one SOQL SELECT statement. The error, if any, is a *SyntaxError.
func Parse(soql string) (q *Query, err error) {
	if strings.TrimSpace(soql) == "" {
		return nil, &SyntaxError{Row: 1, Col: 1, Token: "<EOF>", Msg: msgEmpty, Statement: soql}
	}
	p := &parser{src: soql, toks: lex(soql)}
	defer func() {
		if r := recover(); r != nil {
			se, ok := r.(*SyntaxError)
			if !ok {
				panic(r)
			}
			q, err = nil, se
		}
	}()
	q = p.query(0)
	if t := p.peek(); t.kind != tEOF {
		p.fail(t)
	}
	return q, nil
}

// maxDepth bounds subquery and parenthesis nesting.
const maxDepth = 64

type parser struct {
	src  string
	toks []token
	i    int
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) peekAt(n int) token {
	if p.i+n < len(p.toks) {
		return p.toks[p.i+n]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

// fail aborts parsing with a syntax error at t.
func (p *parser) fail(t token) {
	msg := "unexpected token: " + t.text
	if t.kind == tError {
		msg = t.val
	}
	e := NewError(p.src, t.pos, msg)
	e.Token = t.text
	panic(e)
}

func isKw(t token, kw string) bool { return t.kind == tIdent && strings.EqualFold(t.text, kw) }

func isPunct(t token, s string) bool { return t.kind == tPunct && t.text == s }

func (p *parser) acceptKw(kw string) bool {
	if isKw(p.peek(), kw) {
		p.i++
		return true
	}
	return false
}

func (p *parser) expectKw(kw string) token {
	t := p.next()
	if !isKw(t, kw) {
		p.fail(t)
	}
	return t
}

func (p *parser) acceptPunct(s string) bool {
	if isPunct(p.peek(), s) {
		p.i++
		return true
	}
	return false
}

func (p *parser) expectPunct(s string) {
	if t := p.next(); !isPunct(t, s) {
		p.fail(t)
	}
}

// ident consumes an identifier that is not a reserved word.
func (p *parser) ident() token {
	t := p.next()
	if t.kind != tIdent || reserved(t.text) {
		p.fail(t)
	}
	return t
}

// reservedWords cannot be used as aliases or as a bare field name.
var reservedWords = map[string]bool{
	"AND": true, "ASC": true, "BY": true, "DESC": true, "ELSE": true, "END": true,
	"EXCLUDES": true, "FALSE": true, "FOR": true, "FROM": true, "GROUP": true,
	"HAVING": true, "IN": true, "INCLUDES": true, "LIKE": true, "LIMIT": true,
	"NOT": true, "NULL": true, "NULLS": true, "OFFSET": true, "OR": true,
	"ORDER": true, "SELECT": true, "THEN": true, "TRUE": true, "TYPEOF": true,
	"UPDATE": true, "USING": true, "WHEN": true, "WHERE": true, "WITH": true,
}

func reserved(s string) bool {
	if len(s) > 8 {
		return false
	}
	var buf [8]byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		buf[i] = c
	}
	return reservedWords[string(buf[:len(s)])]
}

// query parses SELECT ... up to (not including) the end of input or the
// closing parenthesis of a subquery.
func (p *parser) query(depth int) *Query {
	if depth > maxDepth {
		p.fail(p.peek())
	}
	q := &Query{}
	p.expectKw("SELECT")
	for {
		q.Select = append(q.Select, p.selectItem(depth))
		if !p.acceptPunct(",") {
			break
		}
	}
	if !isKw(p.peek(), "FROM") {
		// "SELECT Id, Name FRM Account": Salesforce points at FRM, not at
		// what follows it, so an alias on a plain field is blamed first.
		if f, ok := q.Select[len(q.Select)-1].(*FieldRef); ok && f.Alias != "" {
			p.fail(p.toks[p.i-1])
		}
	}
	p.expectKw("FROM")
	from := p.next()
	if from.kind != tIdent {
		p.fail(from)
	}
	q.From, q.FromPos = from.text, from.pos
	if t := p.peek(); t.kind == tIdent && !reserved(t.text) {
		q.Alias = p.next().text
	}
	if p.acceptKw("USING") {
		p.expectKw("SCOPE")
		q.Scope = p.ident().text
	}
	if p.acceptKw("WHERE") {
		q.Where = p.cond(depth)
	}
	if p.acceptKw("WITH") {
		t := p.next()
		switch w := strings.ToUpper(t.text); {
		case t.kind == tIdent && (w == "SECURITY_ENFORCED" || w == "USER_MODE" || w == "SYSTEM_MODE"):
			q.With = w
		default:
			p.fail(t)
		}
	}
	if p.acceptKw("GROUP") {
		p.expectKw("BY")
		p.groupBy(q, depth)
	}
	if p.acceptKw("HAVING") {
		q.Having = p.cond(depth)
	}
	if p.acceptKw("ORDER") {
		p.expectKw("BY")
		for {
			q.OrderBy = append(q.OrderBy, p.orderItem(depth))
			if !p.acceptPunct(",") {
				break
			}
		}
	}
	if p.acceptKw("LIMIT") {
		q.Limit = p.intValue()
	}
	if p.acceptKw("OFFSET") {
		q.Offset = p.intValue()
	}
	p.forUpdate(q)
	stripAlias(q)
	return q
}

// forUpdate parses [FOR VIEW|REFERENCE] [UPDATE TRACKING|VIEWSTAT] [FOR UPDATE].
func (p *parser) forUpdate(q *Query) {
	for {
		switch {
		case q.For == "" && isKw(p.peek(), "FOR"):
			p.next()
			t := p.next()
			w := strings.ToUpper(t.text)
			if t.kind != tIdent || (w != "VIEW" && w != "REFERENCE" && w != "UPDATE") {
				p.fail(t)
			}
			q.For = w
		case q.Update == "" && q.For != "UPDATE" && isKw(p.peek(), "UPDATE"):
			p.next()
			t := p.next()
			w := strings.ToUpper(t.text)
			if t.kind != tIdent || (w != "TRACKING" && w != "VIEWSTAT") {
				p.fail(t)
			}
			q.Update = w
		default:
			return
		}
	}
}

func (p *parser) intValue() *int {
	t := p.next()
	if t.kind != tNumber || !isDigit(t.text[0]) || strings.IndexByte(t.text, '.') >= 0 {
		p.fail(t)
	}
	n, err := strconv.Atoi(t.text)
	if err != nil {
		p.fail(t)
	}
	return &n
}

func (p *parser) selectItem(depth int) SelectItem {
	t := p.peek()
	if isPunct(t, "(") {
		p.next()
		sq := &SubQuery{Query: p.query(depth + 1)}
		p.expectPunct(")")
		return sq
	}
	if isKw(t, "TYPEOF") && p.peekAt(1).kind == tIdent {
		return p.typeOf()
	}
	if isKw(t, "FIELDS") && isPunct(p.peekAt(1), "(") {
		p.next()
		p.next()
		a := p.next()
		set := strings.ToUpper(a.text)
		if a.kind != tIdent || (set != "ALL" && set != "STANDARD" && set != "CUSTOM") {
			p.fail(a)
		}
		p.expectPunct(")")
		return &FieldsFunc{Set: set}
	}
	op := p.operand(depth)
	if a := p.peek(); a.kind == tIdent && !reserved(a.text) {
		p.next()
		switch o := op.(type) {
		case *FieldRef:
			o.Alias = a.text
		case *FuncCall:
			o.Alias = a.text
		}
	}
	return op.(SelectItem)
}

func (p *parser) typeOf() *TypeOf {
	p.next() // TYPEOF
	to := &TypeOf{Field: p.ident().text}
	for p.acceptKw("WHEN") {
		w := TypeOfWhen{Object: p.ident().text}
		p.expectKw("THEN")
		w.Fields = p.fieldList()
		to.Whens = append(to.Whens, w)
	}
	if len(to.Whens) == 0 {
		p.fail(p.peek())
	}
	if p.acceptKw("ELSE") {
		to.Else = p.fieldList()
	}
	p.expectKw("END")
	return to
}

func (p *parser) fieldList() []*FieldRef {
	var fs []*FieldRef
	for {
		fs = append(fs, p.path())
		if !p.acceptPunct(",") {
			return fs
		}
	}
}

// operand parses a field path or a function call.
func (p *parser) operand(depth int) Operand {
	if p.peek().kind == tIdent && isPunct(p.peekAt(1), "(") {
		return p.funcCall(depth)
	}
	return p.path()
}

// path parses ident(.ident)*. A reserved word may be a segment only when
// followed by "." (relationships named Order or Group exist).
func (p *parser) path() *FieldRef {
	t := p.next()
	if t.kind != tIdent || (reserved(t.text) && !isPunct(p.peek(), ".")) {
		p.fail(t)
	}
	f := &FieldRef{Path: []string{t.text}, Pos: t.pos}
	for p.acceptPunct(".") {
		s := p.next()
		if s.kind != tIdent || (reserved(s.text) && !isPunct(p.peek(), ".")) {
			p.fail(s)
		}
		f.Path = append(f.Path, s.text)
	}
	return f
}

func (p *parser) funcCall(depth int) *FuncCall {
	if depth > maxDepth {
		p.fail(p.peek())
	}
	name := p.next()
	if reserved(name.text) {
		p.fail(name)
	}
	p.next() // (
	f := &FuncCall{Name: strings.ToUpper(name.text), Pos: name.pos}
	if p.acceptPunct(")") {
		return f
	}
	for {
		f.Args = append(f.Args, p.arg(depth+1))
		if !p.acceptPunct(",") {
			break
		}
	}
	p.expectPunct(")")
	return f
}

func (p *parser) arg(depth int) Arg {
	t := p.peek()
	if t.kind == tIdent && !isKw(t, "TRUE") && !isKw(t, "FALSE") && !isKw(t, "NULL") {
		if _, ok := dateLiterals[strings.ToUpper(t.text)]; !ok || isPunct(p.peekAt(1), "(") || isPunct(p.peekAt(1), ".") {
			return p.operand(depth)
		}
	}
	return p.scalar().(Arg)
}

func (p *parser) groupBy(q *Query, depth int) {
	t := p.peek()
	if (isKw(t, "ROLLUP") || isKw(t, "CUBE")) && isPunct(p.peekAt(1), "(") {
		p.next()
		p.next()
		q.GroupByKind = strings.ToUpper(t.text)
		for {
			q.GroupBy = append(q.GroupBy, p.operand(depth))
			if !p.acceptPunct(",") {
				break
			}
		}
		p.expectPunct(")")
		return
	}
	for {
		q.GroupBy = append(q.GroupBy, p.operand(depth))
		if !p.acceptPunct(",") {
			return
		}
	}
}

func (p *parser) orderItem(depth int) OrderItem {
	it := OrderItem{Expr: p.operand(depth)}
	if p.acceptKw("DESC") {
		it.Desc = true
	} else {
		p.acceptKw("ASC")
	}
	if p.acceptKw("NULLS") {
		t := p.next()
		switch {
		case isKw(t, "LAST"):
			v := true
			it.NullsLast = &v
		case isKw(t, "FIRST"):
			v := false
			it.NullsLast = &v
		default:
			p.fail(t)
		}
	}
	return it
}
