package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/sfmcp/sfmcp/config"
	"github.com/sfmcp/sfmcp/connections"
	"github.com/sfmcp/sfmcp/policy"
	"github.com/sfmcp/sfmcp/server"
	"github.com/sfmcp/sfmcp/tools"
)

func cmdServe(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	cfgPath := fs.String("config", "", "config file (default $SFMCP_CONFIG, else $XDG_CONFIG_HOME/sfmcp/config.yaml)")
	httpAddr := fs.String("http", "", "serve streamable HTTP at /mcp on this address instead of stdio")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *httpAddr != "" {
		return fmt.Errorf("--http: the streamable HTTP transport is not in this build yet; use stdio (sfmcp serve)")
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return err
	}
	return serve(ctx, cfg, stdin, stdout, stderr)
}

// serve builds the pieces from cfg and serves MCP over stdio.
func serve(ctx context.Context, cfg *config.Config, stdin io.Reader, stdout, stderr io.Writer) error {
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	all := tools.All()
	pol, err := policy.New(cfg.Policy, policyTools(all))
	if err != nil {
		return fmt.Errorf("%s: %w", configName(cfg), err)
	}
	if len(cfg.Connections) == 0 {
		return fmt.Errorf("no connections configured in %s: add one under connections (see README), or try `sfmcp demo`", configName(cfg))
	}
	st, err := connections.OpenStore(cfg.Store)
	if err != nil {
		return err
	}
	resolver := connections.NewManager(cfg, st, connections.WithLogger(logger))
	var names []string
	for _, c := range cfg.Connections {
		names = append(names, c.Name)
	}
	s, err := server.New(server.Options{
		Tools:        all,
		Policy:       pol,
		Resolver:     resolver,
		Connections:  names,
		Limits:       tools.Limits{MaxRows: cfg.Limits.MaxRows, MaxBytes: cfg.Limits.MaxBytes},
		Instructions: cfg.Instructions,
		Version:      version,
		Logger:       logger,
	})
	if err != nil {
		return err
	}
	return server.ServeStdio(ctx, s, cfg.User, stdin, stdout)
}

// loadConfig loads --config, else the default location (defaults when absent).
func loadConfig(path string) (*config.Config, error) {
	if path != "" {
		return config.Load(path)
	}
	return config.LoadDefault()
}

func configName(cfg *config.Config) string {
	if cfg.Source != "" {
		return cfg.Source
	}
	return "the config"
}
