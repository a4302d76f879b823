package tools

import (
	"context"
	"strings"

	"github.com/sfmcp/sfmcp/salesforce"
	"github.com/sfmcp/sfmcp/salesforce/soql"
)

// objectForID validates an Id and finds its object from the key prefix:
// standard prefixes first, then the org's own (custom objects).
func objectForID(ctx context.Context, c *Call, id string) (object, id18 string, err error) {
	id = strings.TrimSpace(id)
	if !salesforce.ValidID(id) {
		return "", "", userErrorf("%q is not a Salesforce Id: Ids are 15 or 18 letters and digits, e.g. 001D000000IqhSLIAZ; find one with query_records or search_records", id)
	}
	id18, err = salesforce.To18(id)
	if err != nil {
		return "", "", userErrorf("%q is not a valid Salesforce Id: %v", id, err)
	}
	prefix := salesforce.KeyPrefix(id18)
	if obj, ok := salesforce.ObjectForPrefix(prefix); ok {
		return obj, id18, nil
	}
	g, err := c.Client.DescribeGlobal(ctx)
	if err != nil {
		return "", "", err
	}
	if obj, ok := g.ObjectForPrefix(prefix); ok {
		return obj, id18, nil
	}
	return "", "", userErrorf("no object in this org has Ids starting with %q; check the Id", prefix)
}

// describeObject describes an object named by the model, turning an unknown
// name into an error that says how to find the right one.
func describeObject(ctx context.Context, c *Call, name string) (*salesforce.ObjectDescribe, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, userErrorf("object is required, e.g. \"Account\"; call describe_object with no arguments to list objects")
	}
	d, err := c.Client.Describe(ctx, name)
	if salesforce.IsCode(err, "NOT_FOUND") || salesforce.IsCode(err, "INVALID_TYPE") {
		return nil, userErrorf("unknown object %q; call describe_object with no arguments to list objects (custom objects end in __c)", name)
	}
	return d, err
}

func unknownField(object, field string) error {
	return userErrorf("no field %q on %s; call describe_object with object %q to see its fields (custom fields end in __c)", field, object, object)
}

// readQuery is the SOQL equivalent of reading fields of one object, so that
// the deny list checks a record read exactly like a query.
func readQuery(object string, fields []string) *soql.Query {
	q := &soql.Query{From: object}
	for _, f := range fields {
		q.Select = append(q.Select, &soql.FieldRef{Path: strings.Split(f, ".")})
	}
	return q
}
