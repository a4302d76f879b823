package salesforce

import (
	"fmt"
	"strings"
)

// idSuffixAlphabet maps a 5-bit case mask to the checksum character (WIRE.md §2.10).
const idSuffixAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"

// ValidID reports whether s is a well-formed Salesforce record Id: 15 ASCII letters and
// digits, or 18 whose last three characters are the checksum of the first 15 (the suffix
// is compared case-insensitively).
func ValidID(s string) bool {
	switch len(s) {
	case 15:
		return isAlnum(s)
	case 18:
		return isAlnum(s) && strings.EqualFold(s[15:], idSuffix(s[:15]))
	default:
		return false
	}
}

// To18 returns the 18-character form of a valid 15- or 18-character Id. An 18-character
// Id is returned with its checksum suffix in canonical (upper) case.
func To18(id string) (string, error) {
	if !ValidID(id) {
		return "", fmt.Errorf("salesforce: %q is not a valid record Id (15 or 18 letters and digits with a matching checksum)", truncate(id, 40))
	}
	return id[:15] + idSuffix(id[:15]), nil
}

// KeyPrefix returns the first three characters of a valid Id, which name its object type
// ("001" is Account). It returns "" when id is not a valid Id.
func KeyPrefix(id string) string {
	if !ValidID(id) {
		return ""
	}
	return id[:3]
}

// standardPrefixes are the key prefixes that are the same in every org (WIRE.md §2.10).
var standardPrefixes = map[string]string{
	"001": "Account",
	"002": "Note",
	"003": "Contact",
	"005": "User",
	"006": "Opportunity",
	"00D": "Organization",
	"00G": "Group",
	"00P": "Attachment",
	"00Q": "Lead",
	"00T": "Task",
	"00U": "Event",
	"00k": "OpportunityLineItem",
	"012": "RecordType",
	"01s": "Pricebook2",
	"01t": "Product2",
	"068": "ContentVersion",
	"069": "ContentDocument",
	"06A": "ContentDocumentLink",
	"0D5": "FeedItem",
	"0F9": "CollaborationGroup",
	"500": "Case",
	"701": "Campaign",
	"800": "Contract",
	"801": "Order",
}

// ObjectForPrefix returns the standard object whose records have the given key prefix.
// Prefixes are case-sensitive ("00k" is not "00K"). Org-specific prefixes (custom objects)
// are resolved with GlobalDescribe.ObjectForPrefix.
func ObjectForPrefix(prefix string) (string, bool) {
	name, ok := standardPrefixes[prefix]
	return name, ok
}

func idSuffix(id15 string) string {
	var b [3]byte
	for i := range 3 {
		n := 0
		for j := range 5 {
			if c := id15[i*5+j]; c >= 'A' && c <= 'Z' {
				n |= 1 << j
			}
		}
		b[i] = idSuffixAlphabet[n]
	}
	return string(b[:])
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') {
			return false
		}
	}
	return true
}

// truncate shortens s to at most n bytes (on a rune boundary) for use in messages.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
