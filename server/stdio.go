package server

import (
	"context"
	"io"

	mcpserver "github.com/mark3labs/mcp-go/server"
)

// ServeStdio serves s over stdin/stdout until in is closed or ctx ends. Every
// request runs as principal.
func ServeStdio(ctx context.Context, s *mcpserver.MCPServer, principal string, in io.Reader, out io.Writer) error {
	stdio := mcpserver.NewStdioServer(s)
	stdio.SetContextFunc(func(ctx context.Context) context.Context { return WithPrincipal(ctx, principal) })
	return stdio.Listen(ctx, in, out)
}
