package emulator

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestQueryErrors(t *testing.T) {
	a := newAPI(t, Options{})
	cases := []struct {
		q, code, msg string
	}{
		// exact WIRE examples
		{"SELECT Id, Foo FROM Account", "INVALID_FIELD", "\nSELECT Id, Foo FROM Account\n           ^\nERROR at Row:1:Column:12\nNo such column 'Foo' on entity 'Account'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names."},
		{"SELECT Id FROM Acount", "INVALID_TYPE", "\nSELECT Id FROM Acount\n               ^\nERROR at Row:1:Column:16\nsObject type 'Acount' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names."},
		{"SELECT Id, Name FRM Account", "MALFORMED_QUERY", "\nSELECT Id, Name FRM Account\n                ^\nERROR at Row:1:Column:17\nunexpected token: FRM"},
		{"", "MALFORMED_QUERY", "SOQL statements cannot be empty or null"},
		{"SELECT Id FROM Account OFFSET 2001", "NUMBER_OUTSIDE_VALID_RANGE", "Maximum SOQL offset allowed is 2000"},
		{"SELECT Id FROM Contact WHERE Acount.Name = 'x'", "INVALID_FIELD", "Didn't understand relationship 'Acount' in field path."},
		{"SELECT Account.Foo FROM Contact", "INVALID_FIELD", "No such column 'Foo' on entity 'Account'"},
		{"SELECT What.Amount FROM Task", "INVALID_FIELD", "No such column 'Amount' on entity 'Name'"},
		{"SELECT Id, (SELECT Id FROM Nopes) FROM Account", "INVALID_TYPE", "Didn't understand relationship 'Nopes' in FROM part of query call."},
		{"SELECT Id FROM Opportunity WHERE Amount = '5'", "INVALID_FIELD", "value of filter criterion for field 'Amount' must be of type double and should not be enclosed in quotes"},
		{"SELECT Id FROM Opportunity WHERE Name = 5", "INVALID_FIELD", "value of filter criterion for field 'Name' must be of type string and should be enclosed in quotes"},
		{"SELECT Id FROM Opportunity WHERE CreatedDate > 2024-01-01", "INVALID_FIELD", "must be of type dateTime"},
		{"SELECT Id FROM Opportunity WHERE AccountId = 'nope'", "INVALID_QUERY_FILTER_OPERATOR", "invalid ID field: nope"},
		{"SELECT Id FROM Account WHERE Name INCLUDES ('a')", "INVALID_QUERY_FILTER_OPERATOR", "multipicklist"},
		{"SELECT Name FROM Opportunity GROUP BY StageName", "MALFORMED_QUERY", "Field must be grouped or aggregated: Name"},
		{"SELECT Id FROM Account WHERE Description = 'x'", "INVALID_FIELD", "field 'Description' can not be filtered in a query call"},
		{"SELECT Id FROM ContentDocumentLink", "MALFORMED_QUERY", "Implementation restriction: ContentDocumentLink requires a filter by a single Id on ContentDocumentId or LinkedEntityId using the equals operator or multiple Id's using the IN operator."},
		{"SELECT Id FROM ContentDocument", "INVALID_TYPE", "sObject type 'ContentDocument' is not supported."},
		{"SELECT FIELDS(ALL) FROM Account", "MALFORMED_QUERY", "The SOQL FIELDS function must have a LIMIT of at most 200"},
	}
	for _, c := range cases {
		t.Run(c.q, func(t *testing.T) {
			e := a.query("admin", c.q).wantError(t, 400, c.code, c.msg)
			if strings.HasPrefix(c.msg, "\n") && e.Message != c.msg {
				t.Errorf("message\n%q\nwant\n%q", e.Message, c.msg)
			}
		})
	}
}

