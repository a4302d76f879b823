package soql

import (
	"reflect"
	"testing"
)

func ref(object, child string, path ...string) Ref {
	return Ref{Object: object, Child: child, Path: path}
}

func TestRefs(t *testing.T) {
	tests := []struct {
		name, soql string
		want       []Ref
	}{
		{"plain and relationship fields", "SELECT Id, Owner.Name, Account.Owner.Email FROM Contact",
			[]Ref{ref("Contact", "", "Id"), ref("Contact", "", "Owner", "Name"), ref("Contact", "", "Account", "Owner", "Email")}},
		{"alias stripped everywhere", "SELECT a.Name, COUNT(a.Id) FROM Account a WHERE a.Industry = 'x' GROUP BY a.Name HAVING MAX(a.AnnualRevenue) > 1 ORDER BY a.Name",
			[]Ref{ref("Account", "", "Name"), ref("Account", "", "Id"), ref("Account", "", "Industry"), ref("Account", "", "AnnualRevenue")}},
		{"alias case-insensitive, only as prefix", "SELECT A.Name, a FROM Account a",
			[]Ref{ref("Account", "", "Name"), ref("Account", "", "a")}},
		{"child subquery", "SELECT Name, (SELECT LastName, Account.Name FROM Contacts WHERE Email LIKE '%@x.com' ORDER BY CreatedDate) FROM Account",
			[]Ref{ref("Account", "", "Name"), ref("Account", "Contacts", "LastName"), ref("Account", "Contacts", "Account", "Name"),
				ref("Account", "Contacts", "Email"), ref("Account", "Contacts", "CreatedDate")}},
		{"child subquery with its own alias", "SELECT (SELECT c.LastName FROM Contacts c) FROM Account a",
			[]Ref{ref("Account", "Contacts", "LastName")}},
		{"where group having order", "SELECT Industry, SUM(AnnualRevenue) FROM Account WHERE CreatedDate = THIS_YEAR GROUP BY Industry HAVING COUNT(Id) > 2 ORDER BY MAX(NumberOfEmployees) DESC",
			[]Ref{ref("Account", "", "Industry"), ref("Account", "", "AnnualRevenue"), ref("Account", "", "CreatedDate"),
				ref("Account", "", "Id"), ref("Account", "", "NumberOfEmployees")}},
		{"count() has no field", "SELECT COUNT() FROM Account WHERE Name != null", []Ref{ref("Account", "", "Name")}},
		{"nested function args", "SELECT FORMAT(MIN(Amount)), CALENDAR_YEAR(convertTimezone(CloseDate)) FROM Opportunity",
			[]Ref{ref("Opportunity", "", "Amount"), ref("Opportunity", "", "CloseDate")}},
		{"semi-join uses the subquery's object", "SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact WHERE Birthdate != null) AND Id NOT IN (SELECT AccountId FROM Case)",
			[]Ref{ref("Account", "", "Id"), ref("Contact", "", "AccountId"), ref("Contact", "", "Birthdate"), ref("Case", "", "AccountId")}},
		{"semi-join inside child subquery", "SELECT (SELECT Id FROM Contacts WHERE Id IN (SELECT WhoId FROM Task)) FROM Account",
			[]Ref{ref("Account", "Contacts", "Id"), ref("Task", "", "WhoId")}},
		{"nested child subqueries", "SELECT (SELECT Name, (SELECT Subject FROM Cases) FROM Contacts) FROM Account",
			[]Ref{ref("Account", "Contacts", "Name"), ref("Account", "Contacts.Cases", "Subject")}},
		{"typeof", "SELECT TYPEOF What WHEN Account THEN Phone WHEN Opportunity THEN Amount ELSE Name END FROM Task",
			[]Ref{ref("Task", "", "What", "Phone"), ref("Task", "", "What", "Amount"), ref("Task", "", "What", "Name")}},
		{"fields()", "SELECT FIELDS(ALL) FROM Contact LIMIT 200", []Ref{ref("Contact", "", "FIELDS(ALL)")}},
		{"duplicates once, first spelling", "SELECT Name, name, NAME FROM Account WHERE Name = 'x' ORDER BY Name",
			[]Ref{ref("Account", "", "Name")}},
		{"same path, different child kept", "SELECT Name, (SELECT Name FROM Contacts) FROM Account",
			[]Ref{ref("Account", "", "Name"), ref("Account", "Contacts", "Name")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustParse(t, tt.soql).Refs()
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Refs()\n got  %v\n want %v", got, tt.want)
			}
		})
	}
}

// TestRefsDoNotAlias checks that mutating a returned Ref leaves the AST alone.
func TestRefsDoNotAlias(t *testing.T) {
	q := mustParse(t, "SELECT Owner.Name FROM Account")
	q.Refs()[0].Path[0] = "X"
	if got := q.Select[0].(*FieldRef).Path[0]; got != "Owner" {
		t.Errorf("AST changed through Refs: %q", got)
	}
}

func TestObjects(t *testing.T) {
	tests := []struct {
		soql string
		want []string
	}{
		{"SELECT Id FROM Account", []string{"Account"}},
		{"SELECT Id, (SELECT Id FROM Contacts) FROM Account", []string{"Account"}},
		{"SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact) AND Id NOT IN (SELECT AccountId FROM contact)", []string{"Account", "Contact"}},
		{"SELECT (SELECT Id FROM Contacts WHERE Id IN (SELECT WhoId FROM Task)) FROM Account", []string{"Account", "Task"}},
		{"SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact WHERE Id IN (SELECT WhoId FROM Event))", []string{"Account", "Contact", "Event"}},
		{"SELECT Id FROM Account a WHERE (NOT (Id IN (SELECT AccountId FROM Opportunity)))", []string{"Account", "Opportunity"}},
	}
	for _, tt := range tests {
		if got := mustParse(t, tt.soql).Objects(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: Objects() = %v, want %v", tt.soql, got, tt.want)
		}
	}
}

func TestIsAggregate(t *testing.T) {
	tests := []struct {
		soql             string
		aggregate, count bool
	}{
		{"SELECT Id FROM Account", false, false},
		{"SELECT COUNT() FROM Account", true, true},
		{"SELECT count() FROM Account WHERE Name = 'x'", true, true},
		{"SELECT COUNT(Id) FROM Account", true, false},
		{"SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry", true, false},
		{"SELECT Industry FROM Account GROUP BY Industry", true, false},
		{"SELECT FORMAT(MAX(Amount)) FROM Opportunity", true, false},
		{"SELECT toLabel(StageName), CALENDAR_YEAR(CloseDate) FROM Opportunity", false, false},
		{"SELECT Id, (SELECT COUNT() FROM Contacts) FROM Account", false, false},
		{"SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact GROUP BY AccountId)", false, false},
	}
	for _, tt := range tests {
		q := mustParse(t, tt.soql)
		if q.IsAggregate() != tt.aggregate || q.CountOnly() != tt.count {
			t.Errorf("%s: IsAggregate %v CountOnly %v, want %v %v", tt.soql, q.IsAggregate(), q.CountOnly(), tt.aggregate, tt.count)
		}
	}
}
