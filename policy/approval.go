package policy

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Errors of Signer.Verify; each is wrapped with a message saying what to do.
var (
	ErrApprovalInvalid = errors.New("approval token is not valid")
	ErrApprovalExpired = errors.New("approval token has expired")
	ErrApprovalUsed    = errors.New("approval token was already used")
)

// Grant is one approval: this principal may call this tool with these arguments
// (ArgsDigest) once, until Expires.
type Grant struct {
	Principal  string
	Tool       string
	ArgsDigest string
	Expires    time.Time
	Nonce      string // set by Sign when empty
}

// Signer signs and verifies approval tokens: HMAC-SHA256 over the whole grant, so a
// token is bound to principal, tool, argument digest and expiry, and each token is
// accepted once. Safe for concurrent use.
type Signer struct {
	key []byte

	mu   sync.Mutex
	used map[string]time.Time // nonce -> expiry, pruned once expired
	high time.Time            // latest now seen by Verify; earlier times never revive a pruned nonce
}

// NewSigner returns a signer with key, or with a random 32-byte key when key is empty
// (tokens then do not survive a restart, which is fine for approvals).
func NewSigner(key []byte) *Signer {
	if len(key) == 0 {
		key = make([]byte, 32)
		_, _ = rand.Read(key) // crypto/rand.Read does not fail (it aborts the program instead)
	}
	return &Signer{key: bytes.Clone(key), used: map[string]time.Time{}}
}

const tokenPrefix = "sfa1."

type tokenBody struct {
	P string `json:"p"`
	T string `json:"t"`
	D string `json:"d"`
	E int64  `json:"e"` // Expires, Unix nanoseconds
	N string `json:"n"`
}

// Sign returns the token for g: "sfa1.<payload>.<mac>" in base64url.
func (s *Signer) Sign(g Grant) string {
	if g.Nonce == "" {
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		g.Nonce = base64.RawURLEncoding.EncodeToString(b)
	}
	payload, _ := json.Marshal(tokenBody{P: g.Principal, T: g.Tool, D: g.ArgsDigest, E: g.Expires.UnixNano(), N: g.Nonce})
	body := tokenPrefix + base64.RawURLEncoding.EncodeToString(payload)
	return body + "." + base64.RawURLEncoding.EncodeToString(s.mac(body))
}

func (s *Signer) mac(body string) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(body))
	return m.Sum(nil)
}

// Verify checks that token was signed by s for want's principal, tool and argument
// digest (want.Expires and want.Nonce are ignored), that it has not expired at now, and
// that it was not used before; on success the token is spent. Errors wrap
// ErrApprovalInvalid, ErrApprovalExpired or ErrApprovalUsed.
func (s *Signer) Verify(token string, want Grant, now time.Time) error {
	rest, ok := strings.CutPrefix(token, tokenPrefix)
	i := strings.LastIndexByte(rest, '.')
	if !ok || i < 0 {
		return fmt.Errorf("%w: malformed; ask the user to approve again", ErrApprovalInvalid)
	}
	body := token[:len(tokenPrefix)+i]
	sig, err := base64.RawURLEncoding.DecodeString(rest[i+1:])
	if err != nil || !hmac.Equal(sig, s.mac(body)) {
		return fmt.Errorf("%w: bad signature; ask the user to approve again", ErrApprovalInvalid)
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest[:i])
	var b tokenBody
	if err != nil || json.Unmarshal(raw, &b) != nil || b.N == "" {
		return fmt.Errorf("%w: malformed; ask the user to approve again", ErrApprovalInvalid)
	}
	switch {
	case !eq(b.P, want.Principal):
		return fmt.Errorf("%w: it was granted to another user", ErrApprovalInvalid)
	case !eq(b.T, want.Tool):
		return fmt.Errorf("%w: it was granted for another tool", ErrApprovalInvalid)
	case !eq(b.D, want.ArgsDigest):
		return fmt.Errorf("%w: it was granted for different arguments; ask the user to approve these", ErrApprovalInvalid)
	}
	exp := time.Unix(0, b.E)

	s.mu.Lock()
	defer s.mu.Unlock()
	if now.After(s.high) {
		s.high = now
		for n, e := range s.used {
			if !e.After(now) {
				delete(s.used, n)
			}
		}
	}
	if !exp.After(s.high) {
		return fmt.Errorf("%w: ask the user to approve again", ErrApprovalExpired)
	}
	if _, spent := s.used[b.N]; spent {
		return fmt.Errorf("%w: each approval allows one call; ask the user to approve again", ErrApprovalUsed)
	}
	s.used[b.N] = exp
	return nil
}

func eq(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// ArgsDigest is the hex SHA-256 of the tool name and its arguments as canonical JSON
// (object keys sorted, numbers normalised so 1, 1.0 and json.Number("1") agree). Every
// argument is included: no argument can carry or alter an approval.
func ArgsDigest(tool string, args map[string]any) string {
	var b bytes.Buffer
	b.WriteString("sfmcp-args-v1\x00")
	b.WriteString(tool)
	b.WriteByte(0)
	canonical(&b, args)
	sum := sha256.Sum256(b.Bytes())
	return hex.EncodeToString(sum[:])
}

func canonical(b *bytes.Buffer, v any) {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case string:
		q, _ := json.Marshal(v)
		b.Write(q)
	case map[string]any:
		b.WriteByte('{')
		for i, k := range slices.Sorted(maps.Keys(v)) {
			if i > 0 {
				b.WriteByte(',')
			}
			canonical(b, k)
			b.WriteByte(':')
			canonical(b, v[k])
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			canonical(b, e)
		}
		b.WriteByte(']')
	case json.Number:
		if i, err := v.Int64(); err == nil {
			b.WriteString(strconv.FormatInt(i, 10))
		} else if f, err := v.Float64(); err == nil {
			number(b, f)
		} else {
			b.WriteString(string(v))
		}
	case float64:
		number(b, v)
	case float32:
		number(b, float64(v))
	case int:
		b.WriteString(strconv.Itoa(v))
	case int64:
		b.WriteString(strconv.FormatInt(v, 10))
	default:
		// Other Go types (typed slices, structs): through JSON, then canonical.
		raw, err := json.Marshal(v)
		if err != nil {
			fmt.Fprintf(b, "!%T:%v", v, v)
			return
		}
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		var x any
		if d.Decode(&x) != nil {
			b.Write(raw)
			return
		}
		canonical(b, x)
	}
}

func number(b *bytes.Buffer, f float64) {
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		b.WriteString(strconv.FormatInt(int64(f), 10))
		return
	}
	b.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
}
