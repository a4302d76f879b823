package config

import (
	"errors"
	"testing"
)

// FuzzParse: any input either parses or yields an *Error; it never panics.
func FuzzParse(f *testing.F) {
	f.Add([]byte(conn))
	f.Add([]byte("policy:\n  objects:\n    Task: {create_record: always_allow}\n  fields: {deny: [Contact.Birthdate]}\n"))
	f.Add([]byte("connections:\n  - &a {name: x, client_id: y}\n  - *a\n"))
	f.Add([]byte("approval: {wait: 1h2m, fallback: page}\nlimits: {max_rows: 5}\n"))
	f.Add([]byte("groups: {ops: [a]}\nconnections: [{name: s, client_id: c, mode: shared, allow: ['group:ops']}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, "fuzz.yaml")
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) || len(ce.Issues) == 0 {
				t.Fatalf("error is not *Error with issues: %v", err)
			}
			return
		}
		if c.Limits.MaxRows < 1 || c.Approval.Fallback == "" || c.Store.Backend == "" {
			t.Fatalf("defaults missing: %+v", c)
		}
		for _, k := range c.Connections {
			if k.Mode == "" || k.Flow == "" || k.LoginURL == "" || k.APIVersion == "" {
				t.Fatalf("connection defaults missing: %+v", k)
			}
		}
	})
}
