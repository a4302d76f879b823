package emulator

import (
	"strings"
	"sync"
	"time"
)

// record is one stored row.
type record struct {
	obj     *objectDef
	ID      string
	vals    []any
	deleted bool
}

// get returns the value of f (nil for null).
func (r *record) get(f *fieldDef) any { return r.vals[f.idx] }

// ownerID returns the record's OwnerId, "" if the object has no owner.
func (r *record) ownerID() string {
	if r.obj.owner == nil {
		return ""
	}
	s, _ := r.vals[r.obj.owner.idx].(string)
	return s
}

// store holds the org's schema and records. Guarded by Org.mu.
type store struct {
	objects  map[string]*objectDef // lower-case name (plus aliases such as contentdocument)
	order    []*objectDef
	byPrefix map[string]*objectDef
	rows     map[*objectDef][]*record // in creation (= id) order, deleted rows included
	byID     map[string]*record       // 18-char id
	created  time.Time                // schema timestamp (describe Last-Modified)

	locMu    sync.Mutex
	locators map[string]*locator
	locSeq   uint64
}

func newStore(o *Org) *store {
	s := &store{
		objects:  map[string]*objectDef{},
		byPrefix: map[string]*objectDef{},
		rows:     map[*objectDef][]*record{},
		byID:     map[string]*record{},
		created:  o.now().UTC().Truncate(time.Second),
		locators: map[string]*locator{},
	}
	for _, ob := range buildSchema() {
		ob.index()
		s.objects[strings.ToLower(ob.Name)] = ob
		s.byPrefix[ob.KeyPrefix] = ob
		s.order = append(s.order, ob)
	}
	s.objects["contentdocument"] = s.objects["contentnote"]
	for _, d := range childRelDefs {
		p, c := s.objects[strings.ToLower(d.parent)], s.objects[strings.ToLower(d.child)]
		cr := &childRel{Name: d.name, Child: c, Field: c.field(d.field), Cascade: d.cascade}
		p.Children = append(p.Children, cr)
		p.childBy[strings.ToLower(d.name)] = cr
	}
	return s
}

// object finds an object by API name, case-insensitively; nil if unknown.
func (s *store) object(name string) *objectDef { return s.objects[strings.ToLower(name)] }

// objectOfID returns the object a (normalized) id belongs to.
func (s *store) objectOfID(id string) *objectDef {
	if len(id) < 3 {
		return nil
	}
	return s.byPrefix[id[:3]]
}

// lookup returns the record with the given 18-char id, or nil.
func (s *store) lookup(id string) *record { return s.byID[id] }

// slabSize is how many records are allocated together: records and their values are laid
// out contiguously in creation order, so that table scans walk memory sequentially.
const slabSize = 256

// newRecord allocates a record with a fresh id (not yet inserted).
func (s *store) newRecord(ob *objectDef) *record {
	ob.nextID++
	if len(ob.recSlab) == 0 {
		ob.recSlab = make([]record, slabSize)
		ob.valSlab = make([]any, slabSize*len(ob.Fields))
	}
	r := &ob.recSlab[0]
	ob.recSlab = ob.recSlab[1:]
	n := len(ob.Fields)
	*r = record{obj: ob, ID: makeID(ob.KeyPrefix, ob.nextID+1<<20), vals: ob.valSlab[:n:n]}
	ob.valSlab = ob.valSlab[n:]
	return r
}

// insert adds a record to the indexes.
func (s *store) insert(r *record) {
	r.vals[0] = r.ID
	s.rows[r.obj] = append(s.rows[r.obj], r)
	s.byID[r.ID] = r
}

// canRead reports whether u may see rec (object permission and sharing; deleted rows
// are handled by the caller).
func canRead(u *User, rec *record) bool {
	p := u.Profile
	if !p.perms(rec.obj.Name).Read {
		return false
	}
	return !p.private(rec.obj.Name) || rec.ownerID() == u.ID
}

// canEdit reports whether u may update rec.
func canEdit(u *User, rec *record) bool {
	return canRead(u, rec) && u.Profile.perms(rec.obj.Name).Edit && rec.obj.Updateable
}

// canDelete reports whether u may delete rec.
func canDelete(u *User, rec *record) bool {
	return canRead(u, rec) && u.Profile.perms(rec.obj.Name).Delete && rec.obj.Deletable
}

// visibleField reports whether FLS lets u see f.
func visibleField(u *User, f *fieldDef) bool { return u.Profile.fieldVisible(f.obj.Name, f.Name) }

// nameOf returns the display name of a record (its name field), "" if none.
func nameOf(r *record) string {
	if r == nil || r.obj.NameField == nil {
		return ""
	}
	s, _ := r.vals[r.obj.NameField.idx].(string)
	return s
}
