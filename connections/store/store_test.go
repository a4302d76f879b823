package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

func TestMain(m *testing.M) {
	if h := os.Getenv(helperEnv); h != "" {
		runHelper(h)
		return
	}
	os.Exit(m.Run())
}

// conformance runs the behaviour every Store must have.
func conformance(t *testing.T, s Store) {
	t.Helper()
	ctx := context.Background()
	suffix := fmt.Sprint(time.Now().UnixNano())
	k1 := Key{Connection: "prod-" + suffix, Principal: "alice"}
	k2 := Key{Connection: "prod-" + suffix, Principal: "bob"}
	t.Cleanup(func() {
		_ = s.Delete(ctx, k1)
		_ = s.Delete(ctx, k2)
	})

	if _, err := s.Get(ctx, k1); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get missing: err = %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, k1); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Delete missing: err = %v, want ErrNotFound", err)
	}
	issued := time.UnixMilli(1700000000123).UTC()
	s1 := Secret{RefreshToken: "5Aep861rt-alice", InstanceURL: "https://acme.my.salesforce.com",
		OrgID: "00D000000000001AAA", UserID: "005000000000001AAA", Username: "alice@acme.demo", IssuedAt: issued}
	s2 := Secret{RefreshToken: "5Aep861rt-bob", Username: "bob@acme.demo"}
	if err := s.Put(ctx, k1, s1); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, k2, s2); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get(ctx, k1); err != nil || got != s1 {
		t.Fatalf("Get k1 = %+v, %v; want %+v", got, err, s1)
	}
	if got, err := s.Get(ctx, k2); err != nil || got != s2 {
		t.Fatalf("Get k2 = %+v, %v; want %+v", got, err, s2)
	}
	// Replace.
	s1b := s1
	s1b.RefreshToken = "5Aep861rt-alice-rotated"
	if err := s.Put(ctx, k1, s1b); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get(ctx, k1); err != nil || got != s1b {
		t.Fatalf("Get after replace = %+v, %v; want %+v", got, err, s1b)
	}
	// Delete one, the other stays.
	if err := s.Delete(ctx, k1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, k1); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get deleted: err = %v, want ErrNotFound", err)
	}
	if got, err := s.Get(ctx, k2); err != nil || got != s2 {
		t.Fatalf("Get k2 after deleting k1 = %+v, %v", got, err)
	}
	// Concurrent writers on different keys lose nothing.
	var wg sync.WaitGroup
	keys := make([]Key, 8)
	for i := range keys {
		keys[i] = Key{Connection: "conc-" + suffix, Principal: fmt.Sprint("p", i)}
		t.Cleanup(func() { _ = s.Delete(ctx, keys[i]) })
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Put(ctx, keys[i], Secret{RefreshToken: fmt.Sprint("rt", i)}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for i, k := range keys {
		if got, err := s.Get(ctx, k); err != nil || got.RefreshToken != fmt.Sprint("rt", i) {
			t.Fatalf("concurrent Put %d: got %+v, %v", i, got, err)
		}
	}
}

func TestMemory(t *testing.T) { conformance(t, NewMemory()) }

// fakeKeyring behaves like go-keyring's providers (not found, replace on Set).
type fakeKeyring struct {
	mu sync.Mutex
	m  map[string]string
}

func (f *fakeKeyring) Set(service, user, pw string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.m[service+"\x00"+user] = pw
	return nil
}

func (f *fakeKeyring) Get(service, user string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.m[service+"\x00"+user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (f *fakeKeyring) Delete(service, user string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.m[service+"\x00"+user]; !ok {
		return keyring.ErrNotFound
	}
	delete(f.m, service+"\x00"+user)
	return nil
}

func TestKeyringFake(t *testing.T) {
	fk := &fakeKeyring{m: map[string]string{}}
	conformance(t, &Keyring{kr: fk})

	// Layout: service "sfmcp", account "<connection>/<principal>", compact JSON.
	k := &Keyring{kr: fk}
	if err := k.Put(context.Background(), Key{"prod", "alice"}, Secret{RefreshToken: "rt", Username: "u"}); err != nil {
		t.Fatal(err)
	}
	v := fk.m["sfmcp\x00prod/alice"]
	if v != `{"refresh_token":"rt","username":"u"}` {
		t.Fatalf("stored value = %q", v)
	}
	// A foreign value gives an error that does not echo it.
	fk.m["sfmcp\x00prod/eve"] = "not-json-SECRETVALUE"
	_, err := k.Get(context.Background(), Key{"prod", "eve"})
	if err == nil || strings.Contains(err.Error(), "SECRETVALUE") {
		t.Fatalf("foreign value: err = %v", err)
	}
}

func tooBigSecret(n int) Secret {
	return Secret{RefreshToken: strings.Repeat("x", n), Username: "alice@acme.demo"}
}

func TestKeyringTooBig(t *testing.T) {
	fk := &fakeKeyring{m: map[string]string{}}
	k := &Keyring{kr: fk}
	ctx := context.Background()
	err := k.Put(ctx, Key{"prod", "alice"}, tooBigSecret(MaxKeyringValue))
	if !errors.Is(err, ErrTooBig) {
		t.Fatalf("err = %v, want ErrTooBig", err)
	}
	if len(fk.m) != 0 {
		t.Fatal("too big value was written")
	}
	// Just under the limit is fine: {"refresh_token":"...","username":"alice@acme.demo"}
	overhead := len(`{"refresh_token":"","username":"alice@acme.demo"}`)
	if err := k.Put(ctx, Key{"prod", "alice"}, tooBigSecret(MaxKeyringValue-overhead)); err != nil {
		t.Fatalf("value of exactly %d bytes: %v", MaxKeyringValue, err)
	}
	// The backend's own refusal maps to ErrTooBig too.
	if err := keyringErr("write", Key{"a", "b"}, keyring.ErrSetDataTooBig); !errors.Is(err, ErrTooBig) {
		t.Fatalf("ErrSetDataTooBig maps to %v", err)
	}
}

// TestKeyringReal runs against the real OS keyring (a Secret Service over D-Bus on Linux); see
// scripts/test-keyring.sh.
func TestKeyringReal(t *testing.T) {
	if os.Getenv("SFMCP_KEYRING_TEST") != "1" {
		t.Skip("set SFMCP_KEYRING_TEST=1 (scripts/test-keyring.sh) to test the real OS keyring")
	}
	k := NewKeyring()
	conformance(t, k)
	ctx := context.Background()
	key := Key{Connection: "big", Principal: fmt.Sprint(time.Now().UnixNano())}
	if err := k.Put(ctx, key, tooBigSecret(3000)); !errors.Is(err, ErrTooBig) {
		t.Fatalf("err = %v, want ErrTooBig", err)
	}
	if _, err := k.Get(ctx, key); !errors.Is(err, ErrNotFound) {
		t.Fatalf("too big secret was stored: %v", err)
	}
}

func TestSecretRedacted(t *testing.T) {
	s := Secret{RefreshToken: "5Aep861SECRET", Username: "alice@acme.demo"}
	var logs strings.Builder
	slog.New(slog.NewTextHandler(&logs, nil)).Info("stored", "secret", s)
	for _, out := range []string{fmt.Sprint(s), fmt.Sprintf("%+v", s), fmt.Sprintf("%#v", s), fmt.Sprintf("%v", &s), logs.String()} {
		if strings.Contains(out, "SECRET") {
			t.Errorf("refresh token printed: %s", out)
		}
		if !strings.Contains(out, "alice@acme.demo") {
			t.Errorf("username missing: %s", out)
		}
	}
}
