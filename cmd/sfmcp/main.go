// Command sfmcp is an MCP server that lets AI agents work with Salesforce
// records live, under per-tool policies a person controls.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `sfmcp: Salesforce records for AI agents, under policies you control.

Usage:
  sfmcp serve   [--config FILE]              MCP over stdio (what Claude Desktop runs)
  sfmcp demo    [--config FILE]              MCP over stdio against an embedded demo org
  sfmcp demo    --org-only --addr HOST:PORT  serve only the demo org; print its details as JSON
  sfmcp login   [--connection NAME] [--shared] [--no-browser]
  sfmcp logout  [--connection NAME] [--shared]
  sfmcp status  [--check]
  sfmcp tools   [--markdown] [--write FILE | --check FILE]
  sfmcp version

Config: --config FILE, else $SFMCP_CONFIG, else $XDG_CONFIG_HOME/sfmcp/config.yaml.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "sfmcp:", err)
		}
		os.Exit(2)
	}
}

// run dispatches a subcommand. stdout belongs to the MCP transport for serve
// and demo; everything for people goes to stderr.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		args = []string{"serve"}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, rest, stdin, stdout, stderr)
	case "demo":
		return cmdDemo(ctx, rest, stdin, stdout, stderr)
	case "login":
		return cmdLogin(ctx, rest, stdout, stderr)
	case "logout":
		return cmdLogout(ctx, rest, stdout, stderr)
	case "status":
		return cmdStatus(ctx, rest, stdout, stderr)
	case "tools":
		return cmdTools(rest, stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "sfmcp", version)
		return nil
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q; see the usage above", cmd)
}

// newFlags returns a flag set that reports errors instead of exiting.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("sfmcp "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses and rejects stray positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %q (flags start with --)", fs.Name(), fs.Arg(0))
	}
	return nil
}
