package emulator

import (
	"strings"
	"time"

	"github.com/sfmcp/sfmcp/salesforce/soql"
)

// env is the context of one query execution.
type env struct {
	o    *Org
	u    *User
	stmt string
	all  bool // queryAll: include recycle-bin rows
	now  time.Time
}

func (e *env) errAt(code string, pos int, msg string) *apiError {
	return &apiError{Status: 400, Code: code, Message: soql.NewError(e.stmt, pos, msg).Error()}
}

func (e *env) noColumn(pos int, field, obj string) *apiError {
	return e.errAt("INVALID_FIELD", pos, noSuchColumn(field, obj))
}

func (e *env) badRelationship(pos int, rel string) *apiError {
	return e.errAt("INVALID_FIELD", pos, "Didn't understand relationship '"+rel+"' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.")
}

// visibleRow reports whether a row takes part in the query for this user.
func (e *env) visibleRow(r *record) bool {
	return (!r.deleted || e.all) && canRead(e.u, r)
}

// nameObject is the pseudo-object behind polymorphic relationships (Who, What, Owner on
// activities): attributes.type is "Name" and only these fields exist.
var nameObject = func() *objectDef {
	ob := &objectDef{Name: "Name", Fields: []*fieldDef{
		newField("Id", "Id", tID, 18), fStr("Name", "Name", 255), fStr("Type", "Type", 40),
		fStr("FirstName", "First Name", 40), fStr("LastName", "Last Name", 80), fEmail("Email", "Email"),
		fPhone("Phone", "Phone"), fStr("Title", "Title", 80), fStr("Alias", "Alias", 8),
		fStr("Username", "Username", 80), fBool("IsActive", "Active"),
	}}
	ob.index()
	return ob
}()

// path is a resolved field path: zero or more relationship hops, then a leaf field.
type path struct {
	hops []*fieldDef // reference fields followed, in order
	leaf *fieldDef   // leaf field (on nameObject when the last hop is polymorphic)
	poly bool        // leaf is resolved by name on the actual parent record
}

// target returns the object a reference field points to (nameObject if polymorphic).
func (e *env) target(f *fieldDef) *objectDef {
	if f.polymorphic() {
		return nameObject
	}
	return e.o.db.object(f.ReferenceTo[0])
}

// resolve resolves a written path on ob. pos is used for error carets.
func (e *env) resolve(ob *objectDef, segs []string, pos int) (*path, *apiError) {
	p := &path{}
	cur := ob
	for i, s := range segs {
		if i == len(segs)-1 {
			f := cur.field(s)
			if f == nil || (cur != nameObject && !visibleField(e.u, f)) {
				return nil, e.noColumn(pos, s, cur.Name)
			}
			p.leaf, p.poly = f, cur == nameObject
			return p, nil
		}
		if cur == nameObject {
			return nil, e.badRelationship(pos, s)
		}
		f := cur.rel(s)
		if f == nil || !visibleField(e.u, f) {
			return nil, e.badRelationship(pos, s)
		}
		p.hops = append(p.hops, f)
		cur = e.target(f)
	}
	return p, nil
}

// parent follows one hop from r; nil when the lookup is empty, the parent is deleted or
// not visible to the user.
func (e *env) parent(r *record, hop *fieldDef) *record {
	id, _ := r.vals[hop.idx].(string)
	if id == "" {
		return nil
	}
	p := e.o.db.byID[id]
	if p == nil || p.deleted || !canRead(e.u, p) {
		return nil
	}
	return p
}

// polyValue reads a nameObject field from the actual record.
func polyValue(r *record, f *fieldDef) any {
	switch f.Name {
	case "Type":
		return r.obj.Name
	case "Name":
		return nilIfEmpty(nameOf(r))
	case "Id":
		return r.ID
	}
	if rf := r.obj.field(f.Name); rf != nil {
		return r.vals[rf.idx]
	}
	return nil
}

// getter returns a function evaluating p; direct fields skip the path walk.
func (e *env) getter(p *path) func(*record) any {
	if len(p.hops) == 0 && !p.poly {
		idx := p.leaf.idx
		return func(r *record) any { return r.vals[idx] }
	}
	return func(r *record) any { return e.get(p, r) }
}

// get evaluates the path on r.
func (e *env) get(p *path, r *record) any {
	for _, h := range p.hops {
		if r = e.parent(r, h); r == nil {
			return nil
		}
	}
	if p.poly {
		return polyValue(r, p.leaf)
	}
	return r.vals[p.leaf.idx]
}

// outNode is one key of a rendered record: a leaf field, a parent relationship (nested
// object), a TYPEOF, or a child subquery.
type outNode struct {
	key    string
	leaf   *fieldDef   // leaf value of the current record
	hop    *fieldDef   // relationship: nested record
	kids   []*outNode  // relationship children
	child  *childPlan  // parent-to-child subquery
	typeOf *typeOfNode // TYPEOF
}

type typeOfNode struct {
	whens map[string][]*fieldDef // object name -> fields
	els   []*fieldDef            // ELSE fields on nameObject, may be nil
}

// addPath inserts a resolved path into the output tree.
func addPath(nodes []*outNode, p *path) []*outNode {
	if len(p.hops) == 0 {
		for _, n := range nodes {
			if n.leaf == p.leaf {
				return nodes
			}
		}
		return append(nodes, &outNode{key: p.leaf.Name, leaf: p.leaf})
	}
	h := p.hops[0]
	rest := &path{hops: p.hops[1:], leaf: p.leaf, poly: p.poly}
	for _, n := range nodes {
		if n.hop == h {
			n.kids = addPath(n.kids, rest)
			return nodes
		}
	}
	return append(nodes, &outNode{key: h.RelationshipName, hop: h, kids: addPath(nil, rest)})
}

// compileTypeOf resolves a TYPEOF select item.
func (e *env) compileTypeOf(ob *objectDef, t *soql.TypeOf) (*outNode, *apiError) {
	f := ob.rel(t.Field)
	if f == nil || !f.polymorphic() || !visibleField(e.u, f) {
		return nil, e.badRelationship(0, t.Field)
	}
	tn := &typeOfNode{whens: map[string][]*fieldDef{}}
	for _, w := range t.Whens {
		wob := e.o.db.object(w.Object)
		if wob == nil {
			return nil, e.errAt("INVALID_TYPE", 0, notSupported(w.Object))
		}
		for _, fr := range w.Fields {
			wf := wob.field(fr.Path[len(fr.Path)-1])
			if len(fr.Path) != 1 || wf == nil || !visibleField(e.u, wf) {
				return nil, e.noColumn(fr.Pos, strings.Join(fr.Path, "."), wob.Name)
			}
			tn.whens[wob.Name] = append(tn.whens[wob.Name], wf)
		}
	}
	for _, fr := range t.Else {
		ef := nameObject.field(fr.Path[len(fr.Path)-1])
		if len(fr.Path) != 1 || ef == nil {
			return nil, e.noColumn(fr.Pos, strings.Join(fr.Path, "."), "Name")
		}
		tn.els = append(tn.els, ef)
	}
	return &outNode{key: f.RelationshipName, hop: f, typeOf: tn}, nil
}
