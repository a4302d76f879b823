package emulator

import (
	"strings"
	"sync"
	"time"
)

// Record is one stored row.
type Record struct {
	obj     *Object
	ID      string
	vals    []any
	deleted bool
}

// get returns the value of f (nil for null).
func (r *Record) get(f *Field) any { return r.vals[f.idx] }

// ownerID returns the record's OwnerId, "" if the object has no owner.
func (r *Record) ownerID() string {
	if r.obj.owner == nil {
		return ""
	}
	s, _ := r.vals[r.obj.owner.idx].(string)
	return s
}

// store holds the org's schema and records. Guarded by Org.mu.
type store struct {
	objects  map[string]*Object // lower-case name (plus aliases such as contentdocument)
	order    []*Object
	byPrefix map[string]*Object
	rows     map[*Object][]*Record // in creation (= id) order, deleted rows included
	byID     map[string]*Record    // 18-char id
	created  time.Time             // schema timestamp (describe Last-Modified)

	locMu    sync.Mutex
	locators map[string]*locator
	locSeq   uint64
}

func newStore(o *Org) *store {
	s := &store{
		objects:  map[string]*Object{},
		byPrefix: map[string]*Object{},
		rows:     map[*Object][]*Record{},
		byID:     map[string]*Record{},
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
		cr := &ChildRel{Name: d.name, Child: c, Field: c.field(d.field), Cascade: d.cascade}
		p.Children = append(p.Children, cr)
		p.childBy[strings.ToLower(d.name)] = cr
	}
	return s
}

// object finds an object by API name, case-insensitively; nil if unknown.
func (s *store) object(name string) *Object { return s.objects[strings.ToLower(name)] }

// objectOfID returns the object a (normalized) id belongs to.
func (s *store) objectOfID(id string) *Object {
	if len(id) < 3 {
		return nil
	}
	return s.byPrefix[id[:3]]
}

// lookup returns the record with the given 18-char id, or nil.
func (s *store) lookup(id string) *Record { return s.byID[id] }

// slabSize is how many records are allocated together: records and their values are laid
// out contiguously in creation order, so that table scans walk memory sequentially.
const slabSize = 256

// newRecord allocates a record with a fresh id (not yet inserted).
func (s *store) newRecord(ob *Object) *Record {
	ob.nextID++
	if len(ob.recSlab) == 0 {
		ob.recSlab = make([]Record, slabSize)
		ob.valSlab = make([]any, slabSize*len(ob.Fields))
	}
	r := &ob.recSlab[0]
	ob.recSlab = ob.recSlab[1:]
	n := len(ob.Fields)
	*r = Record{obj: ob, ID: makeID(ob.KeyPrefix, ob.nextID+1<<20), vals: ob.valSlab[:n:n]}
	ob.valSlab = ob.valSlab[n:]
	return r
}

// insert adds a record to the indexes.
func (s *store) insert(r *Record) {
	r.vals[0] = r.ID
	s.rows[r.obj] = append(s.rows[r.obj], r)
	s.byID[r.ID] = r
}

// canRead reports whether u may see rec (object permission and sharing; deleted rows
// are handled by the caller).
func canRead(u *User, rec *Record) bool {
	p := u.Profile
	if !p.perms(rec.obj.Name).Read {
		return false
	}
	return !p.private(rec.obj.Name) || rec.ownerID() == u.ID
}

// canEdit reports whether u may update rec.
func canEdit(u *User, rec *Record) bool {
	return canRead(u, rec) && u.Profile.perms(rec.obj.Name).Edit && rec.obj.Updateable
}

// canDelete reports whether u may delete rec.
func canDelete(u *User, rec *Record) bool {
	return canRead(u, rec) && u.Profile.perms(rec.obj.Name).Delete && rec.obj.Deletable
}

// visibleField reports whether FLS lets u see f.
func visibleField(u *User, f *Field) bool { return u.Profile.fieldVisible(f.obj.Name, f.Name) }

// nameOf returns the display name of a record (its name field), "" if none.
func nameOf(r *Record) string {
	if r == nil || r.obj.NameField == nil {
		return ""
	}
	s, _ := r.vals[r.obj.NameField.idx].(string)
	return s
}
