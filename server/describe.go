package server

import (
	"context"
	"fmt"
	"strings"

	"github.com/sfmcp/sfmcp/salesforce"
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
