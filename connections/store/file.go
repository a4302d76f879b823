package store

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// MaxFileValue is the largest secret (as JSON) the file backend accepts.
const MaxFileValue = 16 << 10

// fileMagic starts every token file; with the version byte it is the AEAD's additional data.
var fileMagic = []byte("SFMCPTOK\x01")

const nonceSize = 12

// File is a Store in one AES-256-GCM encrypted file (mode 0600). Writes are atomic (temp file
// in the same directory, fsync, rename, fsync of the directory), serialized within the process
// by a mutex and across processes by an flock on "<path>.lock". A file that cannot be decrypted
// is reported, never overwritten.
type File struct {
	path      string
	keySource string // e.g. "SFMCP_TOKEN_KEY" or "key file /x/key", for error messages
	aead      cipher.AEAD
	mu        sync.Mutex
}

// entry is one secret in the decrypted file.
type entry struct {
	Connection string `json:"connection"`
	Principal  string `json:"principal"`
	Secret     record `json:"secret"`
}

type fileBody struct {
	Version int     `json:"v"`
	Secrets []entry `json:"secrets"`
}

// OpenFile returns a Store kept in the encrypted file at path, using a 32-byte key (see
// [LoadKey]). keySource names where the key came from, for error messages. If the file exists
// it must decrypt with key; the directory is created (0700) if missing.
func OpenFile(path string, key []byte, keySource string) (*File, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("token file key must be 32 bytes, got %d (%s)", len(key), keyFormatHelp)
	}
	if keySource == "" {
		keySource = "token key"
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	f := &File{path: abs, keySource: keySource, aead: aead}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return nil, fmt.Errorf("cannot create the token file directory: %w", err)
	}
	unlock, err := f.lock(false)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if _, err := f.load(); err != nil {
		return nil, err
	}
	return f, nil
}

// Path is the token file's absolute path.
func (f *File) Path() string { return f.path }

// Get implements Store.
func (f *File) Get(_ context.Context, key Key) (Secret, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	unlock, err := f.lock(false)
	if err != nil {
		return Secret{}, err
	}
	defer unlock()
	body, err := f.load()
	if err != nil {
		return Secret{}, err
	}
	for _, e := range body.Secrets {
		if e.Connection == key.Connection && e.Principal == key.Principal {
			return e.Secret.secret(), nil
		}
	}
	return Secret{}, fmt.Errorf("%w for %s in %s", ErrNotFound, key, f.path)
}

// Put implements Store. A secret larger than MaxFileValue gives an error wrapping ErrTooBig.
func (f *File) Put(_ context.Context, key Key, s Secret) error {
	r := toRecord(s)
	if b, _ := json.Marshal(r); len(b) > MaxFileValue {
		return fmt.Errorf("%w: %d bytes for %s, the file backend keeps at most %d", ErrTooBig, len(b), key, MaxFileValue)
	}
	return f.update(func(body *fileBody) error {
		for i, e := range body.Secrets {
			if e.Connection == key.Connection && e.Principal == key.Principal {
				body.Secrets[i].Secret = r
				return nil
			}
		}
		body.Secrets = append(body.Secrets, entry{Connection: key.Connection, Principal: key.Principal, Secret: r})
		return nil
	})
}

// Delete implements Store.
func (f *File) Delete(_ context.Context, key Key) error {
	return f.update(func(body *fileBody) error {
		for i, e := range body.Secrets {
			if e.Connection == key.Connection && e.Principal == key.Principal {
				body.Secrets = append(body.Secrets[:i], body.Secrets[i+1:]...)
				return nil
			}
		}
		return fmt.Errorf("%w for %s in %s", ErrNotFound, key, f.path)
	})
}

// update runs a read-modify-write of the whole file under both locks.
func (f *File) update(change func(*fileBody) error) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	unlock, err := f.lock(true)
	if err != nil {
		return err
	}
	defer unlock()
	body, err := f.load()
	if err != nil {
		return err // never overwrite a file we could not read
	}
	if err := change(body); err != nil {
		return err
	}
	return f.write(body)
}

func (f *File) decryptErr() error {
	return fmt.Errorf("cannot decrypt token file %s: wrong %s or corrupt file; restore the key or delete the file and log in again",
		f.path, f.keySource)
}

// load reads and decrypts the file; a missing file is an empty body.
func (f *File) load() (*fileBody, error) {
	data, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return &fileBody{Version: 1}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read token file: %w", err)
	}
	if len(data) < len(fileMagic)+nonceSize || !bytes.Equal(data[:len(fileMagic)], fileMagic) {
		return nil, f.decryptErr()
	}
	nonce := data[len(fileMagic) : len(fileMagic)+nonceSize]
	plain, err := f.aead.Open(nil, nonce, data[len(fileMagic)+nonceSize:], fileMagic)
	if err != nil {
		return nil, f.decryptErr()
	}
	var body fileBody
	if err := json.Unmarshal(plain, &body); err != nil || body.Version != 1 {
		return nil, f.decryptErr()
	}
	return &body, nil
}

// write encrypts body and replaces the file atomically.
func (f *File) write(body *fileBody) error {
	plain, err := json.Marshal(body)
	if err != nil {
		return err
	}
	nonce := make([]byte, nonceSize)
	if _, err := rand.Read(nonce); err != nil {
		return err
	}
	out := make([]byte, 0, len(fileMagic)+nonceSize+len(plain)+f.aead.Overhead())
	out = append(out, fileMagic...)
	out = append(out, nonce...)
	out = f.aead.Seal(out, nonce, plain, fileMagic)

	dir, base := filepath.Split(f.path)
	f.removeStaleTemps(dir, base)
	tmp, err := os.CreateTemp(dir, base+".tmp-*")
	if err != nil {
		return fmt.Errorf("cannot write token file: %w", err)
	}
	tmpName := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			_ = tmp.Close()
			_ = os.Remove(tmpName)
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("cannot write token file: %w", err)
	}
	half := len(out) / 2
	if _, err := tmp.Write(out[:half]); err != nil {
		return fmt.Errorf("cannot write token file: %w", err)
	}
	testHook("partial")
	if _, err := tmp.Write(out[half:]); err != nil {
		return fmt.Errorf("cannot write token file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("cannot write token file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cannot write token file: %w", err)
	}
	testHook("before-rename")
	if err := os.Rename(tmpName, f.path); err != nil {
		return fmt.Errorf("cannot write token file: %w", err)
	}
	ok = true
	testHook("after-rename")
	return syncDir(dir)
}

// testHook lets the crash test stop a writer at a chosen point; a no-op in production.
var testHook = func(stage string) {}

// removeStaleTemps deletes temp files left by a writer that died mid-write. It runs under the
// exclusive lock, so no live writer owns them.
func (f *File) removeStaleTemps(dir, base string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), base+".tmp-") {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// lock takes the cross-process lock on "<path>.lock" (exclusive for writes).
func (f *File) lock(exclusive bool) (func(), error) {
	lf, err := os.OpenFile(f.path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot open token file lock: %w", err)
	}
	if err := flock(lf, exclusive); err != nil {
		_ = lf.Close()
		return nil, fmt.Errorf("cannot lock token file: %w", err)
	}
	return func() {
		_ = funlock(lf)
		_ = lf.Close()
	}, nil
}
