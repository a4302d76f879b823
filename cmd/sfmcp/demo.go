package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"

	"github.com/sfmcp/sfmcp/config"
	"github.com/sfmcp/sfmcp/salesforce/emulator"
)

// demoSecretEnv carries the demo org's client secret to the demo connection
// in-process, the way a real connection reads its secret from the environment.
const demoSecretEnv = "SFMCP_DEMO_CLIENT_SECRET"

func cmdDemo(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("demo", stderr)
	orgOnly := fs.Bool("org-only", false, "serve only the emulated org (no MCP); print its details as one JSON line")
	addr := fs.String("addr", "127.0.0.1:0", "with --org-only: loopback HOST:PORT to listen on")
	records := fs.Int("records", 0, "number of sample records (default: a few hundred)")
	cfgPath := fs.String("config", "", "config file for policy, limits and instructions (its connections are ignored)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkLoopback(*addr); err != nil {
		return err
	}
	if *records < 0 {
		return fmt.Errorf("--records must be 0 or more")
	}
	org := emulator.New(emulator.Options{Records: *records, Seed: 1})
	srv, err := emulator.Start(org, *addr)
	if err != nil {
		return fmt.Errorf("demo org: %w", err)
	}
	defer srv.Close()

	if *orgOnly {
		if err := printOrg(stdout, org, srv); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "sfmcp demo org at %s (login %s); Ctrl-C to stop\n", srv.InstanceURL, srv.LoginURL)
		<-ctx.Done()
		return nil
	}

	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return err
	}
	if err := os.Setenv(demoSecretEnv, org.ClientSecret()); err != nil {
		return err
	}
	cfg.Connections = []config.Connection{{
		Name:            "demo",
		InstanceURL:     srv.InstanceURL,
		LoginURL:        srv.LoginURL,
		Mode:            config.ModeShared,
		Flow:            config.FlowClientCredentials,
		ClientID:        org.ClientID(),
		ClientSecretEnv: demoSecretEnv,
		Allow:           []string{"*"},
		APIVersion:      config.DefaultAPIVersion,
		APIReserve:      config.DefaultAPIReserve,
	}}
	cfg.Store.Backend = config.BackendMemory
	fmt.Fprintf(stderr, "sfmcp demo: an emulated Salesforce org with sample data at %s, no account needed. "+
		"Serving MCP on stdio as %q; writes need approval.\n", srv.InstanceURL, cfg.User)
	return serve(ctx, cfg, stdin, stdout, stderr)
}

// checkLoopback refuses to serve the demo org beyond this machine.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: want HOST:PORT, e.g. 127.0.0.1:8443", addr)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("--addr %q: the demo org listens on loopback only; use 127.0.0.1:PORT", addr)
	}
	return nil
}

func printOrg(w io.Writer, org *emulator.Org, srv *emulator.Server) error {
	type user struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	out := struct {
		InstanceURL  string `json:"instance_url"`
		LoginURL     string `json:"login_url"`
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
		Users        []user `json:"users"`
	}{InstanceURL: srv.InstanceURL, LoginURL: srv.LoginURL, ClientID: org.ClientID(), ClientSecret: org.ClientSecret()}
	for _, u := range org.Users() {
		out.Users = append(out.Users, user{u.Username, u.Password})
	}
	return json.NewEncoder(w).Encode(out)
}
