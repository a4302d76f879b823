package policy

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/sfmcp/sfmcp/salesforce/soql"
)

// Resolver finds the objects behind relationship names, from the org's describe
// metadata. Names are API names; implementations should match them case-insensitively.
type Resolver interface {
	// ParentObjects returns the object(s) a lookup relationship of object points to: one
	// for a plain lookup (Contact + Account -> [Account]), several for a polymorphic one
	// (Task + What -> [Account, Opportunity, ...]; Case + Owner -> [Group, User]).
	ParentObjects(ctx context.Context, object, relationship string) ([]string, error)
	// ChildObject returns the object of a child relationship (Account + Contacts -> Contact).
	ChildObject(ctx context.Context, object, relationship string) (string, error)
}

// DeniedError is a query or write that references a field on the deny list.
type DeniedError struct {
	Object string // the object the denied field belongs to, e.g. "User"
	Field  string // the denied field, e.g. "Email"
	Via    string // how a query reached it, e.g. "Account.Owner.Email" or "FIELDS(ALL)"; "" for CheckFields
}

func (e *DeniedError) Error() string {
	f := e.Object + "." + e.Field
	switch {
	case strings.HasPrefix(e.Via, "FIELDS("):
		return fmt.Sprintf("%s on %s includes %s, which is blocked by the admin's policy; the query must not reference it: list the fields you need instead of %s", e.Via, e.Object, f, e.Via)
	case e.Via == "":
		return fmt.Sprintf("field %s is blocked by the admin's policy: it is never read or written; remove it from the request", f)
	case !strings.EqualFold(e.Via, f):
		return fmt.Sprintf("field %s (referenced as %s) is blocked by the admin's policy; the query must not reference it: remove it from the query", f, e.Via)
	}
	return fmt.Sprintf("field %s is blocked by the admin's policy; the query must not reference it: remove it from the query", f)
}

// CheckFields refuses a read or write of fields of object when one is denied, e.g. the
// values of create_record/update_record or the fields asked of get_record. The error
// is a *DeniedError with Via "".
func (p *Policy) CheckFields(object string, fields []string) error {
	for _, f := range fields {
		if p.DeniedField(object, f) {
			return p.denied(object, f, "")
		}
	}
	return nil
}

// CheckQuery refuses a query that references a denied field anywhere (SELECT, WHERE,
// GROUP BY, HAVING, ORDER BY, function arguments, TYPEOF, child and semi-join
// subqueries), directly or through relationships: with Contact.Birthdate denied,
// "SELECT (SELECT Birthdate FROM Contacts) FROM Account" is refused, and with
// User.Email denied, "SELECT Owner.Email FROM Account" is. FIELDS(ALL|STANDARD|CUSTOM)
// is refused on an object with a denied field of that kind. A denied lookup field also
// denies its relationship (Contact.AccountId denied: Contact.Account.Name refused);
// the relationship's field is taken as NAMEId, or NAME__c for NAME__r.
//
// Polymorphic relationships are denied if the field is denied on any of their targets
// (TYPEOF branches are checked against every target too: conservative). Relationships
// are resolved only when a denied name could be reached, so a policy without denied
// fields never calls r. Errors are *DeniedError, or the resolver's error (wrapped):
// the check fails closed.
func (p *Policy) CheckQuery(ctx context.Context, q *soql.Query, r Resolver) error {
	if len(p.deny) == 0 || q == nil {
		return nil
	}
	c := &qcheck{p: p, ctx: ctx, r: newCache(r)}
	for _, ref := range q.Refs() {
		set, isFields := fieldsSet(ref.Path)
		if isFields && !p.anyDenied("", set) || !isFields && !c.reaches(ref.Path) {
			continue
		}
		obj := ref.Object
		via := ref.Object
		if ref.Child != "" {
			for _, rel := range strings.Split(ref.Child, ".") {
				child, err := c.r.child(ctx, obj, rel)
				if err != nil {
					return err
				}
				obj, via = child, via+"."+rel
			}
		}
		if isFields {
			if err := p.anyDeniedErr(obj, set); err != nil {
				return err
			}
			continue
		}
		via += "." + strings.Join(ref.Path, ".")
		if err := c.path([]string{obj}, ref.Path, via); err != nil {
			return err
		}
	}
	return nil
}

// fieldsSet recognises the path soql reports for FIELDS(ALL|STANDARD|CUSTOM).
func fieldsSet(path []string) (string, bool) {
	if len(path) != 1 {
		return "", false
	}
	inner, ok := strings.CutPrefix(strings.ToUpper(path[0]), "FIELDS(")
	if !ok {
		return "", false
	}
	set, ok := strings.CutSuffix(inner, ")")
	return set, ok
}

// inSet reports whether a field belongs to FIELDS(set); an unknown set matches all.
func inSet(field, set string) bool {
	custom := strings.HasSuffix(strings.ToLower(field), "__c")
	switch set {
	case "CUSTOM":
		return custom
	case "STANDARD":
		return !custom
	}
	return true
}

