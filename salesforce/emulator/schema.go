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

// Field is one field of an emulated object. Values are stored per record in a slice
// indexed by Field.idx: string (text, ids, picklists), float64 (numbers), bool, time.Time
// (date: UTC midnight; datetime: UTC), or nil.
type Field struct {
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
	obj *Object
}

// polymorphic reports whether a reference field points at more than one object type.
func (f *Field) polymorphic() bool { return len(f.ReferenceTo) > 1 }

// numeric reports whether values are float64.
func (f *Field) numeric() bool {
	switch f.Type {
	case tCurrency, tDouble, tPercent, tInt:
		return true
	}
	return false
}

// textual reports whether values are strings.
func (f *Field) textual() bool {
	switch f.Type {
	case tBool, tCurrency, tDouble, tPercent, tInt, tDate, tDateTime:
		return false
	}
	return true
}

// isID reports whether values are record ids (compared case-sensitively).
func (f *Field) isID() bool { return f.Type == tID || f.Type == tRef }

// required reports whether describe would call the field required on create.
func (f *Field) required() bool { return f.Createable && !f.Nillable && !f.DefaultedOnCreate }

// ChildRel is a parent-to-child relationship.
type ChildRel struct {
	Name    string  // relationship name, e.g. "Contacts"
	Child   *Object // e.g. Contact
	Field   *Field  // the child's reference field, e.g. Contact.AccountId
	Cascade bool    // child is deleted with the parent
}

// Object is an emulated sObject type.
type Object struct {
	Name, Label, LabelPlural, KeyPrefix string
	Custom                              bool
	Createable, Updateable, Deletable   bool
	Searchable                          bool
	Fields                              []*Field
	Children                            []*ChildRel
	NameField                           *Field

	byName  map[string]*Field    // lower-case field name
	byRel   map[string]*Field    // lower-case relationship name -> reference field
	childBy map[string]*ChildRel // lower-case child relationship name
	owner   *Field               // OwnerId or nil
	nextID  uint64
	recSlab []Record // preallocated records (store.newRecord)
	valSlab []any    // preallocated value slots
}

// field finds a field by name, case-insensitively.
func (ob *Object) field(name string) *Field { return ob.byName[strings.ToLower(name)] }

// rel finds a reference field by relationship name, case-insensitively.
func (ob *Object) rel(name string) *Field { return ob.byRel[strings.ToLower(name)] }

// child finds a child relationship by name, case-insensitively.
func (ob *Object) child(name string) *ChildRel { return ob.childBy[strings.ToLower(name)] }

func (ob *Object) index() {
	ob.byName = map[string]*Field{}
	ob.byRel = map[string]*Field{}
	ob.childBy = map[string]*ChildRel{}
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

func newField(name, label, typ string, length int) *Field {
	f := &Field{Name: name, Label: label, Type: typ, Length: length, Nillable: true,
		Createable: true, Updateable: true, Custom: strings.HasSuffix(name, "__c")}
	if typ == tBool {
		f.Nillable, f.DefaultedOnCreate, f.Default = false, true, false
	}
	return f
}

func fStr(name, label string, n int) *Field  { return newField(name, label, tString, n) }
func fText(name, label string, n int) *Field { return newField(name, label, tTextarea, n) }
func fEmail(name, label string) *Field       { return newField(name, label, tEmail, 80) }
func fPhone(name, label string) *Field       { return newField(name, label, tPhone, 40) }
func fURL(name, label string) *Field         { return newField(name, label, tURL, 255) }
func fBool(name, label string) *Field        { return newField(name, label, tBool, 0) }
func fDate(name, label string) *Field        { return newField(name, label, tDate, 0) }
func fDateTime(name, label string) *Field    { return newField(name, label, tDateTime, 0) }
func fInt(name, label string) *Field         { return newField(name, label, tInt, 0) }
func fNum(name, label, typ string) *Field    { f := newField(name, label, typ, 0); f.Scale = 2; return f }
func fBase64(name, label string) *Field      { return newField(name, label, tBase64, 0) }
func fPick(name, label string, v ...string) *Field {
	f := newField(name, label, tPicklist, 255)
	f.Picklist = v
	return f
}
func fMulti(name, label string, v ...string) *Field {
	f := newField(name, label, tMulti, 4099)
	f.Picklist = v
	return f
}
func fRef(name, label, rel string, to ...string) *Field {
	f := newField(name, label, tRef, 18)
	f.RelationshipName, f.ReferenceTo = rel, to
	return f
}

// req makes the field required on create.
func (f *Field) req() *Field { f.Nillable = false; return f }

// ro makes the field read-only (system or calculated).
func (f *Field) ro() *Field { f.Createable, f.Updateable = false, false; return f }

// calc marks a read-only calculated field.
func (f *Field) calc() *Field { f.Calculated = true; return f.ro() }

// createOnly makes the field settable on create only.
func (f *Field) createOnly() *Field { f.Updateable = false; return f }

// def sets a default applied on create; a picklist default is also flagged in describe.
func (f *Field) def(v any) *Field {
	f.DefaultedOnCreate, f.Default = true, v
	if s, ok := v.(string); ok && (f.Type == tPicklist || f.Type == tCombo) {
		f.DefaultPick = s
	}
	return f
}

// nonNull makes a defaulted field non-nillable.
func (f *Field) nonNull() *Field { f.Nillable = false; return f }

func (f *Field) restricted() *Field { f.Restricted = true; return f }
func (f *Field) name() *Field       { f.NameField, f.IDLookup = true, true; return f }
func (f *Field) ext() *Field        { f.ExternalID, f.IDLookup = true, true; return f }
func (f *Field) unique() *Field     { f.Unique = true; return f }
