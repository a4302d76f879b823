package emulator

import "strings"

// Field types (describe "type" values).
const (
	tID       = "id"
	tString   = "string"
	tTextarea = "textarea"
	tPicklist = "picklist"
	tMulti    = "multipicklist"
	tCombo    = "combobox"
	tRef      = "reference"
	tBool     = "boolean"
	tCurrency = "currency"
	tDouble   = "double"
	tPercent  = "percent"
	tInt      = "int"
	tDate     = "date"
	tDateTime = "datetime"
	tEmail    = "email"
	tPhone    = "phone"
	tURL      = "url"
	tBase64   = "base64"
)

// fieldDef is one field of an emulated object. Values are stored per record in a slice
// indexed by fieldDef.idx: string (text, ids, picklists), float64 (numbers), bool, time.Time
// (date: UTC midnight; datetime: UTC), or nil.
type fieldDef struct {
	Name, Label, Type  string
	Length             int
	Nillable           bool
	Createable         bool
	Updateable         bool
	DefaultedOnCreate  bool
	Default            any // value set on create when absent
	Picklist           []string
	DefaultPick        string
	Restricted         bool
	ReferenceTo        []string
	RelationshipName   string
	ExternalID, Unique bool
	IDLookup           bool
	NameField          bool
	Calculated         bool
	Custom             bool
	Scale              int

	idx int
	obj *objectDef
}

// polymorphic reports whether a reference field points at more than one object type.
func (f *fieldDef) polymorphic() bool { return len(f.ReferenceTo) > 1 }

// numeric reports whether values are float64.
func (f *fieldDef) numeric() bool {
	switch f.Type {
	case tCurrency, tDouble, tPercent, tInt:
		return true
	}
	return false
}

// textual reports whether values are strings.
func (f *fieldDef) textual() bool {
	switch f.Type {
	case tBool, tCurrency, tDouble, tPercent, tInt, tDate, tDateTime:
		return false
	}
	return true
}

// isID reports whether values are record ids (compared case-sensitively).
func (f *fieldDef) isID() bool { return f.Type == tID || f.Type == tRef }

// required reports whether describe would call the field required on create.
func (f *fieldDef) required() bool { return f.Createable && !f.Nillable && !f.DefaultedOnCreate }

// childRel is a parent-to-child relationship.
type childRel struct {
	Name    string     // relationship name, e.g. "Contacts"
	Child   *objectDef // e.g. Contact
	Field   *fieldDef  // the child's reference field, e.g. Contact.AccountId
	Cascade bool       // child is deleted with the parent
}

// objectDef is an emulated sObject type.
type objectDef struct {
	Name, Label, LabelPlural, KeyPrefix string
	Custom                              bool
	Createable, Updateable, Deletable   bool
	Searchable                          bool
	Fields                              []*fieldDef
	Children                            []*childRel
	NameField                           *fieldDef

	byName  map[string]*fieldDef // lower-case field name
	byRel   map[string]*fieldDef // lower-case relationship name -> reference field
	childBy map[string]*childRel // lower-case child relationship name
	owner   *fieldDef            // OwnerId or nil
	nextID  uint64
	recSlab []record // preallocated records (store.newRecord)
	valSlab []any    // preallocated value slots
}

// field finds a field by name, case-insensitively.
func (ob *objectDef) field(name string) *fieldDef { return ob.byName[strings.ToLower(name)] }

// rel finds a reference field by relationship name, case-insensitively.
func (ob *objectDef) rel(name string) *fieldDef { return ob.byRel[strings.ToLower(name)] }

// child finds a child relationship by name, case-insensitively.
func (ob *objectDef) child(name string) *childRel { return ob.childBy[strings.ToLower(name)] }

func (ob *objectDef) index() {
	ob.byName = map[string]*fieldDef{}
	ob.byRel = map[string]*fieldDef{}
	ob.childBy = map[string]*childRel{}
	for i, f := range ob.Fields {
		f.idx, f.obj = i, ob
		ob.byName[strings.ToLower(f.Name)] = f
		if f.RelationshipName != "" {
			ob.byRel[strings.ToLower(f.RelationshipName)] = f
		}
		if f.NameField {
			ob.NameField = f
		}
		if f.Name == "OwnerId" {
			ob.owner = f
		}
	}
}

// field builders ---------------------------------------------------------------

func newField(name, label, typ string, length int) *fieldDef {
	f := &fieldDef{Name: name, Label: label, Type: typ, Length: length, Nillable: true,
		Createable: true, Updateable: true, Custom: strings.HasSuffix(name, "__c")}
	if typ == tBool {
		f.Nillable, f.DefaultedOnCreate, f.Default = false, true, false
	}
	return f
}

func fStr(name, label string, n int) *fieldDef  { return newField(name, label, tString, n) }
func fText(name, label string, n int) *fieldDef { return newField(name, label, tTextarea, n) }
func fEmail(name, label string) *fieldDef       { return newField(name, label, tEmail, 80) }
func fPhone(name, label string) *fieldDef       { return newField(name, label, tPhone, 40) }
func fURL(name, label string) *fieldDef         { return newField(name, label, tURL, 255) }
func fBool(name, label string) *fieldDef        { return newField(name, label, tBool, 0) }
func fDate(name, label string) *fieldDef        { return newField(name, label, tDate, 0) }
func fDateTime(name, label string) *fieldDef    { return newField(name, label, tDateTime, 0) }
func fInt(name, label string) *fieldDef         { return newField(name, label, tInt, 0) }
func fNum(name, label, typ string) *fieldDef {
	f := newField(name, label, typ, 0)
	f.Scale = 2
	return f
}
func fBase64(name, label string) *fieldDef { return newField(name, label, tBase64, 0) }
func fPick(name, label string, v ...string) *fieldDef {
	f := newField(name, label, tPicklist, 255)
	f.Picklist = v
	return f
}
func fMulti(name, label string, v ...string) *fieldDef {
	f := newField(name, label, tMulti, 4099)
	f.Picklist = v
	return f
}
func fRef(name, label, rel string, to ...string) *fieldDef {
	f := newField(name, label, tRef, 18)
	f.RelationshipName, f.ReferenceTo = rel, to
	return f
}

// req makes the field required on create.
func (f *fieldDef) req() *fieldDef { f.Nillable = false; return f }

// ro makes the field read-only (system or calculated).
func (f *fieldDef) ro() *fieldDef { f.Createable, f.Updateable = false, false; return f }

// calc marks a read-only calculated field.
func (f *fieldDef) calc() *fieldDef { f.Calculated = true; return f.ro() }

// createOnly makes the field settable on create only.
func (f *fieldDef) createOnly() *fieldDef { f.Updateable = false; return f }

// def sets a default applied on create; a picklist default is also flagged in describe.
func (f *fieldDef) def(v any) *fieldDef {
	f.DefaultedOnCreate, f.Default = true, v
	if s, ok := v.(string); ok && (f.Type == tPicklist || f.Type == tCombo) {
		f.DefaultPick = s
	}
	return f
}

// nonNull makes a defaulted field non-nillable.
func (f *fieldDef) nonNull() *fieldDef { f.Nillable = false; return f }

func (f *fieldDef) restricted() *fieldDef { f.Restricted = true; return f }
func (f *fieldDef) name() *fieldDef       { f.NameField, f.IDLookup = true, true; return f }
func (f *fieldDef) ext() *fieldDef        { f.ExternalID, f.IDLookup = true, true; return f }
func (f *fieldDef) unique() *fieldDef     { f.Unique = true; return f }
