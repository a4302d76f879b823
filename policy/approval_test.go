package policy

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func grant() Grant {
	return Grant{
		Principal:  "alice",
		Tool:       "update_record",
		ArgsDigest: ArgsDigest("update_record", map[string]any{"id": "006000000000001AAA", "values": map[string]any{"StageName": "Closed Won"}}),
		Expires:    t0.Add(5 * time.Minute),
	}
}

func TestSignerVerify(t *testing.T) {
	s := NewSigner([]byte("0123456789abcdef0123456789abcdef"))
	g := grant()

	tamper := func(tok string, edit func(*tokenBody)) string {
		parts := strings.Split(strings.TrimPrefix(tok, tokenPrefix), ".")
		raw, _ := base64.RawURLEncoding.DecodeString(parts[0])
		var b tokenBody
		if err := json.Unmarshal(raw, &b); err != nil {
			t.Fatal(err)
		}
		edit(&b)
		raw, _ = json.Marshal(b)
		return tokenPrefix + base64.RawURLEncoding.EncodeToString(raw) + "." + parts[1]
	}
	other := func(edit func(*Grant)) Grant { w := g; edit(&w); return w }

	tests := []struct {
		name  string
		token func() string
		want  Grant
		now   time.Time
		err   error
		msg   string
	}{
		{"good", func() string { return s.Sign(g) }, g, t0, nil, ""},
		{"good: want's expiry and nonce ignored", func() string { return s.Sign(g) }, other(func(w *Grant) { w.Expires = time.Time{}; w.Nonce = "x" }), t0, nil, ""},
		{"other principal", func() string { return s.Sign(g) }, other(func(w *Grant) { w.Principal = "bob" }), t0, ErrApprovalInvalid, "another user"},
		{"other tool", func() string { return s.Sign(g) }, other(func(w *Grant) { w.Tool = "delete_record" }), t0, ErrApprovalInvalid, "another tool"},
		{"other args", func() string { return s.Sign(g) }, other(func(w *Grant) { w.ArgsDigest = ArgsDigest("update_record", map[string]any{"id": "x"}) }), t0, ErrApprovalInvalid, "different arguments"},
		{"expired", func() string { return s.Sign(g) }, g, g.Expires, ErrApprovalExpired, "approve again"},
		{"long expired", func() string { return s.Sign(g) }, g, t0.Add(time.Hour), ErrApprovalExpired, ""},
		{"tampered principal", func() string { return tamper(s.Sign(g), func(b *tokenBody) { b.P = "bob" }) }, other(func(w *Grant) { w.Principal = "bob" }), t0, ErrApprovalInvalid, "bad signature"},
		{"tampered expiry", func() string {
			return tamper(s.Sign(other(func(w *Grant) { w.Expires = t0.Add(-time.Second) })), func(b *tokenBody) { b.E = t0.Add(time.Hour).UnixNano() })
		}, g, t0, ErrApprovalInvalid, "bad signature"},
		{"other key", func() string { return NewSigner([]byte("another key, another server......")).Sign(g) }, g, t0, ErrApprovalInvalid, "bad signature"},
		{"random key signer", func() string { return NewSigner(nil).Sign(g) }, g, t0, ErrApprovalInvalid, "bad signature"},
		{"truncated", func() string { tok := s.Sign(g); return tok[:len(tok)-3] }, g, t0, ErrApprovalInvalid, ""},
		{"no prefix", func() string { return strings.TrimPrefix(s.Sign(g), tokenPrefix) }, g, t0, ErrApprovalInvalid, "malformed"},
		{"empty", func() string { return "" }, g, t0, ErrApprovalInvalid, "malformed"},
		{"garbage", func() string { return tokenPrefix + "!!!.???" }, g, t0, ErrApprovalInvalid, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Verify(tt.token(), tt.want, tt.now)
			if !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
				t.Fatalf("Verify = %v, want %v", err, tt.err)
			}
			if tt.msg != "" && !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("message %q lacks %q", err, tt.msg)
			}
		})
	}
}

