package config

import (
	"fmt"
	"math"
	"os"
	"strings"
)

// ClientSecret returns the connected app's consumer secret from client_secret_env or
// client_secret_file, trimmed of surrounding whitespace. With neither set it returns ""
// and no error (authorization_code with PKCE may not need one). Errors name the variable
// or file, never the secret.
func (c Connection) ClientSecret() (string, error) {
	switch {
	case c.ClientSecretEnv != "":
		v, ok := os.LookupEnv(c.ClientSecretEnv)
		if !ok {
			return "", fmt.Errorf("connection %s: environment variable %s (client_secret_env) is not set; export it with the connected app's consumer secret", c.Name, c.ClientSecretEnv)
		}
		v = strings.TrimSpace(v)
		if v == "" {
			return "", fmt.Errorf("connection %s: environment variable %s (client_secret_env) is empty", c.Name, c.ClientSecretEnv)
		}
		return v, nil
	case c.ClientSecretFile != "":
		data, err := os.ReadFile(c.ClientSecretFile)
		if err != nil {
			return "", fmt.Errorf("connection %s: cannot read client_secret_file %s: %w", c.Name, c.ClientSecretFile, pathErr(err))
		}
		v := strings.TrimSpace(string(data))
		if v == "" {
			return "", fmt.Errorf("connection %s: client_secret_file %s is empty", c.Name, c.ClientSecretFile)
		}
		return v, nil
	}
	return "", nil
}

// Reserve is how many of the org's daily API calls (dailyMax) sfmcp leaves unused
// for other integrations, from api_reserve ("10%" of dailyMax, or an absolute count).
// An unparsable value (only possible in a Config built in code) reserves the default 10%.
func (c Connection) Reserve(dailyMax int) int {
	pct, calls, err := parseReserve(c.APIReserve)
	if err != nil || c.APIReserve == "" {
		pct, calls = 10, 0
	}
	if calls > 0 || pct == 0 {
		return calls
	}
	return int(math.Ceil(float64(dailyMax) * pct / 100))
}
