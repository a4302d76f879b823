package config

import (
	"fmt"
	"maps"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

var connNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// checker collects semantic issues with the line of each key.
type checker struct {
	lines  map[string]int
	issues []Issue
}

func (ch *checker) add(key, format string, args ...any) {
	line := 0
	for k := key; k != ""; k = parentKey(k) {
		if l, ok := ch.lines[k]; ok {
			line = l
			break
		}
	}
	ch.issues = append(ch.issues, Issue{Key: key, Line: line, Msg: fmt.Sprintf(format, args...)})
}

func parentKey(k string) string {
	i := strings.LastIndexAny(k, ".[")
	if i < 0 {
		return ""
	}
	return k[:i]
}

// check validates what the schema cannot express, on the config with defaults applied;
// raw is the config as written. It resolves relative paths against base and reads
// instructions_file.
func (c *Config) check(raw *Config, base string, lines map[string]int) []Issue {
	ch := &checker{lines: lines}
	if _, set := lines["approval.wait"]; set && raw.Approval.Wait == 0 {
		c.Approval.Wait = 0 // explicit 0s: do not wait, answer with the approval URL at once
	}
	if c.Instructions != "" && c.InstructionsFile != "" {
		ch.add("instructions_file", "set either instructions or instructions_file, not both")
	} else if c.InstructionsFile != "" {
		c.InstructionsFile = abs(base, c.InstructionsFile)
		data, err := os.ReadFile(c.InstructionsFile)
		if err != nil {
			ch.add("instructions_file", "cannot read %s: %v", c.InstructionsFile, pathErr(err))
		}
		c.Instructions = string(data)
	}
	if raw.Store.KeyEnv != "" && raw.Store.KeyFile != "" {
		ch.add("store.key_file", "set either store.key_env or store.key_file, not both")
	}
	c.Store.Path = abs(base, c.Store.Path)
	c.Store.KeyFile = abs(base, c.Store.KeyFile)

	seen := map[string]int{}
	for i := range c.Connections {
		k := &c.Connections[i]
		p := fmt.Sprintf("connections[%d]", i)
		if !connNameRE.MatchString(k.Name) {
			ch.add(p+".name", "%q is not valid; use lowercase letters, digits, _ and -, starting with a letter or digit", k.Name)
		} else if j, dup := seen[k.Name]; dup {
			ch.add(p+".name", "%q is already used by connections[%d]; connection names must be unique", k.Name, j)
		} else {
			seen[k.Name] = i
		}
		c.checkConnection(ch, p, k, &raw.Connections[i], base)
	}
	return ch.issues
}

func (c *Config) checkConnection(ch *checker, p string, k, raw *Connection, base string) {
	if k.InstanceURL != "" {
		if u, ok := checkURL(ch, p+".instance_url", k.InstanceURL); ok {
			k.InstanceURL = u
			host := hostOf(u)
			switch {
			case host == "login.salesforce.com" || host == "test.salesforce.com":
				ch.add(p+".instance_url", "%s is a login host, not your org; use your My Domain https://NAME.my.salesforce.com (the login host goes in login_url)", host)
			case strings.HasSuffix(host, ".lightning.force.com"):
				ch.add(p+".instance_url", "%s is the Lightning UI host, which does not serve the API; use your My Domain %s", host, myDomainFor(host))
			}
		}
	}
	if u, ok := checkURL(ch, p+".login_url", k.LoginURL); ok {
		k.LoginURL = u
		if host := hostOf(u); strings.HasSuffix(host, ".lightning.force.com") {
			ch.add(p+".login_url", "%s is the Lightning UI host; use https://login.salesforce.com, https://test.salesforce.com or your My Domain %s", host, myDomainFor(host))
		}
	}

	if k.ClientSecretEnv != "" && k.ClientSecretFile != "" {
		ch.add(p+".client_secret_file", "set either client_secret_env or client_secret_file, not both")
	}
	k.ClientSecretFile = abs(base, k.ClientSecretFile)
	k.PrivateKeyFile = abs(base, k.PrivateKeyFile)

	service := k.Flow == FlowClientCredentials || k.Flow == FlowJWTBearer
	if service && k.Mode == ModePerUser {
		def := ""
		if raw.Mode == "" {
			def = " (the default)"
		}
		ch.add(p+".mode", "mode per_user%s cannot use flow %s: it logs in as one service identity, not as each user; set mode: shared with an allow list, or use flow: authorization_code", def, k.Flow)
	}
	switch k.Flow {
	case FlowClientCredentials:
		if k.ClientSecretEnv == "" && k.ClientSecretFile == "" {
			ch.add(p+".client_secret_env", "flow client_credentials needs the consumer secret: set client_secret_env (an environment variable name) or client_secret_file")
		}
		if k.InstanceURL == "" {
			ch.add(p+".instance_url", "flow client_credentials needs instance_url: use your My Domain https://NAME.my.salesforce.com")
		}
	case FlowJWTBearer:
		if k.PrivateKeyFile == "" {
			ch.add(p+".private_key_file", "flow jwt_bearer needs private_key_file: the PEM key whose certificate is in the connected app")
		}
		if k.Username == "" {
			ch.add(p+".username", "flow jwt_bearer needs username: the Salesforce user the service runs as")
		}
	}
	if k.Username != "" && k.Flow != FlowJWTBearer {
		ch.add(p+".username", "username is only used with flow: jwt_bearer; remove it")
	}
	if k.PrivateKeyFile != "" && k.Flow != FlowJWTBearer {
		ch.add(p+".private_key_file", "private_key_file is only used with flow: jwt_bearer; remove it")
	}

	switch k.Mode {
	case ModeShared:
		if len(k.Allow) == 0 {
			ch.add(p+".allow", "mode shared needs allow: the principals that may use this connection, \"group:NAME\", or \"*\" for everyone")
		}
	case ModePerUser:
		if len(k.Allow) > 0 {
			ch.add(p+".allow", "allow is only used with mode: shared (per_user connections use each person's own login); remove it or set mode: shared")
		}
	}
	for j, a := range k.Allow {
		if g, ok := strings.CutPrefix(a, "group:"); ok {
			if _, exists := c.Groups[g]; !exists {
				ch.add(fmt.Sprintf("%s.allow[%d]", p, j), "group %q is not defined under groups:%s", g, groupList(c.Groups))
			}
		}
	}
	if _, _, err := parseReserve(k.APIReserve); err != nil {
		ch.add(p+".api_reserve", "%v", err)
	}
}

// checkURL accepts https URLs, or http for loopback hosts, with no path, query or
// credentials; it returns the URL without a trailing slash.
func checkURL(ch *checker, key, s string) (string, bool) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Opaque != "" {
		ch.add(key, "%q is not a URL; write it like https://acme.my.salesforce.com", s)
		return "", false
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopback(u.Hostname()):
	case u.Scheme == "http":
		ch.add(key, "%q must use https (http is only allowed for localhost)", s)
		return "", false
	default:
		ch.add(key, "%q must be an https URL", s)
		return "", false
	}
	if u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		ch.add(key, "%q must be only scheme and host, like https://acme.my.salesforce.com", s)
		return "", false
	}
	return u.Scheme + "://" + u.Host, true
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func hostOf(u string) string {
	p, _ := url.Parse(u)
	return strings.ToLower(p.Hostname())
}