// anyDenied reports whether object ("" = any object) has a denied field in FIELDS(set).
func (p *Policy) anyDenied(object, set string) bool {
	for lo, fields := range p.deny {
		if object != "" && lo != strings.ToLower(object) {
			continue
		}
		for lf := range fields {
			if inSet(lf, set) {
				return true
			}
		}
	}
	return false
}

// anyDeniedErr refuses FIELDS(set) on object when it includes a denied field.
func (p *Policy) anyDeniedErr(object, set string) error {
	for _, f := range p.DeniedFields(object) {
		if inSet(f, set) {
			return p.denied(object, f, "FIELDS("+set+")")
		}
	}
	return nil
}

type qcheck struct {
	p   *Policy
	ctx context.Context
	r   *cache
}

// fkName is the lookup field behind a relationship name: Owner -> OwnerId,
// Account__r -> Account__c.
func fkName(rel string) string {
	if base, ok := cutSuffixFold(rel, "__r"); ok {
		return base + "__c"
	}
	return rel + "Id"
}

func cutSuffixFold(s, suffix string) (string, bool) {
	if len(s) > len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix) {
		return s[:len(s)-len(suffix)], true
	}
	return s, false
}

// reaches reports whether a path could end on a denied field: its last segment or one
// of its relationships' lookup fields has a denied name.
func (c *qcheck) reaches(path []string) bool {
	if len(path) == 0 {
		return false
	}
	if c.p.denyNames[strings.ToLower(path[len(path)-1])] {
		return true
	}
	for _, rel := range path[:len(path)-1] {
		if c.p.denyNames[strings.ToLower(fkName(rel))] {
			return true
		}
	}
	return false
}

// path checks a field path starting at any of objs. A first segment equal to the
// object's own name may be an object-name prefix ("SELECT Account.Name FROM Account"):
// both readings are checked, and a failed relationship lookup is then not an error.
func (c *qcheck) path(objs, path []string, via string) error {
	if len(path) > 1 && len(objs) == 1 && strings.EqualFold(path[0], objs[0]) {
		if err := c.walk(objs, path[1:], via, false); err != nil {
			return err
		}
		return c.walk(objs, path, via, true)
	}
	return c.walk(objs, path, via, false)
}

func (c *qcheck) walk(objs, path []string, via string, lenient bool) error {
	if !c.reaches(path) {
		return nil
	}
	if len(path) == 1 {
		for _, o := range objs {
			if c.p.DeniedField(o, path[0]) {
				return c.p.denied(o, path[0], via)
			}
		}
		return nil
	}
	rel := path[0]
	var next []string
	for _, o := range objs {
		if fk := fkName(rel); c.p.DeniedField(o, fk) {
			return c.p.denied(o, fk, via)
		}
		targets, err := c.r.parents(c.ctx, o, rel)
		if err != nil {
			if lenient {
				continue
			}
			return err
		}
		for _, t := range targets {
			if !slices.ContainsFunc(next, func(s string) bool { return strings.EqualFold(s, t) }) {
				next = append(next, t)
			}
		}
	}
	if len(next) == 0 {
		return nil
	}
	return c.walk(next, path[1:], via, false)
}

// denied builds the error with the object and field named as in the config.
func (p *Policy) denied(object, field, via string) *DeniedError {
	entry := p.deny[strings.ToLower(object)][strings.ToLower(field)]
	o, f, _ := strings.Cut(entry, ".")
	return &DeniedError{Object: o, Field: f, Via: via}
}

// cache memoises resolver answers for one check.
type cache struct {
	r  Resolver
	pm map[string][]string
	cm map[string]string
}

func newCache(r Resolver) *cache {
	return &cache{r: r, pm: map[string][]string{}, cm: map[string]string{}}
}

func (c *cache) parents(ctx context.Context, object, rel string) ([]string, error) {
	k := strings.ToLower(object + "." + rel)
	if v, ok := c.pm[k]; ok {
		return v, nil
	}
	if c.r == nil {
		return nil, fmt.Errorf("policy: cannot resolve relationship %s.%s: no resolver", object, rel)
	}
	v, err := c.r.ParentObjects(ctx, object, rel)
	if err != nil {
		return nil, fmt.Errorf("policy: resolving relationship %s.%s: %w", object, rel, err)
	}
	c.pm[k] = v
	return v, nil
}

func (c *cache) child(ctx context.Context, object, rel string) (string, error) {
	k := strings.ToLower(object + "." + rel)
	if v, ok := c.cm[k]; ok {
		return v, nil
	}
	if c.r == nil {
		return "", fmt.Errorf("policy: cannot resolve child relationship %s.%s: no resolver", object, rel)
	}
	v, err := c.r.ChildObject(ctx, object, rel)
	if err != nil {
		return "", fmt.Errorf("policy: resolving child relationship %s.%s: %w", object, rel, err)
	}
	c.cm[k] = v
	return v, nil
}
