package policy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/sfmcp/sfmcp/config"
	"github.com/sfmcp/sfmcp/salesforce/soql"
)

// fakeResolver answers from fixed describe facts and counts calls.
type fakeResolver struct {
	calls int
}

var (
	fakeParents = map[string][]string{
		"account.owner":          {"User"},
		"account.parent":         {"Account"},
		"contact.account":        {"Account"},
		"contact.owner":          {"User"},
		"case.contact":           {"Contact"},
		"case.owner":             {"Group", "User"},
		"task.what":              {"Account", "Opportunity", "Case"},
		"task.who":               {"Contact", "Lead"},
		"invoice__c.customer__r": {"Account"},
		"user.manager":           {"User"},
	}
	fakeChildren = map[string]string{
		"account.contacts":      "Contact",
		"account.opportunities": "Opportunity",
		"contact.cases":         "Case",
	}
)

func (f *fakeResolver) ParentObjects(_ context.Context, object, rel string) ([]string, error) {
	f.calls++
	if v, ok := fakeParents[strings.ToLower(object+"."+rel)]; ok {
		return v, nil
	}
	return nil, fmt.Errorf("no relationship %s on %s", rel, object)
}

func (f *fakeResolver) ChildObject(_ context.Context, object, rel string) (string, error) {
	f.calls++
	if v, ok := fakeChildren[strings.ToLower(object+"."+rel)]; ok {
		return v, nil
	}
	return "", fmt.Errorf("no child relationship %s on %s", rel, object)
}

func check(t *testing.T, p *Policy, r Resolver, q string) error {
	t.Helper()
	parsed, err := soql.Parse(q)
	if err != nil {
		t.Fatalf("parse %q: %v", q, err)
	}
	return p.CheckQuery(context.Background(), parsed, r)
}

func TestCheckQuery(t *testing.T) {
	p := mustNew(t, config.Policy{Fields: config.Fields{Deny: []string{
		"Contact.Birthdate", "User.Email", "Account.Tax_Id__c", "Lead.Phone",
	}}})
	tests := []struct {
		q    string
		want string // "" allowed, else "Object.Field via Via"
	}{
		{"SELECT Id, Name FROM Contact", ""},
		{"SELECT Id, Owner.Name, Owner.Manager.Name FROM Account", ""},
		{"SELECT Id, (SELECT LastName, Email FROM Contacts) FROM Account", ""},
		{"SELECT Email FROM Contact", ""}, // Contact.Email is not User.Email
		{"SELECT Account.Name FROM Account", ""},
		{"SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact WHERE LastName = 'x')", ""},
		{"SELECT FIELDS(ALL) FROM Opportunity LIMIT 200", ""},
		{"SELECT FIELDS(CUSTOM) FROM Contact LIMIT 200", ""}, // Birthdate is standard
		{"SELECT FIELDS(STANDARD) FROM Account LIMIT 200", ""},
		{"SELECT Who.Name, What.Name FROM Task", ""},

		{"SELECT Birthdate FROM Contact", "Contact.Birthdate via Contact.Birthdate"},
		{"SELECT Id FROM contact WHERE BIRTHDATE = TODAY", "Contact.Birthdate via contact.BIRTHDATE"},
		{"SELECT Id FROM Contact ORDER BY Birthdate", "Contact.Birthdate via Contact.Birthdate"},
		{"SELECT CALENDAR_YEAR(Birthdate) y, COUNT(Id) FROM Contact GROUP BY CALENDAR_YEAR(Birthdate)", "Contact.Birthdate via Contact.Birthdate"},
		{"SELECT LastName, COUNT(Id) FROM Contact GROUP BY LastName HAVING MAX(Birthdate) > 2000-01-01", "Contact.Birthdate via Contact.Birthdate"},
		{"SELECT c.Birthdate FROM Contact c", "Contact.Birthdate via Contact.Birthdate"},
		{"SELECT Contact.Birthdate FROM Contact", "Contact.Birthdate via Contact.Contact.Birthdate"},
		{"SELECT Owner.Email FROM Account", "User.Email via Account.Owner.Email"},
		{"SELECT Account.Owner.Email FROM Contact", "User.Email via Contact.Account.Owner.Email"},
		{"SELECT Owner.Manager.Email FROM Account", "User.Email via Account.Owner.Manager.Email"},
		{"SELECT Id FROM Case WHERE Owner.Email LIKE '%acme%'", "User.Email via Case.Owner.Email"}, // polymorphic Group|User
		{"SELECT Who.Phone FROM Task", "Lead.Phone via Task.Who.Phone"},
		{"SELECT TYPEOF Who WHEN Contact THEN Name ELSE Phone END FROM Task", "Lead.Phone via Task.Who.Phone"},
		{"SELECT Customer__r.Tax_Id__c FROM Invoice__c", "Account.Tax_Id__c via Invoice__c.Customer__r.Tax_Id__c"},
		{"SELECT Id, (SELECT Birthdate FROM Contacts) FROM Account", "Contact.Birthdate via Account.Contacts.Birthdate"},
		{"SELECT Id, (SELECT Id FROM Contacts WHERE Birthdate = TODAY) FROM Account", "Contact.Birthdate via Account.Contacts.Birthdate"},
		{"SELECT Id, (SELECT Contact.Birthdate FROM Contacts) FROM Account", "Contact.Birthdate via Account.Contacts.Contact.Birthdate"},
		{"SELECT Id, (SELECT Id, (SELECT Contact.Birthdate FROM Cases) FROM Contacts) FROM Account", "Contact.Birthdate via Account.Contacts.Cases.Contact.Birthdate"},
		{"SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact WHERE Birthdate > 2000-01-01)", "Contact.Birthdate via Contact.Birthdate"},
		{"SELECT FIELDS(ALL) FROM Contact LIMIT 200", "Contact.Birthdate via FIELDS(ALL)"},
		{"SELECT FIELDS(STANDARD) FROM Contact", "Contact.Birthdate via FIELDS(STANDARD)"},
		{"SELECT FIELDS(CUSTOM) FROM Account LIMIT 200", "Account.Tax_Id__c via FIELDS(CUSTOM)"},
		{"SELECT Id, (SELECT FIELDS(ALL) FROM Contacts LIMIT 200) FROM Account", "Contact.Birthdate via FIELDS(ALL)"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			err := check(t, p, &fakeResolver{}, tt.q)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var de *DeniedError
			if !errors.As(err, &de) {
				t.Fatalf("want *DeniedError, got %v", err)
			}
			if got := de.Object + "." + de.Field + " via " + de.Via; got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			msg := err.Error()
			for _, w := range []string{de.Object + "." + de.Field, "blocked by the admin's policy", "must not reference it"} {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
		})
	}
}

