package server

import (
	"context"
	"fmt"
	"strings"

	"github.com/sfmcp/sfmcp/salesforce"
	"github.com/sfmcp/sfmcp/salesforce/soql"
)

// describeResolver resolves relationship names to objects with the org's
// (cached) describe, so the deny list holds through Owner.Email or a
// subquery on Contacts. It implements policy.Resolver.
type describeResolver struct{ c *salesforce.Client }

func (r describeResolver) ParentObjects(ctx context.Context, object, relationship string) ([]string, error) {
	d, err := r.c.Describe(ctx, object)
	if err != nil {
		return nil, err
	}
	for _, f := range d.Fields {
		if strings.EqualFold(f.RelationshipName, relationship) {
			return f.ReferenceTo, nil
		}
	}
	return nil, fmt.Errorf("no relationship %q on %s; call describe_object with object %q to see its lookups", relationship, d.Name, d.Name)
}

func (r describeResolver) ChildObject(ctx context.Context, object, child string) (string, error) {
	d, err := r.c.Describe(ctx, object)
	if err != nil {
		return "", err
	}
	for _, c := range d.ChildRelationships {
		if strings.EqualFold(c.RelationshipName, child) {
			return c.ChildSObject, nil
		}
	}
	return "", fmt.Errorf("no child relationship %q on %s; call describe_object with object %q to see them", child, d.Name, d.Name)
}

// touchedObjects lists every object a query reaches: its FROM objects, the
// objects of its child subqueries and of the parents its relationship paths
// go through, so that a per-object policy cannot be sidestepped by reaching
// an object through another one.
func touchedObjects(ctx context.Context, q *soql.Query, r describeResolver) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	add := func(o string) {
		if k := strings.ToLower(o); !seen[k] {
			seen[k] = true
			out = append(out, o)
		}
	}
	for _, o := range q.Objects() {
		add(o)
	}
	for _, ref := range q.Refs() {
		objs := []string{ref.Object}
		if ref.Child != "" {
			obj := ref.Object
			for _, rel := range strings.Split(ref.Child, ".") {
				child, err := r.ChildObject(ctx, obj, rel)
				if err != nil {
					return nil, err
				}
				obj = child
			}
			add(obj)
			objs = []string{obj}
		}
		for _, rel := range ref.Path[:max(len(ref.Path)-1, 0)] {
			var next []string
			for _, o := range objs {
				parents, err := r.ParentObjects(ctx, o, rel)
				if err != nil {
					return nil, err
				}
				next = append(next, parents...)
			}
			for _, p := range next {
				add(p)
			}
			objs = next
		}
	}
	return out, nil
}
