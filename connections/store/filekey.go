package store

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// DefaultKeyEnv is the environment variable that holds the token file key by default.
const DefaultKeyEnv = "SFMCP_TOKEN_KEY"

const keyFormatHelp = "the key is 32 random bytes written as base64 (openssl rand -base64 32) or hex (openssl rand -hex 32)"

// ParseKey decodes a token file key: 32 bytes as standard or URL-safe base64 (padding optional)
// or as hex. Surrounding whitespace is ignored. The error never contains the input.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if len(s) == 64 {
		if b, err := hex.DecodeString(s); err == nil {
			return b, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) == 32 {
			return b, nil
		}
	}
	return nil, fmt.Errorf("not a valid token key (%d characters): %s", len(s), keyFormatHelp)
}

// LoadKey finds the token file key: the environment variable envName (DefaultKeyEnv if empty)
// if it is set, otherwise the file keyFile (its text, base64 or hex, or exactly 32 raw bytes).
// It returns the key and a description of its source for error messages.
func LoadKey(envName, keyFile string) ([]byte, string, error) {
	if envName == "" {
		envName = DefaultKeyEnv
	}
	if v, ok := os.LookupEnv(envName); ok && v != "" {
		k, err := ParseKey(v)
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", envName, err)
		}
		return k, envName, nil
	}
	if keyFile != "" {
		src := "key file " + keyFile
		data, err := os.ReadFile(keyFile)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, "", fmt.Errorf("token key file %s does not exist; create it with `openssl rand -base64 32 > %s && chmod 600 %s` or set %s",
				keyFile, keyFile, keyFile, envName)
		}
		if err != nil {
			return nil, "", fmt.Errorf("cannot read token key file: %w", err)
		}
		if len(data) == 32 { // raw bytes (a text key is at least 43 characters)
			return data, src, nil
		}
		k, err := ParseKey(string(data))
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", src, err)
		}
		return k, src, nil
	}
	return nil, "", fmt.Errorf("the file token store needs a key: set %s (%s) or store.key_file", envName, keyFormatHelp)
}