func TestSignerSingleUse(t *testing.T) {
	s := NewSigner(nil)
	g := grant()
	tok := s.Sign(g)
	if err := s.Verify(tok, g, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(tok, g, t0.Add(time.Second)); !errors.Is(err, ErrApprovalUsed) {
		t.Fatalf("replay: %v", err)
	}
	// A failed verification does not spend the token.
	tok2 := s.Sign(g)
	if err := s.Verify(tok2, Grant{Principal: "bob", Tool: g.Tool, ArgsDigest: g.ArgsDigest}, t0); err == nil {
		t.Fatal("wrong principal accepted")
	}
	if err := s.Verify(tok2, g, t0); err != nil {
		t.Fatalf("token spent by a failed check: %v", err)
	}
	// Each Sign is a distinct approval.
	if a, b := s.Sign(g), s.Sign(g); a == b {
		t.Error("two signs of one grant gave the same token")
	}
	// Pruning expired nonces, then verifying with an earlier clock, must not revive a replay.
	short := g
	short.Expires = t0.Add(time.Minute)
	tok3 := s.Sign(short)
	if err := s.Verify(tok3, short, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(s.Sign(g), g, t0.Add(2*time.Minute)); err != nil { // prunes tok3's nonce
		t.Fatal(err)
	}
	if err := s.Verify(tok3, short, t0.Add(30*time.Second)); err == nil {
		t.Error("replay accepted after pruning with a clock that went back")
	}
}

func TestSignerConcurrentUseOnce(t *testing.T) {
	s := NewSigner(nil)
	g := grant()
	tok := s.Sign(g)
	var ok atomic.Int32
	var wg sync.WaitGroup
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if s.Verify(tok, g, t0) == nil {
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	if n := ok.Load(); n != 1 {
		t.Fatalf("token accepted %d times, want exactly once", n)
	}
}

func TestArgsDigest(t *testing.T) {
	base := ArgsDigest("update_record", map[string]any{"id": "1", "values": map[string]any{"a": 1.0, "b": []any{"x", true, nil}}})
	same := []map[string]any{
		{"values": map[string]any{"b": []any{"x", true, nil}, "a": 1}, "id": "1"},                  // key order, int vs float
		{"id": "1", "values": map[string]any{"a": json.Number("1"), "b": []any{"x", true, nil}}},   // json.Number
		{"id": "1", "values": map[string]any{"a": json.Number("1.0"), "b": []any{"x", true, nil}}}, // decimal json.Number
	}
	for i, a := range same {
		if got := ArgsDigest("update_record", a); got != base {
			t.Errorf("equivalent args %d digest differently", i)
		}
	}
	different := []struct {
		tool string
		args map[string]any
	}{
		{"create_record", map[string]any{"id": "1", "values": map[string]any{"a": 1.0, "b": []any{"x", true, nil}}}},
		{"update_record", map[string]any{"id": "2", "values": map[string]any{"a": 1.0, "b": []any{"x", true, nil}}}},
		{"update_record", map[string]any{"id": "1", "values": map[string]any{"a": 1.5, "b": []any{"x", true, nil}}}},
		{"update_record", map[string]any{"id": "1", "values": map[string]any{"a": "1", "b": []any{"x", true, nil}}}},
		{"update_record", map[string]any{"id": "1", "values": map[string]any{"a": 1.0, "b": []any{true, "x", nil}}}},
		{"update_record", map[string]any{"id": "1", "values": map[string]any{"a": 1.0, "b": []any{"x", true}}}},
		{"update_record", map[string]any{"id": "1", "values": map[string]any{"a": 1.0, "b": []any{"x", true, nil}}, "approval": "yes"}},
		{"update_record", map[string]any{"id": "1"}},
		{"update_record", nil},
		{"update_recor", map[string]any{"did": "1"}},
	}
	seen := map[string]int{base: -1}
	for i, d := range different {
		got := ArgsDigest(d.tool, d.args)
		if j, dup := seen[got]; dup {
			t.Errorf("args %d digest like %d", i, j)
		}
		seen[got] = i
	}
	if len(base) != 64 {
		t.Errorf("digest %q is not hex SHA-256", base)
	}
	// Typed Go values go through JSON and agree with their generic form.
	if ArgsDigest("t", map[string]any{"f": []string{"a", "b"}}) != ArgsDigest("t", map[string]any{"f": []any{"a", "b"}}) {
		t.Error("[]string and []any digest differently")
	}
}