func TestQueryShapes(t *testing.T) {
	a := newAPI(t, Options{})
	// Parent relationships nest with their own attributes; a null lookup is null.
	r := a.one("admin", `SELECT Name, Parent.Name, Owner.Name, Owner.Email FROM Account WHERE Name = 'O\'Brien & Sons'`)
	parent := r["Parent"].(map[string]any)
	if parent["Name"] != "Acme Corp" || parent["attributes"].(map[string]any)["type"] != "Account" {
		t.Errorf("Parent %v", parent)
	}
	owner := r["Owner"].(map[string]any)
	if owner["Name"] != "Bob Brennan" || owner["Email"] != "bob@acme.demo" || owner["attributes"].(map[string]any)["type"] != "User" {
		t.Errorf("Owner %v", owner)
	}
	if r := a.one("admin", "SELECT Parent.Name FROM Account WHERE Name = 'Globex'"); r["Parent"] != nil {
		t.Errorf("null lookup: %v", r)
	} else if _, ok := r["Parent"]; !ok {
		t.Error("null lookup key missing")
	}
	// Multi-level paths.
	r = a.one("admin", "SELECT Account.Owner.Email FROM Contact WHERE Email = 'ana.silva@acme.example'")
	if r["Account"].(map[string]any)["Owner"].(map[string]any)["Email"] != "alice@acme.demo" {
		t.Errorf("multi-level %v", r)
	}
	// Child subqueries: {totalSize, done, records} or null.
	a.call("admin", "POST", "/sobjects/Account", `{"Name":"Lonely"}`).wantStatus(t, 201)
	rows := a.rows("admin", "SELECT Name, (SELECT LastName FROM Contacts ORDER BY LastName) FROM Account WHERE Name IN ('Acme Corp', 'Lonely') ORDER BY Name")
	if len(rows) != 2 {
		t.Fatalf("%d rows", len(rows))
	}
	kids := rows[0]["Contacts"].(map[string]any)
	recs := kids["records"].([]any)
	if kids["done"] != true || int(kids["totalSize"].(float64)) != len(recs) || len(recs) < 2 {
		t.Errorf("Contacts %v", kids)
	}
	if rows[1]["Contacts"] != nil {
		t.Errorf("childless subquery %v", rows[1]["Contacts"])
	}
	// Aggregates: AggregateResult without url, expr0.. and aliases, null groups.
	agg := a.query("admin", "SELECT StageName, COUNT(Id), SUM(Amount) total, MAX(CloseDate) FROM Opportunity GROUP BY StageName ORDER BY StageName")
	var ar struct {
		TotalSize int
		Records   []map[string]any
	}
	agg.decode(t, &ar)
	if ar.TotalSize == 0 || ar.TotalSize != len(ar.Records) {
		t.Fatalf("aggregate %s", agg.body)
	}
	first := ar.Records[0]
	if at := first["attributes"].(map[string]any); at["type"] != "AggregateResult" || at["url"] != nil {
		t.Errorf("attributes %v", at)
	}
	for _, k := range []string{"StageName", "expr0", "total", "expr1"} {
		if _, ok := first[k]; !ok {
			t.Errorf("aggregate key %s missing: %v", k, first)
		}
	}
	var n float64
	for _, rec := range ar.Records {
		n += rec["expr0"].(float64)
	}
	if cnt := a.query("admin", "SELECT COUNT() FROM Opportunity"); !strings.Contains(string(cnt.body), fmt.Sprintf(`{"totalSize":%d,"done":true,"records":[]}`, int(n))) {
		t.Errorf("COUNT() %s vs grouped sum %v", cnt.body, n)
	}
	// HAVING filters groups.
	for _, rec := range a.rows("admin", "SELECT OwnerId, COUNT(Id) c FROM Opportunity GROUP BY OwnerId HAVING COUNT(Id) > 15") {
		if rec["c"].(float64) <= 15 {
			t.Errorf("HAVING let %v through", rec)
		}
	}
	// Polymorphic relationships come back as attributes.type "Name".
	r = a.one("admin", "SELECT Who.Name, What.Name, What.Type, Owner.Name FROM Task WHERE Subject = 'Call' AND CallDurationInSeconds = 540")
	for _, k := range []string{"Who", "What", "Owner"} {
		if r[k].(map[string]any)["attributes"].(map[string]any)["type"] != "Name" {
			t.Errorf("%s attributes %v", k, r[k])
		}
	}
	if r["What"].(map[string]any)["Type"] != "Opportunity" || !strings.Contains(r["Who"].(map[string]any)["attributes"].(map[string]any)["url"].(string), "/Contact/") {
		t.Errorf("polymorphic %v", r)
	}
	// FIELDS(): every visible field of the set.
	r = a.one("alice", "SELECT FIELDS(CUSTOM) FROM Account WHERE Name = 'Acme Corp' LIMIT 1")
	if len(r) != 4 || r["Region__c"] != "NA" || r["External_Id__c"] != "ACME-001" {
		t.Errorf("FIELDS(CUSTOM): %v", r)
	}
	r = a.one("alice", "SELECT FIELDS(STANDARD) FROM Account WHERE Name = 'Acme Corp'")
	if _, hidden := r["AnnualRevenue"]; hidden || r["Name"] != "Acme Corp" || r["Region__c"] != nil {
		t.Errorf("FIELDS(STANDARD): %v", r)
	}
	// TYPEOF gives the real type.
	r = a.one("admin", "SELECT TYPEOF What WHEN Opportunity THEN Amount ELSE Name END FROM Task WHERE CallDurationInSeconds = 540")
	if w := r["What"].(map[string]any); w["Amount"] != 250000.0 || w["attributes"].(map[string]any)["type"] != "Opportunity" {
		t.Errorf("TYPEOF %v", w)
	}
}

