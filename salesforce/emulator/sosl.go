package emulator

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/sfmcp/sfmcp/salesforce/soql"
)

// SOSL subset: FIND {term} [IN ALL|NAME|EMAIL|PHONE|SIDEBAR FIELDS]
// [RETURNING Obj[(fields [WHERE ...] [ORDER BY ...] [LIMIT n] [OFFSET n])], ...]
// [WITH ...] [LIMIT n]. The part inside Obj(...) is run as SOQL.

type soslSpec struct {
	object string
	inner  string // text inside the parentheses, "" when absent
}

type soslQuery struct {
	term    string // raw text between the braces
	scope   string // ALL, NAME, EMAIL, PHONE, SIDEBAR
	specs   []soslSpec
	limit   int
	hasSpec bool
}

func errMalformedSearch(msg string) *apiError {
	return &apiError{Status: 400, Code: "MALFORMED_SEARCH", Message: msg}
}

const msgNoBraces = "No search term found. The search term must be enclosed in braces."

// parseSOSL splits a SOSL statement into its parts.
func parseSOSL(s string) (*soslQuery, *apiError) {
	t := strings.TrimSpace(s)
	if len(t) < 4 || !strings.EqualFold(t[:4], "FIND") {
		return nil, errMalformedSearch(msgNoBraces)
	}
	t = strings.TrimLeft(t[4:], " \t\r\n")
	if !strings.HasPrefix(t, "{") {
		return nil, errMalformedSearch(msgNoBraces)
	}
	end := -1
	for i := 1; i < len(t); i++ {
		if t[i] == '\\' {
			i++
			continue
		}
		if t[i] == '}' {
			end = i
			break
		}
	}
	if end < 0 {
		return nil, errMalformedSearch(msgNoBraces)
	}
	q := &soslQuery{term: t[1:end], scope: "ALL", limit: defaultBatch}
	rest := t[end+1:]
	sc := &scanner{s: rest}
	for {
		w := strings.ToUpper(sc.word())
		switch w {
		case "":
			if sc.i < len(sc.s) {
				return nil, errMalformedSearch("unexpected token: " + sc.s[sc.i:min(sc.i+20, len(sc.s))])
			}
			return q, nil
		case "IN":
			q.scope = strings.ToUpper(sc.word())
			if f := strings.ToUpper(sc.word()); f != "FIELDS" {
				return nil, errMalformedSearch("unexpected token: " + f)
			}
		case "RETURNING":
			q.hasSpec = true
			for {
				obj := sc.word()
				if obj == "" {
					return nil, errMalformedSearch("unexpected token: RETURNING")
				}
				spec := soslSpec{object: obj}
				if sc.peek() == '(' {
					inner, ok := sc.group()
					if !ok {
						return nil, errMalformedSearch("unexpected token: (")
					}
					spec.inner = inner
				}
				q.specs = append(q.specs, spec)
				if sc.peek() != ',' {
					break
				}
				sc.i++
			}
		case "WITH":
			sc.word()
			if sc.peek() == '=' { // WITH METADATA='LABELS', WITH SNIPPET(...)
				sc.i++
				sc.skipValue()
			} else if sc.peek() == '(' {
				sc.group()
			}
		case "LIMIT":
			n, err := strconv.Atoi(sc.word())
			if err != nil {
				return nil, errMalformedSearch("unexpected token: LIMIT")
			}
			q.limit = min(n, defaultBatch)
		default:
			return nil, errMalformedSearch("unexpected token: " + w)
		}
	}
}

type scanner struct {
	s string
	i int
}

func (sc *scanner) skip() {
	for sc.i < len(sc.s) && unicode.IsSpace(rune(sc.s[sc.i])) {
		sc.i++
	}
}

func (sc *scanner) peek() byte {
	sc.skip()
	if sc.i < len(sc.s) {
		return sc.s[sc.i]
	}
	return 0
}

func (sc *scanner) word() string {
	sc.skip()
	st := sc.i
	for sc.i < len(sc.s) && (isAlnum(sc.s[sc.i]) || sc.s[sc.i] == '_' || sc.s[sc.i] == '.') {
		sc.i++
	}
	return sc.s[st:sc.i]
}

