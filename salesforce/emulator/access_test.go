package emulator

import (
	"strings"
	"testing"
)

func TestObjectPermissions(t *testing.T) {
	a := newAPI(t, Options{})
	for _, user := range []string{"alice", "bob"} {
		id := a.call("admin", "POST", "/sobjects/Account", `{"Name":"Delete me `+user+`"}`).obj(t)["id"].(string)
		a.call(user, "DELETE", "/sobjects/Account/"+id, nil).wantError(t, 400, "INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights on object id")
		a.call(user, "PATCH", "/sobjects/Account/"+id, `{"Rating":"Warm"}`).wantStatus(t, 204)
		a.call("admin", "DELETE", "/sobjects/Account/"+id, nil).wantStatus(t, 204)
	}
	a.call("alice", "POST", "/sobjects/User", `{"LastName":"x"}`).wantError(t, 400, "INSUFFICIENT_ACCESS_OR_READONLY", "")
}

func TestOpportunitySharing(t *testing.T) {
	a := newAPI(t, Options{})
	ids := map[string]string{}
	for _, u := range a.o.Users() {
		ids[strings.TrimSuffix(u.Username, "@acme.demo")] = u.ID
	}
	const q = "SELECT Id, OwnerId FROM Opportunity"
	all := a.rows("admin", q)
	seen := map[string]int{}
	for _, user := range []string{"alice", "bob"} {
		rows := a.rows(user, q)
		if len(rows) == 0 || len(rows) >= len(all) {
			t.Fatalf("%s sees %d of %d opportunities", user, len(rows), len(all))
		}
		for _, r := range rows {
			if r["OwnerId"] != ids[user] {
				t.Errorf("%s sees an opportunity owned by %v", user, r["OwnerId"])
			}
		}
		seen[user] = len(rows)
	}
	owned := map[string]int{}
	for _, r := range all {
		owned[r["OwnerId"].(string)]++
	}
	if seen["alice"] != owned[ids["alice"]] || seen["bob"] != owned[ids["bob"]] {
		t.Errorf("alice %d/%d, bob %d/%d", seen["alice"], owned[ids["alice"]], seen["bob"], owned[ids["bob"]])
	}
	// COUNT() and aggregates honour sharing too.
	if got := a.query("alice", "SELECT COUNT() FROM Opportunity").obj(t)["totalSize"]; got != float64(seen["alice"]) {
		t.Errorf("alice COUNT() %v, want %d", got, seen["alice"])
	}
	bobs := a.id("SELECT Id FROM Opportunity WHERE Name = 'Globex Expansion'")
	a.get("alice", "/sobjects/Opportunity/"+bobs).wantError(t, 404, "NOT_FOUND", "The requested resource does not exist")
	a.call("alice", "PATCH", "/sobjects/Opportunity/"+bobs, `{"Amount":1}`).wantError(t, 400, "INSUFFICIENT_ACCESS_OR_READONLY", "")
	a.call("alice", "DELETE", "/sobjects/Opportunity/"+bobs, nil).wantError(t, 400, "INSUFFICIENT_ACCESS_OR_READONLY", "")
	a.get("bob", "/sobjects/Opportunity/"+bobs).wantStatus(t, 200)
	// A lookup to an invisible record cannot be written...
	a.call("alice", "POST", "/sobjects/Task", `{"Subject":"x","WhatId":"`+bobs+`"}`).wantError(t, 400, "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY", "")
	// ...and reads as null through a relationship.
	tid := a.call("bob", "POST", "/sobjects/Task", `{"Subject":"about bob's deal","WhatId":"`+bobs+`"}`).obj(t)["id"].(string)
	row := a.one("alice", "SELECT WhatId, What.Name FROM Task WHERE Id = '"+tid+"'")
	if row["WhatId"] != bobs || row["What"] != nil {
		t.Errorf("alice reads %v", row)
	}
	// A new opportunity is owned by its creator and visible to them only.
	nid := a.call("alice", "POST", "/sobjects/Opportunity", `{"Name":"Alice new","StageName":"Prospecting","CloseDate":"2025-12-31"}`).obj(t)["id"].(string)
	a.get("bob", "/sobjects/Opportunity/"+nid).wantError(t, 404, "NOT_FOUND", "")
	if got := a.one("alice", "SELECT OwnerId, Probability FROM Opportunity WHERE Id = '"+nid+"'"); got["OwnerId"] != ids["alice"] || got["Probability"] != 10.0 {
		t.Errorf("new opportunity %v", got)
	}
}

func TestFieldLevelSecurity(t *testing.T) {
	a := newAPI(t, Options{})
	acme := a.id("SELECT Id FROM Account WHERE Name = 'Acme Corp'")
	hidden := "No such column 'AnnualRevenue' on entity 'Account'"
	queries := []string{
		"SELECT Id, AnnualRevenue FROM Account",
		"SELECT Id FROM Account WHERE AnnualRevenue > 0",
		"SELECT Id FROM Account ORDER BY AnnualRevenue",
		"SELECT SUM(AnnualRevenue) FROM Account",
		"SELECT Account.AnnualRevenue FROM Contact",
		"SELECT Name, (SELECT Account.AnnualRevenue FROM Contacts) FROM Account",
	}
	for _, q := range queries {
		t.Run(q, func(t *testing.T) {
			a.query("alice", q).wantError(t, 400, "INVALID_FIELD", hidden)
			a.query("admin", q).wantStatus(t, 200)
		})
	}
	a.get("alice", "/sobjects/Account/"+acme+"?fields=Name,AnnualRevenue").wantError(t, 400, "INVALID_FIELD", hidden)
	if _, ok := a.get("alice", "/sobjects/Account/"+acme).obj(t)["AnnualRevenue"]; ok {
		t.Error("alice's full record shows AnnualRevenue")
	}
	if _, ok := a.get("admin", "/sobjects/Account/"+acme).obj(t)["AnnualRevenue"]; !ok {
		t.Error("admin's full record lacks AnnualRevenue")
	}
	a.call("alice", "POST", "/sobjects/Account", `{"Name":"x","AnnualRevenue":5}`).wantError(t, 400, "INVALID_FIELD", "No such column 'AnnualRevenue' on sobject of type Account")
	a.call("alice", "PATCH", "/sobjects/Account/"+acme, `{"AnnualRevenue":5}`).wantError(t, 400, "INVALID_FIELD", "")
	a.get("alice", "/search?q=FIND+%7BAcme%7D+RETURNING+Account(Name,AnnualRevenue)").wantError(t, 400, "INVALID_FIELD", hidden)
}
