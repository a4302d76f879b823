package main

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"runtime"
	"text/tabwriter"

	"github.com/sfmcp/sfmcp/config"
	"github.com/sfmcp/sfmcp/connections"
)

func cmdLogin(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("login", stderr)
	cfgPath := fs.String("config", "", "config file")
	name := fs.String("connection", "", "connection to log in to (default: the first)")
	shared := fs.Bool("shared", false, "log in the shared identity of a shared connection (an admin's job)")
	noBrowser := fs.Bool("no-browser", false, "print the URL to open instead of opening a browser")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, conn, st, err := openConnection(*cfgPath, *name)
	if err != nil {
		return err
	}
	if conn.Mode == config.ModeShared && !*shared && conn.Flow == config.FlowAuthorizationCode {
		return fmt.Errorf("connection %q is shared: an admin logs in its identity with `sfmcp login --connection %s --shared`", conn.Name, conn.Name)
	}
	if conn.Flow != config.FlowAuthorizationCode {
		return fmt.Errorf("connection %q uses %s: there is nothing to log in; `sfmcp status --check` tests it", conn.Name, conn.Flow)
	}
	id, err := connections.Login(ctx, conn, connections.LoginOptions{
		Principal:   cfg.User,
		Shared:      *shared,
		NoBrowser:   *noBrowser,
		Out:         stderr,
		OpenBrowser: openBrowser,
		Store:       st,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "connected %s as %s (org %s)\n", conn.Name, id.Username, id.OrgID)
	return nil
}

func cmdLogout(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("logout", stderr)
	cfgPath := fs.String("config", "", "config file")
	name := fs.String("connection", "", "connection to log out of (default: the first)")
	shared := fs.Bool("shared", false, "log out the shared identity of a shared connection")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, conn, st, err := openConnection(*cfgPath, *name)
	if err != nil {
		return err
	}
	principal := cfg.User
	if *shared {
		principal = connections.SharedPrincipal
	}
	m := connections.NewManager(cfg, st)
	if err := m.Logout(ctx, conn.Name, principal); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "logged out of %s: token revoked at Salesforce and deleted here\n", conn.Name)
	return nil
}

func cmdStatus(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("status", stderr)
	cfgPath := fs.String("config", "", "config file")
	check := fs.Bool("check", false, "test each connection end to end")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return err
	}
	if len(cfg.Connections) == 0 {
		return fmt.Errorf("no connections configured in %s: add one under connections (see README)", configName(cfg))
	}
	st, err := connections.OpenStore(cfg.Store)
	if err != nil {
		return err
	}
	m := connections.NewManager(cfg, st)
	if *check {
		failed := 0
		for _, r := range m.Check(ctx, cfg.User) {
			if r.OK {
				fmt.Fprintf(stdout, "PASS %s: %s\n", r.Connection, r.Detail)
				continue
			}
			failed++
			fmt.Fprintf(stdout, "FAIL %s: %s\n", r.Connection, r.Problem)
		}
		if failed > 0 {
			return fmt.Errorf("%d connection(s) failed the check", failed)
		}
		return nil
	}
	fmt.Fprintf(stdout, "config: %s\nprincipal: %s\n\n", configName(cfg), cfg.User)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CONNECTION\tMODE\tFLOW\tSALESFORCE USER\tINSTANCE\tAPI USAGE\tSTATE")
	for _, s := range m.Status(ctx, cfg.User) {
		usage := "unknown"
		if s.UsageKnown {
			usage = fmt.Sprintf("%d/%d (reserve %d)", s.Usage.Used, s.Usage.Max, s.Reserve)
		}
		state := "ok"
		if !s.Connected {
			state = s.Problem
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.Connection, s.Mode, s.Flow, orDash(s.Identity.Username), orDash(s.InstanceURL), usage, state)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(stdout)
	return printPolicy(stdout, cfg)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// openConnection loads the config and the store and finds a connection.
func openConnection(cfgPath, name string) (*config.Config, config.Connection, connections.Store, error) {
	cfg, err := loadConfig(cfgPath)
	if err != nil {
		return nil, config.Connection{}, nil, err
	}
	if len(cfg.Connections) == 0 {
		return nil, config.Connection{}, nil, fmt.Errorf("no connections configured in %s: add one under connections (see README)", configName(cfg))
	}
	conn := cfg.Connections[0]
	if name != "" {
		var ok bool
		if conn, ok = cfg.Connection(name); !ok {
			return nil, config.Connection{}, nil, fmt.Errorf("--connection %q: no such connection in %s", name, configName(cfg))
		}
	}
	st, err := connections.OpenStore(cfg.Store)
	if err != nil {
		return nil, config.Connection{}, nil, err
	}
	return cfg, conn, st, nil
}

// openBrowser opens url in the desktop's browser.
func openBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	return cmd.Start()
}