func (sc *scanner) skipValue() {
	sc.skip()
	if sc.i < len(sc.s) && sc.s[sc.i] == '\'' {
		for sc.i++; sc.i < len(sc.s) && sc.s[sc.i] != '\''; sc.i++ {
			if sc.s[sc.i] == '\\' {
				sc.i++
			}
		}
		sc.i++
		return
	}
	sc.word()
}

// group reads a parenthesised group (quotes and nesting aware), returning its inside.
func (sc *scanner) group() (string, bool) {
	sc.skip()
	depth, st := 0, sc.i+1
	inQuote := false
	for ; sc.i < len(sc.s); sc.i++ {
		c := sc.s[sc.i]
		switch {
		case inQuote && c == '\\':
			sc.i++
		case c == '\'':
			inQuote = !inQuote
		case inQuote:
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				sc.i++
				return sc.s[st : sc.i-1], true
			}
		}
	}
	return "", false
}

// specSOQL turns Obj(fields WHERE ...) into a SOQL statement.
func specSOQL(sp soslSpec) string {
	inner := strings.TrimSpace(sp.inner)
	if inner == "" {
		return "SELECT Id FROM " + sp.object
	}
	cut := len(inner)
	sc := &scanner{s: inner}
	for sc.i < len(inner) {
		sc.skip()
		st := sc.i
		w := strings.ToUpper(sc.word())
		switch w {
		case "WHERE", "ORDER", "LIMIT", "OFFSET", "USING", "WITH":
			if st > 0 {
				cut = st
				sc.i = len(inner)
			}
		case "":
			if sc.i < len(inner) && inner[sc.i] == '\'' {
				sc.skipValue()
			} else {
				sc.i++
			}
		}
	}
	return "SELECT " + inner[:cut] + " FROM " + sp.object + " " + inner[cut:]
}

func (c *reqCtx) search() {
	q, err := parseSOSL(c.r.URL.Query().Get("q"))
	if err != nil {
		c.fail(err)
		return
	}
	match, err := compileSearchTerm(q.term)
	if err != nil {
		c.fail(err)
		return
	}
	c.o.mu.RLock()
	defer c.o.mu.RUnlock()
	specs := q.specs
	if !q.hasSpec {
		for _, ob := range c.o.db.order {
			if ob.Searchable && c.u.Profile.perms(ob.Name).Read {
				specs = append(specs, soslSpec{object: ob.Name})
			}
		}
	}
	b := []byte(`{"searchRecords":[`)
	if c.version < 37 {
		b = []byte(`[`)
	}
	n := 0
	for _, sp := range specs {
		stmt := specSOQL(sp)
		ast, perr := soql.Parse(stmt)
		if perr != nil {
			c.fail(errMalformedSearch(perr.Error()))
			return
		}
		e := c.o.newEnv(c.u, stmt, false)
		p, aerr := e.compile(ast)
		if aerr != nil {
			c.fail(aerr)
			return
		}
		if p.agg != nil || p.countOnly {
			c.fail(errMalformedSearch("Aggregate functions are not supported in RETURNING"))
			return
		}
		fields := searchFields(c.u, p.obj, q.scope)
		where := p.where
		p.where = func(r *record) bool { return (where == nil || where(r)) && match(r, fields) }
		for _, r := range p.rows() {
			if n >= q.limit {
				break
			}
			if n > 0 {
				b = append(b, ',')
			}
			b = p.appendRow(b, r, c.base)
			n++
		}
	}
	if c.version < 37 {
		c.writeBody(append(b, ']'))
		return
	}
	c.writeBody(append(b, "]}"...))
}

// searchFields lists the fields a search scope looks at.
func searchFields(u *User, ob *objectDef, scope string) []*fieldDef {
	var out []*fieldDef
	for _, f := range ob.Fields {
		if !visibleField(u, f) || !f.textual() || f.isID() || f.Type == tBase64 {
			continue
		}
		ok := false
		switch scope {
		case "NAME", "SIDEBAR":
			ok = f.NameField || f.Name == "FirstName" || f.Name == "LastName" || f.Name == "Company" ||
				(ob.Name == "Case" && f.Name == "Subject") || (ob.NameField == nil && f.Name == "Subject")
		case "EMAIL":
			ok = f.Type == tEmail
		case "PHONE":
			ok = f.Type == tPhone
		default:
			ok = true
		}
		if ok {
			out = append(out, f)
		}
	}
	return out
}
