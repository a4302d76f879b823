package salesforce

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/tidwall/gjson"
)

// GlobalDescribe is the list of the org's objects (GET /sobjects/).
type GlobalDescribe struct {
	MaxBatchSize int
	SObjects     []SObjectInfo
}

// SObjectInfo is one object in the global describe.
type SObjectInfo struct {
	Name, Label, LabelPlural, KeyPrefix              string
	Custom, Queryable, Searchable                    bool
	Createable, Updateable, Deletable, CustomSetting bool
	DeprecatedAndHidden                              bool
}

// ObjectForPrefix returns the object whose record Ids start with prefix: the standard
// table first (ObjectForPrefix), then this org's objects (custom objects have org-specific
// prefixes such as "a0D").
func (g *GlobalDescribe) ObjectForPrefix(prefix string) (string, bool) {
	if name, ok := ObjectForPrefix(prefix); ok {
		return name, true
	}
	if g == nil || len(prefix) != 3 {
		return "", false
	}
	for _, o := range g.SObjects {
		if o.KeyPrefix == prefix {
			return o.Name, true
		}
	}
	return "", false
}

// Object finds an object by API name, ignoring case.
func (g *GlobalDescribe) Object(name string) (SObjectInfo, bool) {
	if g != nil {
		for _, o := range g.SObjects {
			if strings.EqualFold(o.Name, name) {
				return o, true
			}
		}
	}
	return SObjectInfo{}, false
}

// ObjectDescribe is the schema of one object (GET /sobjects/{object}/describe/). Values
// returned by Describe are shared between callers: treat them as read-only.
type ObjectDescribe struct {
	Name, Label, LabelPlural, KeyPrefix       string
	Custom, Createable, Updateable, Deletable bool
	Queryable, Searchable                     bool
	Fields                                    []Field
	ChildRelationships                        []ChildRelationship
	RecordTypes                               []RecordType

	byName map[string]int // lower-case field name -> index in Fields
	byRel  map[string]int // lower-case relationship name -> index in Fields
}

// Field is one field of an object.
type Field struct {
	Name, Label, Type                          string
	Length, Precision, Scale                   int
	Nillable, Createable, Updateable           bool
	DefaultedOnCreate, ExternalID, IDLookup    bool
	Filterable, Sortable, Groupable, NameField bool
	Calculated, AutoNumber, Unique, Custom     bool
	RestrictedPicklist, DependentPicklist      bool
	ControllerName, InlineHelpText             string
	RelationshipName                           string   // e.g. "Owner" for OwnerId
	ReferenceTo                                []string // e.g. ["Group","User"]
	PicklistValues                             []PicklistValue
}

// Required reports whether a value must be given on create: createable, not nillable and
// not defaulted on create.
func (f Field) Required() bool { return f.Createable && !f.Nillable && !f.DefaultedOnCreate }

// PicklistValue is one allowed value of a picklist field.
type PicklistValue struct {
	Value, Label         string
	Active, DefaultValue bool
}

// ChildRelationship is a parent-to-child relationship, usable as a subquery
// (SELECT (SELECT Id FROM Contacts) FROM Account).
type ChildRelationship struct {
	Field, ChildSObject, RelationshipName string // RelationshipName may be ""
}

// RecordType is one record type available on the object.
type RecordType struct {
	ID, Name, DeveloperName    string
	Active, Available, Default bool
	Master                     bool
}

// Field finds a field by API name, ignoring case.
func (d *ObjectDescribe) Field(name string) (Field, bool) {
	if i, ok := d.byName[strings.ToLower(name)]; ok {
		return d.Fields[i], true
	}
	return Field{}, false
}

// FieldByRelationship finds the lookup field whose relationship name is rel, ignoring
// case: "Owner" gives OwnerId.
func (d *ObjectDescribe) FieldByRelationship(rel string) (Field, bool) {
	if i, ok := d.byRel[strings.ToLower(rel)]; ok {
		return d.Fields[i], true
	}
	return Field{}, false
}

const globalKey = "\x00global" // cache key of the global describe (not a valid object name)

// DescribeGlobal lists the org's objects. The result is cached like Describe.
func (c *Client) DescribeGlobal(ctx context.Context) (*GlobalDescribe, error) {
	v, err := c.cache.get(ctx, c, globalKey, func(ctx context.Context, prev *cacheEntry) (*cacheEntry, error) {
		return c.fetchDescribe(ctx, c.dataPath("/sobjects/"), "", prev, parseGlobal)
	})
	if err != nil {
		return nil, err
	}
	return v.(*GlobalDescribe), nil
}

// Describe returns the schema of one object. Results are kept in memory for the describe
// TTL, then revalidated with If-Modified-Since (a 304 keeps the cached copy). Concurrent
// calls for the same object share one request. Only schema is cached, never records.
// An object that does not exist (or that the user cannot see) gives an INVALID_TYPE error.
func (c *Client) Describe(ctx context.Context, object string) (*ObjectDescribe, error) {
	if err := checkName("object", object); err != nil {
		return nil, err
	}
	v, err := c.cache.get(ctx, c, strings.ToLower(object), func(ctx context.Context, prev *cacheEntry) (*cacheEntry, error) {
		return c.fetchDescribe(ctx, c.dataPath("/sobjects/"+seg(object)+"/describe/"), object, prev, parseObject)
	})
	var e *Error
	if errors.As(err, &e) && e.Code == "NOT_FOUND" {
		// Salesforce answers an unknown object with a bare 404; say what it means.
		return nil, &Error{HTTPStatus: e.HTTPStatus, Code: "INVALID_TYPE", Object: object,
			Message: "sObject type '" + object + "' is not supported."}
	}
	if err != nil {
		return nil, err
	}
	return v.(*ObjectDescribe), nil
}

