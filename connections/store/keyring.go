package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/zalando/go-keyring"
)

// KeyringService is the service name sfmcp's secrets are filed under in the OS keyring.
const KeyringService = "sfmcp"

// MaxKeyringValue is the largest value (compact JSON) the keyring backend stores. macOS refuses
// service+account+password beyond about 3000 bytes, so values stay well below that everywhere.
const MaxKeyringValue = 2500

// keyringAPI is the part of go-keyring the store uses; tests replace it.
type keyringAPI interface {
	Set(service, user, password string) error
	Get(service, user string) (string, error)
	Delete(service, user string) error
}

type osKeyring struct{}

func (osKeyring) Set(service, user, password string) error {
	return keyring.Set(service, user, password)
}
func (osKeyring) Get(service, user string) (string, error) { return keyring.Get(service, user) }
func (osKeyring) Delete(service, user string) error        { return keyring.Delete(service, user) }

// Keyring is a Store in the OS keyring (macOS Keychain, Windows Credential Manager, the Secret
// Service on Linux). Each secret is one item: service "sfmcp", account "<connection>/<principal>",
// value the secret as compact JSON.
type Keyring struct {
	kr keyringAPI
}

// NewKeyring returns a Store backed by the OS keyring.
func NewKeyring() *Keyring { return &Keyring{kr: osKeyring{}} }

func keyringUser(key Key) string { return key.Connection + "/" + key.Principal }

// Get implements Store.
func (k *Keyring) Get(_ context.Context, key Key) (Secret, error) {
	v, err := k.kr.Get(KeyringService, keyringUser(key))
	if err != nil {
		return Secret{}, keyringErr("read", key, err)
	}
	var r record
	if err := json.Unmarshal([]byte(v), &r); err != nil {
		return Secret{}, fmt.Errorf("keyring item %s/%s is not an sfmcp secret (delete it and log in again): %v",
			KeyringService, keyringUser(key), jsonErrNoValue(err))
	}
	return r.secret(), nil
}

// Put implements Store. A value larger than MaxKeyringValue gives an error wrapping ErrTooBig.
func (k *Keyring) Put(_ context.Context, key Key, s Secret) error {
	b, err := json.Marshal(toRecord(s))
	if err != nil {
		return err
	}
	if len(b) > MaxKeyringValue {
		return fmt.Errorf("%w: %d bytes for %s, the keyring backend keeps at most %d; use store.backend: file",
			ErrTooBig, len(b), key, MaxKeyringValue)
	}
	if err := k.kr.Set(KeyringService, keyringUser(key), string(b)); err != nil {
		return keyringErr("write", key, err)
	}
	return nil
}

// Delete implements Store.
func (k *Keyring) Delete(_ context.Context, key Key) error {
	if err := k.kr.Delete(KeyringService, keyringUser(key)); err != nil {
		return keyringErr("delete", key, err)
	}
	return nil
}

func keyringErr(op string, key Key, err error) error {
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return fmt.Errorf("%w for %s in the OS keyring", ErrNotFound, key)
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return fmt.Errorf("%w: the OS keyring refused the secret for %s; use store.backend: file", ErrTooBig, key)
	}
	return fmt.Errorf("cannot %s %s in the OS keyring (is a keyring service such as gnome-keyring running and unlocked? "+
		"otherwise set store.backend: file): %w", op, key, err)
}

// jsonErrNoValue keeps a JSON error's kind but never echoes input (which could hold a token).
func jsonErrNoValue(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("invalid JSON at byte %d", se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("field %q has the wrong type", te.Field)
	}
	return "invalid JSON"
}
