package soql

import (
	"testing"
	"time"
)

func likeValue(t *testing.T, pattern string) *StringValue {
	t.Helper()
	return where(t, "Name LIKE '"+pattern+"'").(*Comparison).Right.(*StringValue)
}

func TestMatchLike(t *testing.T) {
	tests := []struct {
		pattern, text string
		want          bool
	}{
		{"Acme", "acme", true}, // case-insensitive
		{"Acme", "Acme Corp", false},
		{"Acme%", "Acme Corp", true},
		{"%corp", "Acme Corp", true},
		{"%me c%", "Acme Corp", true},
		{"%", "", true},
		{"%%", "x", true},
		{"_", "", false},
		{"_", "é", true}, // one character, not one byte
		{"A_me", "Acme", true},
		{"A_me", "Ame", false},
		{`100\%`, "100%", true},
		{`100\%`, "1000", false},
		{"100%", "1000", true},
		{`a\_b`, "a_b", true},
		{`a\_b`, "axb", false},
		{`a\\%`, `a\xyz`, true}, // escaped backslash, then a wildcard
		{`a\\%`, "axyz", false},
		{`O\'Br%`, "O'Brien", true},
		{`tab\there`, "tab\there", true},
		{`\u00e9t\u00C9`, "ÉTé", true},
		{"%a%b%c%", "xxaxxbxxcxx", true},
		{"%a%b%c%", "xxaxxcxxbxx", false},
		{"%aab", "aaaab", true},
		{"ÄBC", "äbc", true},
	}
	for _, tt := range tests {
		if got := likeValue(t, tt.pattern).MatchLike(tt.text); got != tt.want {
			t.Errorf("'%s' LIKE %q = %v, want %v", tt.pattern, tt.text, got, tt.want)
		}
	}
}

func TestNumberValue(t *testing.T) {
	tests := []struct {
		text  string
		f     float64
		i     int64
		isInt bool
	}{
		{"42", 42, 42, true},
		{"-7", -7, -7, true},
		{"+3", 3, 3, true},
		{"1000.50", 1000.5, 0, false},
		{"-0.25", -0.25, 0, false},
	}
	for _, tt := range tests {
		n := where(t, "Amount = "+tt.text).(*Comparison).Right.(*NumberValue)
		i, ok := n.Int64()
		if n.Text != tt.text || n.Float64() != tt.f || ok != tt.isInt || (ok && i != tt.i) {
			t.Errorf("%s: Text %q Float64 %v Int64 %v %v", tt.text, n.Text, n.Float64(), i, ok)
		}
	}
}

func TestDateTimeValue(t *testing.T) {
	tests := []struct {
		text string
		want time.Time
	}{
		{"2024-01-31T23:59:59Z", time.Date(2024, 1, 31, 23, 59, 59, 0, time.UTC)},
		{"2024-01-31T23:59:59+02:00", time.Date(2024, 1, 31, 21, 59, 59, 0, time.UTC)},
		{"2024-01-31T23:59:59-05:30", time.Date(2024, 2, 1, 5, 29, 59, 0, time.UTC)},
		{"2024-01-31T23:59:59.250Z", time.Date(2024, 1, 31, 23, 59, 59, 250e6, time.UTC)},
	}
	for _, tt := range tests {
		d := where(t, "CreatedDate = "+tt.text).(*Comparison).Right.(*DateTimeValue)
		if got := d.Time(); !got.Equal(tt.want) {
			t.Errorf("%s: Time() = %v, want %v", tt.text, got, tt.want)
		}
	}
}
