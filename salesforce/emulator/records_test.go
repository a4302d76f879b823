package emulator

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

var sfDateTimeRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$`)

func TestGetRecord(t *testing.T) {
	a := newAPI(t, Options{})
	acme := a.id("SELECT Id FROM Account WHERE Name = 'Acme Corp'")
	r := a.get("admin", "/sobjects/Account/"+acme+"?fields=Name,Industry")
	r.wantStatus(t, 200)
	// key order: attributes, the requested fields, then Id (WIRE record_get_fields.json).
	want := `{"attributes":{"type":"Account","url":"/services/data/v62.0/sobjects/Account/` + acme +
		`"},"Name":"Acme Corp","Industry":"Manufacturing","Id":"` + acme + `"}`
	if string(r.body) != want {
		t.Errorf("body\n %s\nwant\n %s", r.body, want)
	}
	full := a.get("admin", "/sobjects/Account/"+acme).obj(t)
	if full["AnnualRevenue"] != 12500000.0 || full["ParentId"] != nil || full["IsDeleted"] != false {
		t.Errorf("full record: %v", full)
	}
	if _, ok := full["ParentId"]; !ok {
		t.Error("null field omitted")
	}
	if !sfDateTimeRE.MatchString(full["CreatedDate"].(string)) {
		t.Errorf("CreatedDate %q", full["CreatedDate"])
	}
	if !strings.Contains(string(a.get("admin", "/sobjects/Account/"+acme).body), `"NumberOfEmployees":420,`) {
		t.Error("int field not rendered as an integer")
	}
	// 15-char ids are accepted.
	a.get("admin", "/sobjects/Account/"+acme[:15]).wantStatus(t, 200)

	contact := a.id("SELECT Id FROM Contact WHERE Email = 'ana.silva@acme.example'")
	cases := []struct {
		name, path string
		status     int
		code, msg  string
	}{
		{"bad field", "/sobjects/Account/" + acme + "?fields=Name,Foo", 400, "INVALID_FIELD", "No such column 'Foo' on entity 'Account'"},
		{"not an id", "/sobjects/Account/23foo", 404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: 23foo"},
		{"bad checksum", "/sobjects/Account/001XXXXXXXXXXXXBAD", 404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: 001XXXXXXXXXXXXBAD"},
		{"wrong type", "/sobjects/Account/" + contact, 400, "MALFORMED_ID", "Account ID: id value of incorrect type: " + contact},
		{"missing", "/sobjects/Account/" + makeID("001", 99999999), 404, "NOT_FOUND", "The requested resource does not exist"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a.get("admin", c.path).wantError(t, c.status, c.code, c.msg)
		})
	}
}

func TestCreateUpdateDelete(t *testing.T) {
	a := newAPI(t, Options{})
	acme := a.id("SELECT Id FROM Account WHERE Name = 'Acme Corp'")
	r := a.call("alice", "POST", "/sobjects/Contact/", map[string]any{"LastName": "Quote's \"Test\"", "FirstName": "Zoë", "AccountId": acme})
	r.wantStatus(t, 201)
	var res struct {
		ID      string
		Success bool
		Errors  []any
	}
	r.decode(t, &res)
	if !res.Success || res.Errors == nil || len(res.Errors) != 0 || !strings.HasPrefix(res.ID, "003") {
		t.Fatalf("create result %s", r.body)
	}
	if _, ok := normID(res.ID); !ok || len(res.ID) != 18 {
		t.Fatalf("bad id %q", res.ID)
	}
	alice := a.o.userByUsername("alice@acme.demo").ID
	c := a.get("alice", "/sobjects/Contact/"+res.ID).obj(t)
	if c["Name"] != "Zoë Quote's \"Test\"" || c["OwnerId"] != alice || c["CreatedById"] != alice ||
		c["CreatedDate"] != "2025-11-04T12:00:00.000+0000" || c["IsDeleted"] != false {
		t.Errorf("created contact: %v", c)
	}
	a.advance(60e9)
	a.call("alice", "PATCH", "/sobjects/Contact/"+res.ID, map[string]any{"Title": "CTO", "FirstName": nil}).wantStatus(t, 204)
	c = a.get("alice", "/sobjects/Contact/"+res.ID).obj(t)
	if c["Title"] != "CTO" || c["Name"] != "Quote's \"Test\"" || c["LastModifiedDate"] != "2025-11-04T12:01:00.000+0000" {
		t.Errorf("after update: %v", c)
	}
	// POST with _HttpMethod=PATCH tunnels an update.
	a.call("alice", "POST", "/sobjects/Contact/"+res.ID+"?_HttpMethod=PATCH", map[string]any{"Title": "CEO"}).wantStatus(t, 204)

	a.call("alice", "DELETE", "/sobjects/Contact/"+res.ID, nil).wantStatus(t, 204)
	a.get("alice", "/sobjects/Contact/"+res.ID).wantError(t, 404, "ENTITY_IS_DELETED", "entity is deleted")
	a.call("alice", "DELETE", "/sobjects/Contact/"+res.ID, nil).wantError(t, 404, "ENTITY_IS_DELETED", "entity is deleted")
	a.call("alice", "PATCH", "/sobjects/Contact/"+res.ID, map[string]any{"Title": "x"}).wantError(t, 404, "ENTITY_IS_DELETED", "")
	if n := len(a.rows("alice", "SELECT Id FROM Contact WHERE Id = '"+res.ID+"'")); n != 0 {
		t.Errorf("deleted row visible to query: %d", n)
	}
	r = a.get("alice", "/queryAll?q=SELECT+Id,IsDeleted+FROM+Contact+WHERE+Id='"+res.ID+"'")
	if !strings.Contains(string(r.body), `"IsDeleted":true`) {
		t.Errorf("queryAll: %s", r.body)
	}
}

func TestCreateValidation(t *testing.T) {
	a := newAPI(t, Options{})
	acme := a.id("SELECT Id FROM Account WHERE Name = 'Acme Corp'")
	contact := a.id("SELECT Id FROM Contact WHERE Email = 'ana.silva@acme.example'")
	ghost := makeID("001", 99999999)
	cases := []struct {
		name, obj string
		body      string
		code, msg string
		fields    []string
	}{
		{"id in body", "Account", `{"Id":"` + acme + `","Name":"x"}`, "INVALID_FIELD", "The Id field should not be specified in the sobject data.", nil},
		{"required", "Contact", `{"FirstName":"x"}`, "REQUIRED_FIELD_MISSING", "Required fields are missing: [LastName]", []string{"LastName"}},
		{"required many", "Opportunity", `{"Amount":5}`, "REQUIRED_FIELD_MISSING", "Required fields are missing: [Name, StageName, CloseDate]", []string{"Name", "StageName", "CloseDate"}},
		{"unknown field", "Account", `{"Name":"x","Foo__c":1}`, "INVALID_FIELD", "No such column 'Foo__c' on sobject of type Account", nil},
		{"read-only field", "Account", `{"Name":"x","CreatedDate":"2020-01-01T00:00:00Z"}`, "INVALID_FIELD_FOR_INSERT_UPDATE", "Unable to create/update fields: CreatedDate.", []string{"CreatedDate"}},
		{"restricted picklist", "Account", `{"Name":"x","Region__c":"Mars"}`, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "Region: bad value for restricted picklist field: Mars", []string{"Region__c"}},
		{"validation rule", "Opportunity", `{"Name":"x","StageName":"Prospecting","CloseDate":"2025-12-01","Amount":-5}`, "FIELD_CUSTOM_VALIDATION_EXCEPTION", "Amount must not be negative.", []string{"Amount"}},
		{"malformed lookup", "Contact", `{"LastName":"x","AccountId":"nope"}`, "MALFORMED_ID", "Account ID: id value of incorrect type: nope", []string{"Id"}},
		{"wrong-type lookup", "Contact", `{"LastName":"x","AccountId":"` + contact + `"}`, "MALFORMED_ID", "id value of incorrect type", []string{"Id"}},
		{"missing lookup", "Contact", `{"LastName":"x","AccountId":"` + ghost + `"}`, "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY", "insufficient access rights on cross-reference id: " + ghost[:15], []string{}},
		{"bad date", "Opportunity", `{"Name":"x","StageName":"Prospecting","CloseDate":"next week"}`, "JSON_PARSER_ERROR", "Cannot deserialize instance of date", nil},
		{"too long", "Account", `{"Name":"` + strings.Repeat("x", 256) + `"}`, "STRING_TOO_LONG", "Account Name: data value too large", []string{"Name"}},
		{"bad json", "Account", `{"Name":`, "JSON_PARSER_ERROR", "", nil},
		{"event without end", "Event", `{"Subject":"x","StartDateTime":"2025-11-10T17:00:00Z"}`, "REQUIRED_FIELD_MISSING", "[EndDateTime]", []string{"EndDateTime"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := a.call("admin", "POST", "/sobjects/"+c.obj, c.body).wantError(t, 400, c.code, c.msg)
			if c.fields == nil {
				if e.Fields != nil && c.code != "JSON_PARSER_ERROR" {
					t.Errorf("fields %v, want none", *e.Fields)
				}
			} else if e.Fields == nil || strings.Join(*e.Fields, ",") != strings.Join(c.fields, ",") {
				t.Errorf("fields %v, want %v", e.Fields, c.fields)
			}
		})
	}
	// Update of a create-only field.
	task := a.id("SELECT Id FROM Task WHERE Subject = 'Send proposal'")
	a.call("admin", "PATCH", "/sobjects/Task/"+task, `{"TaskSubtype":"Call"}`).wantError(t, 400, "INVALID_FIELD_FOR_INSERT_UPDATE", "TaskSubtype")
	a.call("admin", "PATCH", "/sobjects/Account/"+acme, `{"Name":null}`).wantError(t, 400, "REQUIRED_FIELD_MISSING", "[Name]")
	// Stage changes derive IsClosed/IsWon and the stage's probability.
	opp := a.id("SELECT Id FROM Opportunity WHERE Name = 'Globex Expansion'")
	a.call("admin", "PATCH", "/sobjects/Opportunity/"+opp, `{"StageName":"Closed Won"}`).wantStatus(t, 204)
	if o := a.get("admin", "/sobjects/Opportunity/"+opp).obj(t); o["IsWon"] != true || o["IsClosed"] != true || o["Probability"] != 100.0 {
		t.Errorf("closed won: %v %v %v", o["IsWon"], o["IsClosed"], o["Probability"])
	}
	// Unique external id.
	a.call("admin", "POST", "/sobjects/Project__c", `{"Name":"dup","Code__c":"prj-0001"}`).wantError(t, 400, "DUPLICATE_VALUE", "duplicate value found: Code__c duplicates value on record with id: ")
}

func TestActivitiesAndNotes(t *testing.T) {
	a := newAPI(t, Options{})
	ana := a.id("SELECT Id FROM Contact WHERE Email = 'ana.silva@acme.example'")
	opp := a.id("SELECT Id FROM Opportunity WHERE Name = 'Acme Renewal FY26'")
	acme := a.id("SELECT Id FROM Account WHERE Name = 'Acme Corp'")
	body := map[string]any{"Subject": "Call", "TaskSubtype": "Call", "Status": "Completed", "Priority": "Normal",
		"ActivityDate": "2025-11-04", "WhoId": ana, "WhatId": opp, "Description": "Discussed renewal.",
		"CallType": "Outbound", "CallDurationInSeconds": 540, "CallDisposition": "Connected"}
	r := a.call("alice", "POST", "/sobjects/Task", body)
	r.wantStatus(t, 201)
	id := r.obj(t)["id"].(string)
	task := a.one("alice", "SELECT IsClosed, AccountId, CompletedDateTime, Who.Name, What.Type, TaskSubtype FROM Task WHERE Id = '"+id+"'")
	if task["IsClosed"] != true || task["AccountId"] != acme || task["CompletedDateTime"] != "2025-11-04T12:00:00.000+0000" ||
		task["TaskSubtype"] != "Call" || task["What"].(map[string]any)["Type"] != "Opportunity" {
		t.Errorf("logged call: %v", task)
	}
	a.call("alice", "POST", "/sobjects/Task", `{"Subject":"x","TaskSubtype":"Fax"}`).wantError(t, 400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "Task Subtype: bad value for restricted picklist field: Fax")
	a.call("alice", "POST", "/sobjects/Task", map[string]any{"Subject": "x", "WhoId": acme}).wantError(t, 400, "MALFORMED_ID", "")
	// Task defaults.
	r = a.call("alice", "POST", "/sobjects/Task", `{"Subject":"todo"}`)
	def := a.get("alice", "/sobjects/Task/"+r.obj(t)["id"].(string)).obj(t)
	if def["Status"] != "Not Started" || def["Priority"] != "Normal" || def["TaskSubtype"] != "Task" {
		t.Errorf("task defaults: %v", def)
	}
	// Event from ActivityDateTime + DurationInMinutes.
	r = a.call("alice", "POST", "/sobjects/Event", `{"Subject":"Meeting","ActivityDateTime":"2025-11-10T17:00:00Z","DurationInMinutes":30,"WhatId":"`+acme+`"}`)
	r.wantStatus(t, 201)
	ev := a.get("alice", "/sobjects/Event/"+r.obj(t)["id"].(string)).obj(t)
	if ev["EndDateTime"] != "2025-11-10T17:30:00.000+0000" || ev["StartDateTime"] != "2025-11-10T17:00:00.000+0000" || ev["ActivityDate"] != "2025-11-10" {
		t.Errorf("event: %v", ev)
	}
	// Moving the start keeps the duration.
	evID := r.obj(t)["id"].(string)
	a.call("alice", "PATCH", "/sobjects/Event/"+evID, `{"StartDateTime":"2025-11-11T09:00:00Z"}`).wantStatus(t, 204)
	ev = a.get("alice", "/sobjects/Event/"+evID).obj(t)
	if ev["EndDateTime"] != "2025-11-11T09:30:00.000+0000" || ev["ActivityDateTime"] != "2025-11-11T09:00:00.000+0000" {
		t.Errorf("moved event: %v", ev)
	}
	a.call("alice", "PATCH", "/sobjects/Event/"+evID, `{"EndDateTime":"2025-11-11T08:00:00Z"}`).wantError(t, 400, "FIELD_INTEGRITY_EXCEPTION", "")
	// Note + link, read back through the mandatory filter.
	r = a.call("alice", "POST", "/sobjects/ContentNote", `{"Title":"Call notes","Content":"PHA+Q3VzdG9tZXIgYXNrZWQgZm9yIGEgcmV2aXNlZCBxdW90ZSAmYW1wOyB0aW1lbGluZS48L3A+"}`)
	r.wantStatus(t, 201)
	note := r.obj(t)["id"].(string)
	if !strings.HasPrefix(note, "069") {
		t.Fatalf("note id %s", note)
	}
	a.call("alice", "POST", "/sobjects/ContentDocumentLink", map[string]any{"ContentDocumentId": note, "LinkedEntityId": opp, "ShareType": "V", "Visibility": "AllUsers"}).wantStatus(t, 201)
	link := a.one("alice", "SELECT ContentDocumentId FROM ContentDocumentLink WHERE LinkedEntityId = '"+opp+"'")
	if link["ContentDocumentId"] != note {
		t.Errorf("link %v", link)
	}
	n := a.one("alice", "SELECT Title, TextPreview, FileType FROM ContentNote WHERE Id IN ('"+note+"')")
	if n["TextPreview"] != "Customer asked for a revised quote & timeline." || n["FileType"] != "SNOTE" {
		t.Errorf("note %v", n)
	}
	a.query("alice", "SELECT Id FROM ContentDocumentLink WHERE ShareType = 'V'").wantError(t, 400, "MALFORMED_QUERY", "Implementation restriction: ContentDocumentLink requires a filter")
	blob := a.get("alice", "/sobjects/ContentNote/"+note+"/Content")
	if blob.status != 200 || !strings.Contains(string(blob.body), "revised quote &amp; timeline") {
		t.Errorf("content blob %d %s", blob.status, blob.body)
	}
}

func TestUpsert(t *testing.T) {
	a := newAPI(t, Options{})
	r := a.call("admin", "PATCH", "/sobjects/Account/External_Id__c/NEW-1", `{"Name":"Brand New"}`)
	r.wantStatus(t, 201)
	var res map[string]any
	r.decode(t, &res)
	if res["created"] != true || res["success"] != true {
		t.Fatalf("created: %s", r.body)
	}
	id := res["id"].(string)
	r = a.call("admin", "PATCH", "/sobjects/Account/External_Id__c/new-1", `{"Name":"Renamed"}`)
	r.wantStatus(t, 200)
	if r.obj(t)["created"] != false || r.obj(t)["id"] != id {
		t.Errorf("update: %s", r.body)
	}
	got := a.get("admin", "/sobjects/Account/External_Id__c/NEW-1").obj(t)
	if got["Name"] != "Renamed" || got["External_Id__c"] != "NEW-1" {
		t.Errorf("get by external id: %v", got)
	}
	a.call("admin", "PATCH", "/services/data/v45.0/sobjects/Account/External_Id__c/NEW-1", `{"Rating":"Hot"}`).wantStatus(t, 204)
	r = a.call("admin", "PATCH", "/sobjects/Account/External_Id__c/DUP-001", `{"Rating":"Hot"}`)
	r.wantStatus(t, 300)
	var urls []string
	r.decode(t, &urls)
	if len(urls) != 2 || !strings.HasPrefix(urls[0], "/services/data/v62.0/sobjects/Account/001") {
		t.Errorf("300 body %s", r.body)
	}
	a.call("admin", "PATCH", "/sobjects/Account/Namez/x", `{"Rating":"Hot"}`).wantError(t, 404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: Namez")
	a.call("admin", "PATCH", "/sobjects/Account/Name/x", `{"Rating":"Hot"}`).wantError(t, 404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: Name")
	a.call("admin", "PATCH", "/sobjects/Account/External_Id__c/NOPE-9?updateOnly=true", `{"Name":"x"}`).wantError(t, 404, "NOT_FOUND", "")
	a.call("admin", "PATCH", "/sobjects/Account/External_Id__c/NOPE-9", `{"Rating":"Hot"}`).wantError(t, 400, "REQUIRED_FIELD_MISSING", "[Name]")
	a.call("admin", "PATCH", "/sobjects/Account/External_Id__c/NEW-1", `{"External_Id__c":"OTHER"}`).wantError(t, 400, "INVALID_FIELD", "")
	if n := len(a.rows("admin", "SELECT Id FROM Account WHERE External_Id__c = 'NEW-1'")); n != 1 {
		t.Errorf("%d rows with NEW-1", n)
	}
}

func TestHostileValuesRoundTrip(t *testing.T) {
	a := newAPI(t, Options{})
	names := []string{`Back\slash Holdings`, "O'Brien & Sons", "Zero\u200bWidth Inc", "Evil \u202eCorp\u202c Ltd", "東京商事株式会社", "Zürich Versicherung AG"}
	for _, n := range names {
		q := "SELECT Name, Description FROM Account WHERE Name = '" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(n) + "'"
		if got := a.one("admin", q)["Name"]; got != n {
			t.Errorf("%q came back as %q", n, got)
		}
	}
	d := a.one("admin", `SELECT Description FROM Account WHERE Name = 'Back\\slash Holdings'`)["Description"].(string)
	if !strings.Contains(d, "\n") || !strings.Contains(d, `"double quotes"`) || !strings.Contains(d, "\t") {
		t.Errorf("description %q", d)
	}
	raw := a.query("admin", `SELECT Description FROM Account WHERE Name = 'Back\\slash Holdings'`).body
	if !json.Valid(raw) || !strings.Contains(string(raw), `Line one\nLine two with \"double quotes\"`) {
		t.Errorf("escaping: %s", raw)
	}
}