// myDomainFor maps acme.lightning.force.com -> https://acme.my.salesforce.com and
// acme--uat.sandbox.lightning.force.com -> https://acme--uat.sandbox.my.salesforce.com.
func myDomainFor(host string) string {
	return "https://" + strings.TrimSuffix(host, ".lightning.force.com") + ".my.salesforce.com"
}

func groupList(groups map[string][]string) string {
	if len(groups) == 0 {
		return " (there are no groups)"
	}
	return " (groups are: " + strings.Join(slices.Sorted(maps.Keys(groups)), ", ") + ")"
}

func abs(base, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	if a, err := filepath.Abs(filepath.Join(base, p)); err == nil {
		return a
	}
	return filepath.Join(base, p)
}

// parseReserve parses "10%" (percent of the daily limit) or "500" (calls).
func parseReserve(s string) (pct float64, calls int, err error) {
	if t, ok := strings.CutSuffix(s, "%"); ok {
		pct, err = strconv.ParseFloat(t, 64)
		if err != nil || pct < 0 || pct >= 100 {
			return 0, 0, fmt.Errorf("%q is not a valid percentage; use e.g. \"10%%\" (0 to less than 100) or a number of calls", s)
		}
		return pct, 0, nil
	}
	calls, err = strconv.Atoi(s)
	if err != nil || calls < 0 {
		return 0, 0, fmt.Errorf("%q is not valid; use a percentage like \"10%%\" or a number of calls like 500", s)
	}
	return 0, calls, nil
}