func (c *Client) fetchDescribe(ctx context.Context, path, object string, prev *cacheEntry, parse func(gjson.Result) any) (*cacheEntry, error) {
	r := request{method: "GET", path: path, idempotent: true, object: object}
	if prev != nil {
		r.header = http.Header{"If-Modified-Since": {prev.lastModified}}
	}
	start := c.now()
	resp, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	if resp.status == http.StatusNotModified {
		if prev == nil {
			return nil, badBody(resp, "a describe result")
		}
		return &cacheEntry{value: prev.value, checked: c.now(), lastModified: prev.lastModified}, nil
	}
	v, err := parseJSON(resp, gjson.JSON)
	if err != nil {
		return nil, err
	}
	if !v.IsObject() {
		return nil, badBody(resp, "a describe result")
	}
	// Revalidate against the server's own clock when it gave one.
	lm := resp.header.Get("Last-Modified")
	if lm == "" {
		lm = resp.header.Get("Date")
	}
	if lm == "" {
		lm = start.UTC().Format(http.TimeFormat)
	}
	return &cacheEntry{value: parse(v), checked: c.now(), lastModified: lm}, nil
}

func parseGlobal(v gjson.Result) any {
	g := &GlobalDescribe{MaxBatchSize: int(v.Get("maxBatchSize").Int())}
	for _, o := range v.Get("sobjects").Array() {
		g.SObjects = append(g.SObjects, SObjectInfo{
			Name: o.Get("name").String(), Label: o.Get("label").String(),
			LabelPlural: o.Get("labelPlural").String(), KeyPrefix: o.Get("keyPrefix").String(),
			Custom: o.Get("custom").Bool(), Queryable: o.Get("queryable").Bool(),
			Searchable: o.Get("searchable").Bool(), Createable: o.Get("createable").Bool(),
			Updateable: o.Get("updateable").Bool(), Deletable: o.Get("deletable").Bool(),
			CustomSetting:       o.Get("customSetting").Bool(),
			DeprecatedAndHidden: o.Get("deprecatedAndHidden").Bool(),
		})
	}
	return g
}

func parseObject(v gjson.Result) any {
	d := &ObjectDescribe{
		Name: v.Get("name").String(), Label: v.Get("label").String(),
		LabelPlural: v.Get("labelPlural").String(), KeyPrefix: v.Get("keyPrefix").String(),
		Custom: v.Get("custom").Bool(), Createable: v.Get("createable").Bool(),
		Updateable: v.Get("updateable").Bool(), Deletable: v.Get("deletable").Bool(),
		Queryable: v.Get("queryable").Bool(), Searchable: v.Get("searchable").Bool(),
		byName: map[string]int{}, byRel: map[string]int{},
	}
	for i, f := range v.Get("fields").Array() {
		fd := Field{
			Name: f.Get("name").String(), Label: f.Get("label").String(), Type: f.Get("type").String(),
			Length: int(f.Get("length").Int()), Precision: int(f.Get("precision").Int()), Scale: int(f.Get("scale").Int()),
			Nillable: f.Get("nillable").Bool(), Createable: f.Get("createable").Bool(), Updateable: f.Get("updateable").Bool(),
			DefaultedOnCreate: f.Get("defaultedOnCreate").Bool(), ExternalID: f.Get("externalId").Bool(),
			IDLookup: f.Get("idLookup").Bool(), Filterable: f.Get("filterable").Bool(),
			Sortable: f.Get("sortable").Bool(), Groupable: f.Get("groupable").Bool(),
			NameField: f.Get("nameField").Bool(), Calculated: f.Get("calculated").Bool(),
			AutoNumber: f.Get("autoNumber").Bool(), Unique: f.Get("unique").Bool(), Custom: f.Get("custom").Bool(),
			RestrictedPicklist: f.Get("restrictedPicklist").Bool(), DependentPicklist: f.Get("dependentPicklist").Bool(),
			ControllerName: f.Get("controllerName").String(), InlineHelpText: f.Get("inlineHelpText").String(),
			RelationshipName: f.Get("relationshipName").String(),
		}
		for _, r := range f.Get("referenceTo").Array() {
			fd.ReferenceTo = append(fd.ReferenceTo, r.String())
		}
		for _, p := range f.Get("picklistValues").Array() {
			fd.PicklistValues = append(fd.PicklistValues, PicklistValue{
				Value: p.Get("value").String(), Label: p.Get("label").String(),
				Active: p.Get("active").Bool(), DefaultValue: p.Get("defaultValue").Bool(),
			})
		}
		d.Fields = append(d.Fields, fd)
		d.byName[strings.ToLower(fd.Name)] = i
		if fd.RelationshipName != "" {
			d.byRel[strings.ToLower(fd.RelationshipName)] = i
		}
	}
	for _, r := range v.Get("childRelationships").Array() {
		d.ChildRelationships = append(d.ChildRelationships, ChildRelationship{
			Field: r.Get("field").String(), ChildSObject: r.Get("childSObject").String(),
			RelationshipName: r.Get("relationshipName").String(),
		})
	}
	for _, r := range v.Get("recordTypeInfos").Array() {
		d.RecordTypes = append(d.RecordTypes, RecordType{
			ID: r.Get("recordTypeId").String(), Name: r.Get("name").String(),
			DeveloperName: r.Get("developerName").String(), Active: r.Get("active").Bool(),
			Available: r.Get("available").Bool(), Default: r.Get("defaultRecordTypeMapping").Bool(),
			Master: r.Get("master").Bool(),
		})
	}
	return d
}
