package server

import (
	"context"
	"fmt"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	mcpserver "github.com/mark3labs/mcp-go/server"

	"github.com/sfmcp/sfmcp/policy"
	"github.com/sfmcp/sfmcp/tools"
)

// approvalTTL bounds how long a person has to answer an approval prompt.
const approvalTTL = 10 * time.Minute

const approvalKey = "approve"

// approve returns nil when the call is approved. Otherwise it returns the
// result to send: an input-required result asking the person (elicitation),
// or a refusal.
//
// The approval state that travels through the client is signed and bound to
// the principal, the tool, the digest of the arguments and an expiry, and is
// used once. Nothing in the tool arguments can approve a call.
func (h *handler) approve(ctx context.Context, req mcp.CallToolRequest, principal, digest string, plan *tools.Plan) *mcp.CallToolResult {
	grant := policy.Grant{Principal: principal, Tool: h.tool.Name, ArgsDigest: digest}
	if state := req.Params.RequestState; state != "" || len(req.Params.InputResponses) > 0 {
		if err := h.opts.Signer.Verify(state, grant, time.Now()); err != nil {
			return tools.ErrorResult(fmt.Sprintf("approval refused: %v. Nothing was done; call the tool again to ask for a new approval.", err))
		}
		answer := mcpserver.ElicitationResponse(req.Params.InputResponses, approvalKey)
		if answer == nil {
			return tools.ErrorResult("approval missing: nothing was done")
		}
		if answer.Action != mcp.ElicitationResponseActionAccept || !confirmed(answer.Content) {
			return tools.ErrorResult(fmt.Sprintf("the user did not approve (%s): nothing was done. Do not retry unless the user asks.", answer.Action))
		}
		return nil
	}
	summary := plan.Summary
	if plan.Preview != nil {
		s, err := plan.Preview(ctx)
		if err != nil {
			return failure(err)
		}
		summary = s
	}
	if !canElicit(ctx) {
		return tools.ErrorResult(fmt.Sprintf("approval required: %s. This needs a person's approval and this MCP client cannot show approval prompts, so nothing was done. "+
			"Tell the user; an administrator can change the policy for %s in the sfmcp config (policy.tools or policy.objects), or the user can use a client that supports elicitation.",
			summary, h.tool.Name))
	}
	grant.Expires = time.Now().Add(approvalTTL)
	state := h.opts.Signer.Sign(grant)
	return mcpserver.NewInputRequestBuilder(state).Elicit(approvalKey, mcp.ElicitationParams{
		Message: "sfmcp asks for your approval.\n" + h.tool.Name + ": " + summary,
		RequestedSchema: map[string]any{
			"type": "object",
			"properties": map[string]any{
				"approve": map[string]any{"type": "boolean", "title": "Approve this action", "default": false},
			},
			"required": []string{"approve"},
		},
	}).ToolResult()
}

// confirmed reports whether the form's approve box was ticked.
func confirmed(content any) bool {
	m, ok := content.(map[string]any)
	if !ok {
		return false
	}
	v, _ := m["approve"].(bool)
	return v
}

// canElicit reports whether the client declared form elicitation for this
// request: per request in the 2026-07-28 era, at initialize before it.
func canElicit(ctx context.Context) bool {
	var caps *mcp.ClientCapabilities
	if info := mcpserver.RequestProtocolInfoFromContext(ctx); info != nil && info.Modern {
		caps = info.ClientCapabilities
	} else if s, ok := mcpserver.ClientSessionFromContext(ctx).(mcpserver.SessionWithClientInfo); ok {
		c := s.GetClientCapabilities()
		caps = &c
	}
	if caps == nil || caps.Elicitation == nil {
		return false
	}
	e := caps.Elicitation
	return e.Form != nil || e.URL == nil // an empty elicitation object means form
}
