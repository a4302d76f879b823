package emulator

import (
	"net/http"
	"time"
)

type urls map[string]string

type globalSObject struct {
	Activateable        bool   `json:"activateable"`
	Createable          bool   `json:"createable"`
	Custom              bool   `json:"custom"`
	CustomSetting       bool   `json:"customSetting"`
	Deletable           bool   `json:"deletable"`
	DeprecatedAndHidden bool   `json:"deprecatedAndHidden"`
	FeedEnabled         bool   `json:"feedEnabled"`
	KeyPrefix           string `json:"keyPrefix"`
	Label               string `json:"label"`
	LabelPlural         string `json:"labelPlural"`
	Layoutable          bool   `json:"layoutable"`
	Mergeable           bool   `json:"mergeable"`
	Name                string `json:"name"`
	Queryable           bool   `json:"queryable"`
	Replicateable       bool   `json:"replicateable"`
	Retrieveable        bool   `json:"retrieveable"`
	Searchable          bool   `json:"searchable"`
	Triggerable         bool   `json:"triggerable"`
	Undeletable         bool   `json:"undeletable"`
	Updateable          bool   `json:"updateable"`
	URLs                urls   `json:"urls"`
}

type picklistValue struct {
	Active       bool    `json:"active"`
	DefaultValue bool    `json:"defaultValue"`
	Label        string  `json:"label"`
	ValidFor     *string `json:"validFor"`
	Value        string  `json:"value"`
}

type describeField struct {
	Aggregatable            bool            `json:"aggregatable"`
	AutoNumber              bool            `json:"autoNumber"`
	ByteLength              int             `json:"byteLength"`
	Calculated              bool            `json:"calculated"`
	CalculatedFormula       *string         `json:"calculatedFormula"`
	CaseSensitive           bool            `json:"caseSensitive"`
	ControllerName          *string         `json:"controllerName"`
	Createable              bool            `json:"createable"`
	Custom                  bool            `json:"custom"`
	DefaultValue            any             `json:"defaultValue"`
	DefaultValueFormula     *string         `json:"defaultValueFormula"`
	DefaultedOnCreate       bool            `json:"defaultedOnCreate"`
	DependentPicklist       bool            `json:"dependentPicklist"`
	DeprecatedAndHidden     bool            `json:"deprecatedAndHidden"`
	Digits                  int             `json:"digits"`
	ExternalID              bool            `json:"externalId"`
	Filterable              bool            `json:"filterable"`
	Groupable               bool            `json:"groupable"`
	HTMLFormatted           bool            `json:"htmlFormatted"`
	IDLookup                bool            `json:"idLookup"`
	InlineHelpText          *string         `json:"inlineHelpText"`
	Label                   string          `json:"label"`
	Length                  int             `json:"length"`
	Name                    string          `json:"name"`
	NameField               bool            `json:"nameField"`
	NamePointing            bool            `json:"namePointing"`
	Nillable                bool            `json:"nillable"`
	PicklistValues          []picklistValue `json:"picklistValues"`
	Precision               int             `json:"precision"`
	ReferenceTo             []string        `json:"referenceTo"`
	RelationshipName        *string         `json:"relationshipName"`
	RelationshipOrder       *int            `json:"relationshipOrder"`
	RestrictedPicklist      bool            `json:"restrictedPicklist"`
	Scale                   int             `json:"scale"`
	SoapType                string          `json:"soapType"`
	Sortable                bool            `json:"sortable"`
	Type                    string          `json:"type"`
	Unique                  bool            `json:"unique"`
	Updateable              bool            `json:"updateable"`
	WriteRequiresMasterRead bool            `json:"writeRequiresMasterRead"`
}

type childRelJSON struct {
	CascadeDelete       bool     `json:"cascadeDelete"`
	ChildSObject        string   `json:"childSObject"`
	DeprecatedAndHidden bool     `json:"deprecatedAndHidden"`
	Field               string   `json:"field"`
	JunctionIDListNames []string `json:"junctionIdListNames"`
	JunctionReferenceTo []string `json:"junctionReferenceTo"`
	RelationshipName    *string  `json:"relationshipName"`
	RestrictedDelete    bool     `json:"restrictedDelete"`
}

type recordTypeInfo struct {
	Active                   bool   `json:"active"`
	Available                bool   `json:"available"`
	DefaultRecordTypeMapping bool   `json:"defaultRecordTypeMapping"`
	DeveloperName            string `json:"developerName"`
	Master                   bool   `json:"master"`
	Name                     string `json:"name"`
	RecordTypeID             string `json:"recordTypeId"`
	URLs                     urls   `json:"urls"`
}

type describeJSON struct {
	globalSObject
	Fields             []describeField  `json:"fields"`
	ChildRelationships []childRelJSON   `json:"childRelationships"`
	RecordTypeInfos    []recordTypeInfo `json:"recordTypeInfos"`
}