func TestQueryFilters(t *testing.T) {
	a := newAPI(t, Options{})
	all := a.rows("admin", "SELECT Id, Name, Industry, Region__c, Segments__c, AnnualRevenue, CreatedDate FROM Account")
	count := func(keep func(map[string]any) bool) int {
		n := 0
		for _, r := range all {
			if keep(r) {
				n++
			}
		}
		return n
	}
	str := func(v any) string { s, _ := v.(string); return s }
	hasSeg := func(r map[string]any, s string) bool {
		for _, p := range strings.Split(str(r["Segments__c"]), ";") {
			if p == s {
				return true
			}
		}
		return false
	}
	created := func(r map[string]any) time.Time {
		tm, _ := time.Parse(sfDateTime, r["CreatedDate"].(string))
		return tm
	}
	cases := []struct {
		where string
		keep  func(map[string]any) bool
	}{
		{"Industry = 'banking'", func(r map[string]any) bool { return r["Industry"] == "Banking" }},
		{"Industry != 'Banking'", func(r map[string]any) bool { return r["Industry"] != "Banking" }}, // nulls included
		{"Industry = null", func(r map[string]any) bool { return r["Industry"] == nil }},
		{"Industry != null", func(r map[string]any) bool { return r["Industry"] != nil }},
		{"Industry IN ('Banking', 'RETAIL')", func(r map[string]any) bool { return r["Industry"] == "Banking" || r["Industry"] == "Retail" }},
		{"Industry NOT IN ('Banking')", func(r map[string]any) bool { return r["Industry"] != "Banking" }},
		{"NOT (Industry = 'Banking')", func(r map[string]any) bool { return r["Industry"] != "Banking" }},
		{"AnnualRevenue > 5000000", func(r map[string]any) bool { v, ok := r["AnnualRevenue"].(float64); return ok && v > 5e6 }},
		{"AnnualRevenue <= 5000000", func(r map[string]any) bool { v, ok := r["AnnualRevenue"].(float64); return ok && v <= 5e6 }},
		{"Name LIKE 'acme%'", func(r map[string]any) bool { return strings.HasPrefix(strings.ToLower(str(r["Name"])), "acme") }},
		{"Name LIKE '%\\_%'", func(r map[string]any) bool { return strings.Contains(str(r["Name"]), "_") }},
		{"Name LIKE '100\\%%'", func(r map[string]any) bool { return strings.HasPrefix(str(r["Name"]), "100%") }},
		{"Name LIKE 'Initr_de'", func(r map[string]any) bool { return r["Name"] == "Initrode" }},
		{"Name > 'X'", func(r map[string]any) bool { return cmpFold(str(r["Name"]), "X") > 0 }},
		{"Segments__c INCLUDES ('SMB;MidMarket', 'Public')", func(r map[string]any) bool { return hasSeg(r, "SMB") && hasSeg(r, "MidMarket") || hasSeg(r, "Public") }},
		{"Segments__c EXCLUDES ('SMB')", func(r map[string]any) bool { return !hasSeg(r, "SMB") }},
		{"Segments__c = 'Public;Enterprise'", func(r map[string]any) bool {
			return hasSeg(r, "Public") && hasSeg(r, "Enterprise") && strings.Count(str(r["Segments__c"]), ";") == 1
		}},
		{"Region__c = 'EMEA' OR (Industry = 'Technology' AND Region__c != 'NA')", func(r map[string]any) bool {
			return r["Region__c"] == "EMEA" || r["Industry"] == "Technology" && r["Region__c"] != "NA"
		}},
		{"CreatedDate = LAST_N_DAYS:90", func(r map[string]any) bool { return !created(r).Before(time.Date(2025, 8, 6, 0, 0, 0, 0, time.UTC)) }},
		{"CreatedDate < LAST_YEAR", func(r map[string]any) bool { return created(r).Before(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)) }},
		{"CreatedDate = THIS_MONTH", func(r map[string]any) bool { return !created(r).Before(time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)) }},
		{"CreatedDate >= 2025-06-01T00:00:00Z", func(r map[string]any) bool { return !created(r).Before(time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)) }},
		{"CALENDAR_YEAR(CreatedDate) = 2024", func(r map[string]any) bool { return created(r).Year() == 2024 }},
		{"Id IN (SELECT AccountId FROM Opportunity WHERE StageName = 'Closed Won')", nil},
	}
	for _, c := range cases {
		t.Run(c.where, func(t *testing.T) {
			got := a.rows("admin", "SELECT Id FROM Account WHERE "+c.where)
			if c.keep == nil {
				if len(got) == 0 {
					t.Error("no rows")
				}
				return
			}
			if want := count(c.keep); len(got) != want {
				t.Errorf("%d rows, want %d", len(got), want)
			}
		})
	}
}

