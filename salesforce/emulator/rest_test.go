package emulator

import (
	"net/http"
	"strings"
	"testing"
)

func TestVersionsNeedNoAuthAndNoLimitHeader(t *testing.T) {
	a := newAPI(t, Options{})
	r := a.get("", "/services/data/")
	r.wantStatus(t, 200)
	if h := r.header.Get("Sforce-Limit-Info"); h != "" {
		t.Errorf("versions list carries Sforce-Limit-Info %q", h)
	}
	var vs []struct{ Label, URL, Version string }
	r.decode(t, &vs)
	found := false
	for _, v := range vs {
		if v.Version == "62.0" {
			found = v.Label == "Winter '25" && v.URL == "/services/data/v62.0"
		}
	}
	if !found {
		t.Errorf("v62.0 Winter '25 missing: %s", r.body)
	}
	if a.o.Count("api") != 0 {
		t.Errorf("versions list charged the API budget")
	}
}

func TestLimitInfoAndBudget(t *testing.T) {
	a := newAPI(t, Options{APIDailyLimit: 3})
	for i, want := range []string{"api-usage=1/3", "api-usage=2/3", "api-usage=3/3"} {
		r := a.get("admin", "/limits")
		r.wantStatus(t, 200)
		if h := r.header.Get("Sforce-Limit-Info"); h != want {
			t.Fatalf("call %d: Sforce-Limit-Info %q, want %q", i, h, want)
		}
		if i == 1 {
			m := r.obj(t)["DailyApiRequests"].(map[string]any)
			if m["Max"] != 3.0 || m["Remaining"] != 1.0 {
				t.Errorf("DailyApiRequests %v", m)
			}
		}
	}
	r := a.query("alice", "SELECT Id FROM Account")
	r.wantError(t, 403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
	if h := r.header.Get("Sforce-Limit-Info"); h != "api-usage=3/3" {
		t.Errorf("Sforce-Limit-Info on 403: %q", h)
	}
	if a.o.Count("api") != 3 {
		t.Errorf("api counter %d", a.o.Count("api"))
	}
}

func TestRESTErrors(t *testing.T) {
	a := newAPI(t, Options{})
	cases := []struct {
		name, user, method, path string
		status                   int
		code, msg                string
	}{
		{"no token", "", "GET", "/sobjects/", 401, "INVALID_SESSION_ID", "Session expired or invalid"},
		{"unknown version", "admin", "GET", "/services/data/v99.0/sobjects/", 404, "NOT_FOUND", "The requested resource does not exist"},
		{"unknown resource", "admin", "GET", "/nope", 404, "NOT_FOUND", "The requested resource does not exist"},
		{"unknown object", "admin", "GET", "/sobjects/Nope__c/describe", 404, "NOT_FOUND", ""},
		{"patch collection", "admin", "PATCH", "/sobjects/Account", 405, "METHOD_NOT_ALLOWED", "HTTP Method 'PATCH' not allowed. Allowed are HEAD,GET,POST"},
		{"post query", "admin", "POST", "/query?q=SELECT+Id+FROM+Account", 405, "METHOD_NOT_ALLOWED", "HTTP Method 'POST' not allowed. Allowed are HEAD,GET"},
		{"put record", "admin", "PUT", "/sobjects/Account/0015g0000004OmXAAU", 405, "METHOD_NOT_ALLOWED", "Allowed are HEAD,GET,PATCH,DELETE"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a.call(c.user, c.method, c.path, nil).wantError(t, c.status, c.code, c.msg)
		})
	}
	r := a.get("", "/sobjects/")
	if r.header.Get("Sforce-Limit-Info") == "" {
		t.Error("401 without Sforce-Limit-Info")
	}
}

func TestResourcesAndDescribeGlobal(t *testing.T) {
	a := newAPI(t, Options{})
	res := a.get("admin", "/").obj(t)
	if res["query"] != "/services/data/v62.0/query" || res["sobjects"] != "/services/data/v62.0/sobjects" {
		t.Errorf("resources: %v", res)
	}
	var g struct {
		Encoding     string
		MaxBatchSize int
		SObjects     []map[string]any
	}
	a.get("alice", "/sobjects/").decode(t, &g)
	byName := map[string]map[string]any{}
	for _, s := range g.SObjects {
		byName[s["name"].(string)] = s
	}
	want := map[string]string{"Account": "001", "Contact": "003", "Lead": "00Q", "Opportunity": "006",
		"Case": "500", "Task": "00T", "Event": "00U", "User": "005", "ContentNote": "069",
		"ContentDocumentLink": "06A", "Project__c": "a01"}
	for name, prefix := range want {
		if byName[name]["keyPrefix"] != prefix {
			t.Errorf("%s keyPrefix %v, want %s", name, byName[name]["keyPrefix"], prefix)
		}
	}
	if byName["Account"]["deletable"] != false || byName["Contact"]["deletable"] != true {
		t.Errorf("alice's Account deletable=%v", byName["Account"]["deletable"])
	}
	if byName["Project__c"]["custom"] != true {
		t.Error("Project__c not custom")
	}
}