func TestCheckQueryRelationshipField(t *testing.T) {
	// A denied lookup field denies traversing its relationship.
	p := mustNew(t, config.Policy{Fields: config.Fields{Deny: []string{"Contact.AccountId", "Invoice__c.Customer__c"}}})
	for q, want := range map[string]string{
		"SELECT Account.Name FROM Contact":        "Contact.AccountId",
		"SELECT AccountId FROM Contact":           "Contact.AccountId",
		"SELECT Customer__r.Name FROM Invoice__c": "Invoice__c.Customer__c",
		"SELECT Owner.Name FROM Contact":          "",
	} {
		err := check(t, p, &fakeResolver{}, q)
		var de *DeniedError
		switch {
		case want == "" && err != nil:
			t.Errorf("%s: refused: %v", q, err)
		case want != "" && (!errors.As(err, &de) || de.Object+"."+de.Field != want):
			t.Errorf("%s: got %v, want %s denied", q, err, want)
		}
	}
}

func TestCheckQueryResolvesOnlyWhenNeeded(t *testing.T) {
	p := mustNew(t, config.Policy{Fields: config.Fields{Deny: []string{"Contact.Birthdate"}}})
	r := &fakeResolver{}
	if err := check(t, p, r, "SELECT Owner.Name, Account.Owner.Manager.Name, (SELECT Subject FROM Cases) FROM Contact"); err != nil {
		t.Fatal(err)
	}
	if r.calls != 0 {
		t.Errorf("resolver called %d times for a query that cannot reach a denied name", r.calls)
	}
	// A path ending in a denied name is resolved (Account.Birthdate: Account has none).
	if err := check(t, p, r, "SELECT Parent.Birthdate FROM Account"); err != nil {
		t.Fatal(err)
	}
	if r.calls != 1 {
		t.Errorf("resolver calls = %d, want 1", r.calls)
	}

	open := mustNew(t, config.Policy{})
	if err := check(t, open, nil, "SELECT Owner.Email, (SELECT Birthdate FROM Contacts) FROM Account"); err != nil {
		t.Errorf("policy without denied fields: %v", err)
	}
}

func TestCheckQueryFailsClosed(t *testing.T) {
	p := mustNew(t, config.Policy{Fields: config.Fields{Deny: []string{"User.Email"}}})
	err := check(t, p, &fakeResolver{}, "SELECT Bogus.Email FROM Account")
	var de *DeniedError
	if err == nil || errors.As(err, &de) || !strings.Contains(err.Error(), "Account.Bogus") {
		t.Errorf("unresolvable relationship: got %v, want a resolver error naming Account.Bogus", err)
	}
	if err := check(t, p, nil, "SELECT Owner.Email FROM Account"); err == nil {
		t.Error("nil resolver with a path to resolve: allowed")
	}
}

func TestCheckFields(t *testing.T) {
	p := mustNew(t, config.Policy{Fields: config.Fields{Deny: []string{"Contact.Birthdate"}}})
	if err := p.CheckFields("Contact", []string{"LastName", "Email"}); err != nil {
		t.Errorf("allowed fields refused: %v", err)
	}
	if err := p.CheckFields("Lead", []string{"Birthdate"}); err != nil {
		t.Errorf("other object's field refused: %v", err)
	}
	err := p.CheckFields("contact", []string{"LastName", "birthdate"})
	var de *DeniedError
	if !errors.As(err, &de) || de.Object != "Contact" || de.Field != "Birthdate" || de.Via != "" {
		t.Fatalf("got %#v", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "Contact.Birthdate is blocked by the admin's policy") || !strings.Contains(msg, "never read or written") {
		t.Errorf("message %q", msg)
	}
}