func (c *reqCtx) globalInfo(ob *objectDef) globalSObject {
	p := c.u.Profile.perms(ob.Name)
	b := c.base + "/sobjects/" + ob.Name
	return globalSObject{
		Createable: ob.Createable && p.Create, Custom: ob.Custom, Deletable: ob.Deletable && p.Delete,
		FeedEnabled: !ob.Custom && ob.Name != "ContentDocumentLink", KeyPrefix: ob.KeyPrefix, Label: ob.Label,
		LabelPlural: ob.LabelPlural, Layoutable: true, Mergeable: ob.Name == "Account" || ob.Name == "Contact" || ob.Name == "Lead",
		Name: ob.Name, Queryable: true, Replicateable: true, Retrieveable: true, Searchable: ob.Searchable,
		Triggerable: true, Undeletable: ob.Deletable, Updateable: ob.Updateable && p.Edit,
		URLs: urls{"rowTemplate": b + "/{ID}", "describe": b + "/describe", "sobject": b},
	}
}

// notModified answers 304 when If-Modified-Since is at or after the schema timestamp.
func (c *reqCtx) notModified() bool {
	mod := c.o.db.created
	c.w.Header().Set("Last-Modified", mod.Format(http.TimeFormat))
	h := c.r.Header.Get("If-Modified-Since")
	if h == "" {
		return false
	}
	t, err := http.ParseTime(h)
	if err != nil {
		t, err = time.Parse(time.RFC1123, h)
	}
	if err != nil || t.Before(mod) {
		return false
	}
	c.w.WriteHeader(http.StatusNotModified)
	return true
}

func (c *reqCtx) describeGlobal() {
	if c.notModified() {
		return
	}
	var list []globalSObject
	for _, ob := range c.o.db.order {
		if c.u.Profile.perms(ob.Name).Read {
			list = append(list, c.globalInfo(ob))
		}
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": list})
}

func (c *reqCtx) objectInfo(ob *objectDef) {
	writeJSON(c.w, http.StatusOK, map[string]any{"objectDescribe": c.globalInfo(ob), "recentItems": []any{}})
}

func soapType(f *fieldDef) string {
	switch f.Type {
	case tID, tRef:
		return "tns:ID"
	case tBool:
		return "xsd:boolean"
	case tCurrency, tDouble, tPercent:
		return "xsd:double"
	case tInt:
		return "xsd:int"
	case tDate:
		return "xsd:date"
	case tDateTime:
		return "xsd:dateTime"
	case tBase64:
		return "xsd:base64Binary"
	}
	return "xsd:string"
}

func (c *reqCtx) describe(ob *objectDef) {
	if c.notModified() {
		return
	}
	d := describeJSON{globalSObject: c.globalInfo(ob), Fields: []describeField{}, ChildRelationships: []childRelJSON{}}
	for _, f := range ob.Fields {
		if visibleField(c.u, f) {
			d.Fields = append(d.Fields, describeFieldJSON(f))
		}
	}
	for _, cr := range ob.Children {
		name := cr.Name
		d.ChildRelationships = append(d.ChildRelationships, childRelJSON{CascadeDelete: cr.Cascade,
			ChildSObject: cr.Child.Name, Field: cr.Field.Name, JunctionIDListNames: []string{},
			JunctionReferenceTo: []string{}, RelationshipName: &name})
	}
	d.RecordTypeInfos = []recordTypeInfo{{Active: true, Available: true, DefaultRecordTypeMapping: true,
		DeveloperName: "Master", Master: true, Name: "Master", RecordTypeID: "012000000000000AAA",
		URLs: urls{"layout": c.base + "/sobjects/" + ob.Name + "/describe/layouts/012000000000000AAA"}}}
	writeJSON(c.w, http.StatusOK, d)
}

func describeFieldJSON(f *fieldDef) describeField {
	d := describeField{
		Aggregatable: f.Type != tTextarea && f.Type != tBase64 && f.Type != tMulti, AutoNumber: f.Name == "CaseNumber",
		ByteLength: f.Length * 3, Calculated: f.Calculated, Createable: f.Createable, Custom: f.Custom,
		DefaultedOnCreate: f.DefaultedOnCreate, ExternalID: f.ExternalID,
		Filterable: f.Type != tTextarea && f.Type != tBase64, Groupable: f.Type != tTextarea && f.Type != tBase64 && f.Type != tMulti && !f.numeric(),
		IDLookup: f.IDLookup || f.Type == tID, Label: f.Label, Length: f.Length, Name: f.Name, NameField: f.NameField,
		NamePointing: f.polymorphic(), Nillable: f.Nillable, PicklistValues: []picklistValue{},
		ReferenceTo: []string{}, RestrictedPicklist: f.Restricted, SoapType: soapType(f),
		Sortable: f.Type != tTextarea && f.Type != tBase64 && f.Type != tMulti, Type: f.Type, Unique: f.Unique,
		Updateable: f.Updateable,
	}
	if f.Type == tID || f.Type == tRef {
		d.ByteLength = 18
	}
	if f.numeric() {
		d.Precision, d.Scale = 18, f.Scale
		if f.Type == tInt {
			d.Precision, d.Digits = 0, 9
		}
	}
	if f.Type == tBool && f.Default != nil {
		d.DefaultValue = f.Default
	}
	if f.DefaultPick != "" {
		d.DefaultValue = f.DefaultPick
	}
	for _, v := range f.Picklist {
		d.PicklistValues = append(d.PicklistValues, picklistValue{Active: true, DefaultValue: v == f.DefaultPick, Label: v, Value: v})
	}
	if f.Type == tRef {
		d.ReferenceTo = append(d.ReferenceTo, f.ReferenceTo...)
		rel := f.RelationshipName
		d.RelationshipName = &rel
	}
	return d
}
