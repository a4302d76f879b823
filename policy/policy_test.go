package policy

import (
	"reflect"
	"strings"
	"testing"

	"github.com/sfmcp/sfmcp/config"
)

// testTools mirrors the tool table in DESIGN.md.
var testTools = []Tool{
	{"query_records", Read}, {"search_records", Read}, {"get_record", Read}, {"describe_object", Read},
	{"create_record", Write}, {"update_record", Write}, {"delete_record", Delete}, {"log_activity", Write},
}

func mustNew(t *testing.T, cfg config.Policy) *Policy {
	t.Helper()
	p, err := New(cfg, testTools)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefaultLevel(t *testing.T) {
	for a, want := range map[Access]Level{Read: AlwaysAllow, Write: NeedsApproval, Delete: NeedsApproval} {
		if got := DefaultLevel(a); got != want {
			t.Errorf("DefaultLevel(%s) = %s, want %s", a, got, want)
		}
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  config.Policy
		want []string
	}{
		{"unknown tool", config.Policy{Tools: map[string]string{"delete_records": "disabled"}},
			[]string{"policy.tools.delete_records: unknown tool", "did you mean delete_record?", "tools are: create_record, delete_record,"}},
		{"unknown tool under object", config.Policy{Objects: map[string]map[string]string{"Opportunity": {"updte_record": "disabled"}}},
			[]string{"policy.objects.Opportunity.updte_record: unknown tool", "did you mean update_record?", "tools are: "}},
		{"bad tool level", config.Policy{Tools: map[string]string{"get_record": "allow"}},
			[]string{"policy.tools.get_record: \"allow\" is not a level; use one of always_allow, needs_approval, disabled"}},
		{"bad object level", config.Policy{Objects: map[string]map[string]string{"Task": {"create_record": "yes"}}},
			[]string{"policy.objects.Task.create_record: \"yes\" is not a level", "always_allow, needs_approval, disabled"}},
		{"bad object name", config.Policy{Objects: map[string]map[string]string{"My Object": {"get_record": "disabled"}}},
			[]string{"policy.objects.My Object: \"My Object\" is not an object API name"}},
		{"object named twice", config.Policy{Objects: map[string]map[string]string{"Task": {}, "task": {}}},
			[]string{"policy.objects.task: same object as policy.objects.Task"}},
		{"override of disabled tool", config.Policy{Tools: map[string]string{"delete_record": "disabled"}, Objects: map[string]map[string]string{"Task": {"delete_record": "always_allow"}}},
			[]string{"policy.objects.Task.delete_record: has no effect: policy.tools.delete_record is disabled"}},
		{"deny without object", config.Policy{Fields: config.Fields{Deny: []string{"Contact.Birthdate", "Birthdate"}}},
			[]string{"policy.fields.deny[1]: \"Birthdate\" is not Object.Field"}},
		{"deny with path", config.Policy{Fields: config.Fields{Deny: []string{"Account.Owner.Email"}}},
			[]string{"policy.fields.deny[0]: \"Account.Owner.Email\" is not Object.Field"}},
		{"all problems reported", config.Policy{Tools: map[string]string{"nope": "disabled", "get_record": "x"}},
			[]string{"policy.tools.nope: unknown tool", "policy.tools.get_record: \"x\" is not a level"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg, testTools)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestNewBadTools(t *testing.T) {
	if _, err := New(config.Policy{}, []Tool{{"a", Read}, {"a", Write}}); err == nil {
		t.Error("duplicate tool accepted")
	}
	if _, err := New(config.Policy{}, []Tool{{"a", "execute"}}); err == nil {
		t.Error("unknown access accepted")
	}
}

func TestDecide(t *testing.T) {
	p := mustNew(t, config.Policy{
		Tools: map[string]string{"delete_record": "disabled", "get_record": "needs_approval"},
		Objects: map[string]map[string]string{
			"Task":        {"create_record": "always_allow", "log_activity": "always_allow"},
			"Opportunity": {"update_record": "disabled", "query_records": "needs_approval"},
			"Contact":     {"get_record": "always_allow", "create_record": "disabled"},
			"Lead":        {"delete_record": "disabled"},
		},
	})
	tests := []struct {
		tool    string
		objects []string
		want    Level
	}{
		{"query_records", nil, AlwaysAllow},                                  // read default
		{"create_record", nil, NeedsApproval},                                // write default
		{"delete_record", nil, Disabled},                                     // tool disabled
		{"delete_record", []string{"Lead"}, Disabled},                        // still disabled
		{"delete_record", []string{"Account"}, Disabled},                     // disabled tool ignores objects
		{"get_record", nil, NeedsApproval},                                   // tightened tool level
		{"create_record", []string{"Task"}, AlwaysAllow},                     // object relaxes
		{"create_record", []string{"task"}, AlwaysAllow},                     // case-insensitive
		{"create_record", []string{"Account"}, NeedsApproval},                // no override: tool level
		{"create_record", []string{"Task", "Account"}, NeedsApproval},        // strictest over objects
		{"create_record", []string{"Task", "Contact"}, Disabled},             // object disables
		{"log_activity", []string{"Task"}, AlwaysAllow},                      // relax
		{"update_record", []string{"Opportunity"}, Disabled},                 // object tightens
		{"update_record", []string{"Account"}, NeedsApproval},                // other object unaffected
		{"query_records", []string{"Opportunity"}, NeedsApproval},            // read tightened per object
		{"query_records", []string{"Account", "Opportunity"}, NeedsApproval}, // a touched object tightens
		{"query_records", []string{"Account", "Contact"}, AlwaysAllow},       // override for other tool ignored
		{"get_record", []string{"Contact"}, AlwaysAllow},                     // relaxes a tightened tool
		{"get_record", []string{"Contact", "Lead"}, NeedsApproval},
		{"no_such_tool", nil, Disabled}, // unknown: fail closed
		{"no_such_tool", []string{"Task"}, Disabled},
	}
	for _, tt := range tests {
		if got := p.Decide("alice", tt.tool, tt.objects); got != tt.want {
			t.Errorf("Decide(%s, %v) = %s, want %s", tt.tool, tt.objects, got, tt.want)
		}
	}
}

func TestVisibleLevelsOverrides(t *testing.T) {
	p := mustNew(t, config.Policy{
		Tools:   map[string]string{"delete_record": "disabled", "search_records": "needs_approval"},
		Objects: map[string]map[string]string{"Task": {"create_record": "always_allow"}, "Account": {}, "Lead": {"update_record": "disabled"}},
	})
	for tool, want := range map[string]bool{"delete_record": false, "update_record": true, "query_records": true, "bogus": false} {
		if got := p.Visible(tool); got != want {
			t.Errorf("Visible(%s) = %v, want %v", tool, got, want)
		}
	}
	wantLevels := map[string]Level{
		"query_records": AlwaysAllow, "search_records": NeedsApproval, "get_record": AlwaysAllow, "describe_object": AlwaysAllow,
		"create_record": NeedsApproval, "update_record": NeedsApproval, "delete_record": Disabled, "log_activity": NeedsApproval,
	}
	levels := p.Levels()
	if !reflect.DeepEqual(levels, wantLevels) {
		t.Errorf("Levels() = %v", levels)
	}
	levels["delete_record"] = AlwaysAllow // a copy: must not change the policy
	if p.Visible("delete_record") {
		t.Error("Levels() exposed internal state")
	}
	wantOv := map[string]map[string]Level{"Task": {"create_record": AlwaysAllow}, "Lead": {"update_record": Disabled}}
	if ov := p.ObjectOverrides(); !reflect.DeepEqual(ov, wantOv) {
		t.Errorf("ObjectOverrides() = %v", ov)
	}
}

func TestDeniedField(t *testing.T) {
	p := mustNew(t, config.Policy{Fields: config.Fields{Deny: []string{"Contact.Birthdate", "Account.Tax_Id__c", "contact.SSN__c"}}})
	tests := []struct {
		object, field string
		want          bool
	}{
		{"Contact", "Birthdate", true},
		{"CONTACT", "birthdate", true},
		{"Contact", "SSN__C", true},
		{"Account", "tax_id__c", true},
		{"Account", "Birthdate", false},
		{"Lead", "Birthdate", false},
		{"Contact", "Name", false},
	}
	for _, tt := range tests {
		if got := p.DeniedField(tt.object, tt.field); got != tt.want {
			t.Errorf("DeniedField(%s, %s) = %v", tt.object, tt.field, got)
		}
	}
	if got := p.DeniedFields("contact"); !reflect.DeepEqual(got, []string{"Birthdate", "SSN__c"}) {
		t.Errorf("DeniedFields(contact) = %v", got)
	}
	if got := p.DeniedFields("Lead"); got != nil {
		t.Errorf("DeniedFields(Lead) = %v", got)
	}
}

func TestStricter(t *testing.T) {
	order := []Level{AlwaysAllow, NeedsApproval, Disabled}
	for i, a := range order {
		for j, b := range order {
			want := order[max(i, j)]
			if got := Stricter(a, b); got != want {
				t.Errorf("Stricter(%s, %s) = %s", a, b, got)
			}
		}
	}
	if got := Stricter(AlwaysAllow, "bogus"); got != "bogus" {
		t.Errorf("unknown level must rank strictest, got %s", got)
	}
}
