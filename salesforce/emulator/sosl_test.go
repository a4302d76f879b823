package emulator

import (
	"net/url"
	"strings"
	"testing"
)

func (a *apiEnv) search(user, sosl string) apiResp {
	return a.get(user, "/search/?q="+url.QueryEscape(sosl))
}

// names returns "Type:Name" for each searchRecords entry.
func searchNames(t *testing.T, r apiResp) []string {
	t.Helper()
	var out struct {
		SearchRecords []map[string]any `json:"searchRecords"`
	}
	r.wantStatus(t, 200)
	r.decode(t, &out)
	if out.SearchRecords == nil {
		t.Fatalf("no searchRecords key: %s", r.body)
	}
	var names []string
	for _, rec := range out.SearchRecords {
		n, _ := rec["Name"].(string)
		names = append(names, rec["attributes"].(map[string]any)["type"].(string)+":"+n)
	}
	return names
}

func TestSearch(t *testing.T) {
	a := newAPI(t, Options{})
	cases := []struct {
		sosl string
		want []string // exact list, or (prefixed by "~") entries that must be present
	}{
		{"FIND {Acme} RETURNING Account(Id, Name)", []string{"Account:Acme Corp"}},
		{"FIND {acme corp} IN NAME FIELDS RETURNING Account(Name)", []string{"Account:Acme Corp"}},
		{`FIND {O\'Brien} RETURNING Account(Name)`, []string{"Account:O'Brien & Sons"}},
		{`FIND {Back\\slash} RETURNING Account(Name)`, []string{`Account:Back\slash Holdings`}},
		{`FIND {"Pure_Data LLC"} RETURNING Account(Name)`, []string{"Account:100% Pure_Data LLC"}},
		{"FIND {Initech OR Initrode} RETURNING Account(Name ORDER BY Name DESC)", []string{"Account:Initrode", "Account:Initech"}},
		{"FIND {Initech AND NOT Initrode} RETURNING Account(Name)", []string{"Account:Initech"}},
		{"FIND {Initr*} RETURNING Account(Name WHERE Industry = 'Technology' LIMIT 1)", []string{"Account:Initrode"}},
		{"FIND {東京} RETURNING Account(Name)", []string{"Account:東京商事株式会社"}},
		{"FIND {Acme} IN ALL FIELDS RETURNING Account(Name), Contact(Name, Email), Lead(Name)", []string{"~Account:Acme Corp", "~Contact:Ana Silva", "~Lead:Paula Prospect"}},
		{"FIND {zzzqqq}", nil},
	}
	for _, c := range cases {
		t.Run(c.sosl, func(t *testing.T) {
			got := searchNames(t, a.search("admin", c.sosl))
			if len(c.want) > 0 && strings.HasPrefix(c.want[0], "~") {
				for _, w := range c.want {
					if !strings.Contains(strings.Join(got, "|"), w[1:]) {
						t.Errorf("%q missing from %v", w[1:], got)
					}
				}
				return
			}
			if strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
	// Without RETURNING every searchable object is searched and records carry Id only.
	r := a.search("admin", "FIND {Acme Renewal}")
	if !strings.Contains(string(r.body), `"type":"Opportunity"`) {
		t.Errorf("unscoped search: %s", r.body)
	}
	// Sharing applies to search.
	if got := searchNames(t, a.search("alice", "FIND {Globex Expansion} RETURNING Opportunity(Name)")); len(got) != 0 {
		t.Errorf("alice finds bob's opportunity: %v", got)
	}
	// Before v37 the answer is a bare array.
	old := a.get("admin", "/services/data/v36.0/search/?q="+url.QueryEscape("FIND {Acme} RETURNING Account(Name)"))
	if !strings.HasPrefix(string(old.body), `[{"attributes"`) {
		t.Errorf("v36 search: %s", old.body)
	}
}

func TestSearchErrors(t *testing.T) {
	a := newAPI(t, Options{})
	cases := []struct{ sosl, code, msg string }{
		{"FIND {a}", "INVALID_SEARCH", "search term must be longer than one character: a"},
		{"FIND {a*}", "INVALID_SEARCH", "search term must be longer than one character: a*"},
		{"FIND Acme", "MALFORMED_SEARCH", "No search term found. The search term must be enclosed in braces."},
		{"FIND {Acme", "MALFORMED_SEARCH", "No search term found. The search term must be enclosed in braces."},
		{"", "MALFORMED_SEARCH", "No search term found."},
		{"FIND {Acme} RETURNING Nope__c(Name)", "INVALID_TYPE", "sObject type 'Nope__c' is not supported."},
		{"FIND {Acme} RETURNING Account(Foo)", "INVALID_FIELD", "No such column 'Foo' on entity 'Account'"},
	}
	for _, c := range cases {
		t.Run(c.sosl, func(t *testing.T) {
			a.search("admin", c.sosl).wantError(t, 400, c.code, c.msg)
		})
	}
}
