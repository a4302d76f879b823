package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
)

// BenchmarkColdStart measures spawn to the first tools/list reply of
// `sfmcp serve` (a configured org, nothing contacted until a tool runs) and
// of `sfmcp demo` (which also seeds and starts the emulated org). It reports
// the median and the child's peak RSS.
func BenchmarkColdStart(b *testing.B) {
	dir := b.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	yaml := "connections:\n  - name: prod\n    instance_url: https://acme.my.salesforce.com\n    client_id: x\n    client_secret_env: SF_SECRET\nstore:\n  backend: memory\n"
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		b.Fatal(err)
	}
	for _, mode := range []struct {
		name string
		args []string
	}{
		{"serve", []string{"serve", "--config", cfg}},
		{"demo", []string{"demo", "--config", cfg}},
	} {
		b.Run(mode.name, func(b *testing.B) {
			var times []time.Duration
			var rss int64
			for b.Loop() {
				d, r := coldStart(b, mode.args)
				times = append(times, d)
				rss = max(rss, r)
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "median-ms")
			b.ReportMetric(float64(rss), "peak-rss-KiB")
		})
	}
}

func coldStart(b *testing.B, args []string) (time.Duration, int64) {
	ctx := context.Background()
	start := time.Now()
	var cmd *exec.Cmd
	tr := transport.NewStdioWithOptions(binPath, append(os.Environ(), "SF_SECRET=x"), args,
		transport.WithCommandFunc(func(ctx context.Context, command string, env, args []string) (*exec.Cmd, error) {
			cmd = exec.CommandContext(ctx, command, args...)
			cmd.Env = env
			return cmd, nil
		}))
	c := client.NewClient(tr, client.WithProtocolVersion("2025-11-25"))
	if err := c.Start(ctx); err != nil {
		b.Fatal(err)
	}
	req := mcp.InitializeRequest{}
	req.Params.ProtocolVersion = "2025-11-25"
	if _, err := c.Initialize(ctx, req); err != nil {
		b.Fatal(err)
	}
	if _, err := c.ListTools(ctx, mcp.ListToolsRequest{}); err != nil {
		b.Fatal(err)
	}
	d := time.Since(start)
	c.Close()
	var rss int64
	if cmd.ProcessState == nil {
		_ = cmd.Wait()
	}
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			rss = ru.Maxrss
		}
	}
	return d, rss
}

// BenchmarkDemoRSS reports the peak RSS of `sfmcp demo --records 5000` (the
// emulated org lives in the same process) after 200 calls of the 200-row
// query, and the time per call over stdio.
func BenchmarkDemoRSS(b *testing.B) {
	ctx := context.Background()
	var cmd *exec.Cmd
	tr := transport.NewStdioWithOptions(binPath, os.Environ(), []string{"demo", "--records", "5000"},
		transport.WithCommandFunc(func(ctx context.Context, command string, env, args []string) (*exec.Cmd, error) {
			cmd = exec.CommandContext(ctx, command, args...)
			cmd.Env = env
			return cmd, nil
		}))
	c := client.NewClient(tr)
	if err := c.Start(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := c.Initialize(ctx, mcp.InitializeRequest{}); err != nil {
		b.Fatal(err)
	}
	req := mcp.CallToolRequest{}
	req.Params.Name = "query_records"
	req.Params.Arguments = map[string]any{"soql": "SELECT Id, Name, Industry, AnnualRevenue, Owner.Name FROM Account LIMIT 200"}
	for b.Loop() {
		for range 200 {
			if res, err := c.CallTool(ctx, req); err != nil || res.IsError {
				b.Fatal(err, res)
			}
		}
	}
	c.Close()
	if cmd.ProcessState == nil {
		_ = cmd.Wait()
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		b.ReportMetric(float64(ru.Maxrss), "peak-rss-KiB")
	}
}