func TestDescribe(t *testing.T) {
	a := newAPI(t, Options{})
	r := a.get("admin", "/sobjects/Account/describe")
	r.wantStatus(t, 200)
	d := r.obj(t)
	if d["keyPrefix"] != "001" || d["name"] != "Account" {
		t.Fatalf("describe header: %v %v", d["name"], d["keyPrefix"])
	}
	fields := map[string]map[string]any{}
	for _, f := range d["fields"].([]any) {
		m := f.(map[string]any)
		fields[m["name"].(string)] = m
	}
	keys := []string{"name", "label", "type", "length", "nillable", "createable", "updateable",
		"defaultedOnCreate", "picklistValues", "referenceTo", "relationshipName", "externalId",
		"idLookup", "filterable", "calculated", "nameField", "restrictedPicklist", "soapType"}
	for _, k := range keys {
		if _, ok := fields["Name"][k]; !ok {
			t.Errorf("field key %q missing", k)
		}
	}
	checks := []struct {
		field, key string
		want       any
	}{
		{"Name", "nameField", true}, {"Name", "nillable", false}, {"Name", "createable", true},
		{"Id", "type", "id"}, {"Id", "createable", false},
		{"OwnerId", "relationshipName", "Owner"}, {"OwnerId", "defaultedOnCreate", true},
		{"ParentId", "type", "reference"}, {"External_Id__c", "externalId", true},
		{"Region__c", "restrictedPicklist", true}, {"Segments__c", "type", "multipicklist"},
		{"CreatedDate", "type", "datetime"}, {"AnnualRevenue", "type", "currency"},
		{"Description", "filterable", false},
	}
	for _, c := range checks {
		if got := fields[c.field][c.key]; got != c.want {
			t.Errorf("%s.%s = %v, want %v", c.field, c.key, got, c.want)
		}
	}
	if rt := fields["ParentId"]["referenceTo"].([]any); len(rt) != 1 || rt[0] != "Account" {
		t.Errorf("ParentId referenceTo %v", rt)
	}
	if pv := fields["Region__c"]["picklistValues"].([]any); len(pv) != 4 {
		t.Errorf("Region__c picklist %v", pv)
	}
	var rels []string
	for _, cr := range d["childRelationships"].([]any) {
		rels = append(rels, cr.(map[string]any)["relationshipName"].(string))
	}
	if !strings.Contains(strings.Join(rels, ","), "Contacts") || !strings.Contains(strings.Join(rels, ","), "Projects__r") {
		t.Errorf("child relationships %v", rels)
	}
	task := a.get("admin", "/sobjects/Task/describe").obj(t)
	for _, f := range task["fields"].([]any) {
		m := f.(map[string]any)
		switch m["name"] {
		case "TaskSubtype":
			if m["createable"] != true || m["updateable"] != false || m["restrictedPicklist"] != true {
				t.Errorf("TaskSubtype %v", m)
			}
		case "WhoId":
			if rt := m["referenceTo"].([]any); len(rt) != 2 || m["relationshipName"] != "Who" {
				t.Errorf("WhoId %v", m)
			}
		}
	}
	// FLS: alice does not see AnnualRevenue.
	for _, f := range a.get("alice", "/sobjects/Account/describe").obj(t)["fields"].([]any) {
		if f.(map[string]any)["name"] == "AnnualRevenue" {
			t.Error("alice's describe shows AnnualRevenue")
		}
	}
}

func TestDescribeIfModifiedSince(t *testing.T) {
	a := newAPI(t, Options{})
	first := a.get("admin", "/sobjects/Account/describe")
	lm := first.header.Get("Last-Modified")
	if lm == "" {
		t.Fatal("no Last-Modified")
	}
	for _, path := range []string{"/sobjects/Account/describe", "/sobjects/"} {
		r := a.call("admin", http.MethodGet, path, nil, "If-Modified-Since", lm)
		if r.status != 304 || len(r.body) != 0 {
			t.Errorf("%s: %d %q, want 304 empty", path, r.status, r.body)
		}
	}
	old := a.call("admin", http.MethodGet, "/sobjects/Account/describe", nil, "If-Modified-Since", "Mon, 30 Nov 2020 08:34:54 MST")
	old.wantStatus(t, 200)
}
