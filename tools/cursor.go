package tools

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
)

// A cursor lets query_records continue where a page stopped. It is signed so
// that it can carry the query (whose objects and fields policy checks again)
// and be trusted on the way back; Salesforce's own query locator inside it is
// validated again by the client before use.
type cursor struct {
	Principal  string `json:"p"`
	Connection string `json:"c,omitempty"`
	SOQL       string `json:"q"`
	All        bool   `json:"a,omitempty"`
	Locator    string `json:"l,omitempty"` // Salesforce nextRecordsUrl of the page to read
	Skip       int    `json:"s,omitempty"` // rows of that page (or of the query, without a locator) already returned
}

// CursorCodec signs and verifies cursors.
type CursorCodec struct{ key []byte }

// NewCursorCodec returns a codec with the given key, or a random one when key
// is empty (cursors then live as long as the process).
func NewCursorCodec(key []byte) *CursorCodec {
	if len(key) == 0 {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			panic("crypto/rand: " + err.Error())
		}
	}
	return &CursorCodec{key: key}
}

func (c *CursorCodec) encode(cur cursor) string {
	body, _ := json.Marshal(cur)
	mac := hmac.New(sha256.New, c.key)
	mac.Write(body)
	sig := mac.Sum(nil)[:16]
	return base64.RawURLEncoding.EncodeToString(body) + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func (c *CursorCodec) decode(s, principal string) (cursor, error) {
	var cur cursor
	bad := userErrorf("invalid cursor: pass back the cursor exactly as a previous query_records result returned it, or run the query again without one")
	body64, sig64, ok := strings.Cut(strings.TrimSpace(s), ".")
	if !ok {
		return cur, bad
	}
	body, err1 := base64.RawURLEncoding.DecodeString(body64)
	sig, err2 := base64.RawURLEncoding.DecodeString(sig64)
	if err1 != nil || err2 != nil {
		return cur, bad
	}
	mac := hmac.New(sha256.New, c.key)
	mac.Write(body)
	if !hmac.Equal(sig, mac.Sum(nil)[:16]) {
		return cur, bad
	}
	if err := json.Unmarshal(body, &cur); err != nil {
		return cur, bad
	}
	if cur.Principal != principal {
		return cur, userErrorf("this cursor belongs to another user's query; run the query again without a cursor")
	}
	return cur, nil
}