func TestQueryOrderLimitOffset(t *testing.T) {
	a := newAPI(t, Options{Records: 1500})
	all := a.rows("admin", "SELECT Id, Name, Industry FROM Account ORDER BY Industry, Name, Id")
	if all[0]["Industry"] != nil {
		t.Errorf("ASC must put nulls first: %v", all[0])
	}
	for i := 1; i < len(all); i++ {
		p, c := all[i-1], all[i]
		if p["Industry"] != nil && c["Industry"] == nil {
			t.Fatalf("null after value at %d", i)
		}
		if p["Industry"] == c["Industry"] && cmpFold(p["Name"].(string), c["Name"].(string)) > 0 {
			t.Fatalf("names out of order at %d: %v %v", i, p["Name"], c["Name"])
		}
	}
	desc := a.rows("admin", "SELECT Id, Industry FROM Account ORDER BY Industry DESC")
	if desc[len(desc)-1]["Industry"] != nil {
		t.Error("DESC must put nulls last")
	}
	nf := a.rows("admin", "SELECT Id, Industry FROM Account ORDER BY Industry DESC NULLS FIRST")
	if nf[0]["Industry"] != nil {
		t.Error("NULLS FIRST ignored")
	}
	page := a.rows("admin", "SELECT Id, Name, Industry FROM Account ORDER BY Industry, Name, Id LIMIT 7 OFFSET 11")
	if len(page) != 7 {
		t.Fatalf("%d rows", len(page))
	}
	for i, r := range page {
		if r["Id"] != all[11+i]["Id"] {
			t.Fatalf("row %d: %v, want %v", i, r["Id"], all[11+i]["Id"])
		}
	}
	// keyset paging on Id
	ids := a.rows("admin", "SELECT Id FROM Account ORDER BY Id LIMIT 3")
	next := a.rows("admin", "SELECT Id FROM Account WHERE Id > '"+ids[2]["Id"].(string)+"' ORDER BY Id LIMIT 1")
	sorted := make([]string, 0, len(all))
	for _, r := range all {
		sorted = append(sorted, r["Id"].(string))
	}
	sort.Strings(sorted)
	if next[0]["Id"] != sorted[3] {
		t.Errorf("keyset paging %v, want %s", next[0]["Id"], sorted[3])
	}
	if n := len(a.rows("admin", "SELECT Id FROM Account LIMIT 5")); n != 5 {
		t.Errorf("LIMIT 5 gave %d", n)
	}
}

