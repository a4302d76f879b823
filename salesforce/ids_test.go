package salesforce

import (
	"strings"
	"testing"
)

// Vectors from shared/salesforce/idcheck.py (documented Ids and their 18-character forms).
var idVectors = [][2]string{
	{"001D000000IqhSL", "001D000000IqhSLIAZ"},
	{"001D000000Iomaz", "001D000000IomazIAB"},
	{"003RO0000035WQg", "003RO0000035WQgYAM"},
	{"001D000000IRFma", "001D000000IRFmaIAH"},
	{"a00D0000008pQSN", "a00D0000008pQSNIA2"},
	{"012000000000000", "012000000000000AAA"},
	{"70130000001tcyI", "70130000001tcyIAAQ"},
	{"00558000001N0Ke", "00558000001N0KeAAK"},
	{"a0D30000001n7Pi", "a0D30000001n7PiEAI"}, // the widely copied gist says ...EAC, which is wrong
}

func TestTo18Vectors(t *testing.T) {
	for _, v := range idVectors {
		got, err := To18(v[0])
		if err != nil || got != v[1] {
			t.Errorf("To18(%s) = %q, %v; want %s", v[0], got, err, v[1])
		}
		if got, err := To18(v[1]); err != nil || got != v[1] {
			t.Errorf("To18(%s) = %q, %v; want it unchanged", v[1], got, err)
		}
		if !ValidID(v[0]) || !ValidID(v[1]) {
			t.Errorf("ValidID rejects %s / %s", v[0], v[1])
		}
	}
}

func TestValidID(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"001D000000IqhSLIAZ", true},
		{"001D000000IqhSLiaz", true},  // the suffix is compared case-insensitively
		{"001D000000IqhSL", true},     // 15 characters: no checksum to check
		{"a0D30000001n7PiEAC", false}, // the gist's wrong checksum
		{"001D000000IqhSLIAA", false},
		{"001d000000IqhSLIAZ", false}, // case of the 15-character part changed: a different record
		{"001D000000IqhS", false},
		{"001D000000IqhSLIA", false},
		{"001D000000IqhSLIAZ0", false},
		{"001D000000IqhS-", false},
		{"001D000000IqhS L", false},
		{"001D000000IqhSé", false},
		{"", false},
		{"../../../etc/pas", false},
	}
	for _, tt := range tests {
		if got := ValidID(tt.id); got != tt.want {
			t.Errorf("ValidID(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
	if _, err := To18("001D000000IqhSLIAA"); err == nil {
		t.Error("To18 accepted an 18-character Id with a wrong checksum")
	}
}

func TestKeyPrefixAndObjects(t *testing.T) {
	if got := KeyPrefix("0015g00000QxTzAAAV"); got != "001" {
		t.Errorf("KeyPrefix = %q", got)
	}
	if got := KeyPrefix("not-an-id"); got != "" {
		t.Errorf("KeyPrefix(invalid) = %q, want empty", got)
	}
	for prefix, want := range map[string]string{
		"001": "Account", "003": "Contact", "00Q": "Lead", "006": "Opportunity", "500": "Case",
		"00T": "Task", "00U": "Event", "005": "User", "00k": "OpportunityLineItem", "069": "ContentDocument",
	} {
		if got, ok := ObjectForPrefix(prefix); !ok || got != want {
			t.Errorf("ObjectForPrefix(%s) = %q, %v; want %s", prefix, got, ok, want)
		}
	}
	if _, ok := ObjectForPrefix("00K"); ok {
		t.Error(`prefixes are case-sensitive: "00K" is not OpportunityLineItem`)
	}
	if _, ok := ObjectForPrefix("a0D"); ok {
		t.Error("custom prefixes are not standard")
	}
	g := &GlobalDescribe{SObjects: []SObjectInfo{{Name: "Invoice__c", KeyPrefix: "a0D"}, {Name: "Fake", KeyPrefix: "001"}}}
	if got, ok := g.ObjectForPrefix("a0D"); !ok || got != "Invoice__c" {
		t.Errorf("org prefix: got %q %v", got, ok)
	}
	if got, _ := g.ObjectForPrefix("001"); got != "Account" {
		t.Errorf("the standard table must win: got %q", got)
	}
	if _, ok := g.ObjectForPrefix("a0X"); ok {
		t.Error("unknown prefix found")
	}
}

// refValidID is an independent reading of WIRE.md §2.10 for the fuzz test.
func refValidID(s string) bool {
	const alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	if len(s) != 15 && len(s) != 18 {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune(alnum, r) {
			return false
		}
	}
	if len(s) == 15 {
		return true
	}
	for chunk := range 3 {
		mask := 0
		for bit, r := range s[chunk*5 : chunk*5+5] {
			if strings.ContainsRune("ABCDEFGHIJKLMNOPQRSTUVWXYZ", r) {
				mask += 1 << bit
			}
		}
		if want := "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"[mask]; strings.ToUpper(s[15+chunk : 16+chunk])[0] != want {
			return false
		}
	}
	return true
}

func FuzzParseID(f *testing.F) {
	for _, v := range idVectors {
		f.Add(v[0])
		f.Add(v[1])
	}
	f.Add("001D000000IqhSLiaz")
	f.Add("a0D30000001n7PiEAC")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		valid := ValidID(s)
		if valid != refValidID(s) {
			t.Fatalf("ValidID(%q) = %v, reference says %v", s, valid, !valid)
		}
		id18, err := To18(s)
		if !valid {
			if err == nil || KeyPrefix(s) != "" {
				t.Fatalf("invalid %q: To18 = %q, %v; KeyPrefix = %q", s, id18, err, KeyPrefix(s))
			}
			return
		}
		if err != nil || len(id18) != 18 || !ValidID(id18) || id18[:15] != s[:15] || KeyPrefix(s) != s[:3] {
			t.Fatalf("To18(%q) = %q, %v", s, id18, err)
		}
		if len(s) == 18 && !strings.EqualFold(id18, s) {
			t.Fatalf("To18(%q) = %q changed more than the suffix case", s, id18)
		}
		if again, _ := To18(id18); again != id18 {
			t.Fatalf("To18 is not idempotent: %q -> %q", id18, again)
		}
		// Flipping the case of any letter in the first 15 characters must break the checksum.
		for i := range 15 {
			c := id18[i]
			var flipped byte
			switch {
			case c >= 'a' && c <= 'z':
				flipped = c - 32
			case c >= 'A' && c <= 'Z':
				flipped = c + 32
			default:
				continue
			}
			if m := id18[:i] + string(flipped) + id18[i+1:]; ValidID(m) {
				t.Fatalf("ValidID(%q) accepted a case-changed copy of %q", m, id18)
			}
		}
	})
}
