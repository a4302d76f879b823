package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/sfmcp/sfmcp/connections"
	"github.com/sfmcp/sfmcp/policy"
	"github.com/sfmcp/sfmcp/salesforce"
	"github.com/sfmcp/sfmcp/tools"
)

// handler runs one tool through the chain: connection, plan, field deny
// list, policy level, approval, run, audit. Every failure the model or the
// user can act on is an isError result; only bugs are Go errors (and even a
// panic becomes a result here, logged with its stack).
type handler struct {
	opts *Options
	tool tools.Tool
}

func (h *handler) handle(ctx context.Context, req mcp.CallToolRequest) (res *mcp.CallToolResult, err error) {
	start := time.Now()
	principal := PrincipalFromContext(ctx)
	a := audit{tool: h.tool.Name, principal: principal, outcome: "ok"}
	defer func() {
		if p := recover(); p != nil {
			h.opts.Logger.Error("tool panicked", "tool", h.tool.Name, "panic", p, "stack", string(debug.Stack()))
			res, err = tools.ErrorResult("internal error in sfmcp; the call did not complete. Please report this."), nil
			a.outcome = "panic"
		}
		if res != nil && res.IsError && a.outcome == "ok" {
			a.outcome = "error"
		}
		if res != nil && res.NeedsInput() {
			a.outcome = "approval_requested"
		}
		a.log(h.opts.Logger, time.Since(start))
	}()
	return h.run(ctx, req, principal, &a), nil
}

func (h *handler) run(ctx context.Context, req mcp.CallToolRequest, principal string, a *audit) *mcp.CallToolResult {
	raw, _ := req.GetRawArguments().(json.RawMessage)
	if raw == nil {
		b, err := json.Marshal(req.Params.Arguments)
		if err != nil {
			return tools.ErrorResult("arguments must be a JSON object")
		}
		raw = b
	}
	args, connName, err := splitConnection(raw)
	if err != nil {
		return tools.ErrorResult(err.Error())
	}
	if !h.opts.Policy.Visible(h.tool.Name) {
		a.outcome = "disabled"
		return tools.ErrorResult(fmt.Sprintf("%s is disabled by the administrator's policy", h.tool.Name))
	}
	conn, err := h.opts.Resolver.Resolve(ctx, principal, connName)
	if err != nil {
		a.outcome = "not_connected"
		return tools.ErrorResult(err.Error())
	}
	a.connection = conn.Name
	if err := conn.CheckBudget(); err != nil {
		a.outcome = "api_reserve"
		return tools.ErrorResult(err.Error())
	}
	call := &tools.Call{
		Principal:  principal,
		Connection: conn.Name,
		Client:     conn.Client,
		Limits:     h.opts.Limits,
		Denied:     h.opts.Policy.DeniedField,
		Cursors:    h.opts.Cursors,
	}
	plan, err := h.tool.Plan(ctx, call, args)
	if err != nil {
		return failure(err)
	}
	if plan.Query != nil && h.opts.Policy.HasObjectRules(h.tool.Name) {
		objs, err := touchedObjects(ctx, plan.Query, describeResolver{c: conn.Client})
		if err != nil {
			return failure(&tools.UserError{Msg: err.Error()})
		}
		plan.Objects = objs
	}
	a.objects = plan.Objects
	if err := h.checkFields(ctx, conn.Client, plan); err != nil {
		a.outcome = "denied_field"
		return failure(err)
	}
	level := h.opts.Policy.Decide(principal, h.tool.Name, plan.Objects)
	a.level = string(level)
	switch level {
	case policy.Disabled:
		a.outcome = "disabled"
		return tools.ErrorResult(fmt.Sprintf("%s on %s is disabled by the administrator's policy; it cannot be done through sfmcp",
			h.tool.Name, strings.Join(plan.Objects, ", ")))
	case policy.NeedsApproval:
		digest := policy.ArgsDigest(h.tool.Name, argsMap(args, connName))
		if res := h.approve(ctx, req, principal, digest, plan); res != nil {
			if !res.NeedsInput() {
				a.outcome = "not_approved"
			}
			return res
		}
		a.approved = true
	}
	res, err := plan.Run(ctx)
	if err != nil {
		if errors.Is(err, salesforce.ErrOutcomeUnknown) {
			a.outcome = "outcome_unknown"
		}
		return failure(err)
	}
	return res
}

// checkFields enforces the field deny list on what the call reads (through
// relationships and subqueries) and writes.
func (h *handler) checkFields(ctx context.Context, c *salesforce.Client, plan *tools.Plan) error {
	if plan.Query != nil {
		if err := h.opts.Policy.CheckQuery(ctx, plan.Query, describeResolver{c: c}); err != nil {
			return &tools.UserError{Msg: err.Error()}
		}
	}
	for object, fields := range plan.Writes {
		for _, f := range fields {
			if h.opts.Policy.DeniedField(object, f) {
				return &tools.UserError{Msg: fmt.Sprintf("%s.%s is blocked by the administrator's policy: it cannot be written through sfmcp; leave it out", object, f)}
			}
		}
	}
	return nil
}

func argsMap(raw json.RawMessage, connection string) map[string]any {
	m := map[string]any{}
	_ = json.Unmarshal(raw, &m)
	if connection != "" {
		m["connection"] = connection
	}
	return m
}

// audit is one line per call: who did what, on which objects, with which
// outcome. Never arguments or record values.
type audit struct {
	tool, principal, connection, level, outcome string
	objects                                     []string
	approved                                    bool
}

func (a *audit) log(l *slog.Logger, d time.Duration) {
	l.Info("tool call", "tool", a.tool, "principal", a.principal, "connection", a.connection,
		"objects", a.objects, "policy", a.level, "approved", a.approved, "outcome", a.outcome,
		"duration_ms", d.Milliseconds())
}

// failure turns an error into the result the model sees: a login that failed
// mid-call keeps its exact advice (run sfmcp login, or the connect link);
// everything else is explained by the tools.
func failure(err error) *mcp.CallToolResult {
	if msg, ok := connections.Explain(err); ok {
		return tools.ErrorResult(msg)
	}
	return tools.Failure(err)
}