func TestQueryMore(t *testing.T) {
	a := newAPI(t, Options{Records: 9000})
	total := a.query("admin", "SELECT Id FROM Contact").obj(t)["totalSize"].(float64)
	if total <= 2000 {
		t.Fatalf("only %v contacts", total)
	}
	r := a.call("admin", "GET", "/query?q=SELECT+Id+FROM+Contact", nil, "Sforce-Query-Options", "batchSize=50")
	var page struct {
		TotalSize      int
		Done           bool
		NextRecordsURL string
		Records        []map[string]any
	}
	r.decode(t, &page)
	if page.TotalSize != int(total) || page.Done || len(page.Records) != 200 {
		t.Fatalf("first page: total %d done %v %d records", page.TotalSize, page.Done, len(page.Records))
	}
	loc := page.NextRecordsURL
	if !strings.HasPrefix(loc, "/services/data/v62.0/query/01g") || !strings.HasSuffix(loc, "-200") {
		t.Fatalf("nextRecordsUrl %q", loc)
	}
	if _, ok := normID(loc[len("/services/data/v62.0/query/") : len(loc)-4]); !ok {
		t.Errorf("locator id in %q is not an 18-char id", loc)
	}
	seen := map[string]bool{}
	for _, rec := range page.Records {
		seen[rec["Id"].(string)] = true
	}
	a.get("bob", loc).wantError(t, 400, "INVALID_QUERY_LOCATOR", "")
	for !page.Done {
		next := a.get("admin", page.NextRecordsURL)
		page.NextRecordsURL = ""
		next.decode(t, &page)
		if page.TotalSize != int(total) {
			t.Fatalf("totalSize changed to %d", page.TotalSize)
		}
		for _, rec := range page.Records {
			seen[rec["Id"].(string)] = true
		}
	}
	if len(seen) != int(total) {
		t.Errorf("paged %d distinct rows, want %v", len(seen), total)
	}
	a.get("admin", "/query/01g5g000000000BAAA-200").wantError(t, 400, "INVALID_QUERY_LOCATOR", "invalid query locator")
	a.get("admin", loc[:len(loc)-4]+"-99999").wantError(t, 400, "INVALID_QUERY_LOCATOR", "")
	// queryAll hands out /query/ locators; locators expire after 15 idle minutes.
	r = a.get("admin", "/queryAll?q=SELECT+Id+FROM+Contact")
	r.decode(t, &page)
	if !strings.Contains(page.NextRecordsURL, "/query/01g") || len(page.Records) != 2000 {
		t.Errorf("queryAll locator %q, %d records", page.NextRecordsURL, len(page.Records))
	}
	a.get("admin", page.NextRecordsURL).wantStatus(t, 200)
	a.advance(16 * time.Minute)
	a.get("admin", page.NextRecordsURL).wantError(t, 400, "INVALID_QUERY_LOCATOR", "")
}
