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
// result to send: an input-required result asking the person (elicitation,
// 2026-07-28), or a refusal.
//
// The approval state that travels through the client is signed and bound to
// the principal, the tool, the digest of the arguments and an expiry, and is
// used once. Nothing in the tool arguments can approve a call; a state sent
// by a legacy-era client is verified the same way.
func (h *handler) approve(ctx context.Context, req mcp.CallToolRequest, principal, digest string, plan *tools.Plan) *mcp.CallToolResult {
	grant := policy.Grant{Principal: principal, Tool: h.tool.Name, ArgsDigest: digest}
	if state := req.Params.RequestState; state != "" || len(req.Params.InputResponses) > 0 {
		if err := h.opts.Signer.Verify(state, grant, time.Now()); err != nil {
			return tools.ErrorResult(fmt.Sprintf("approval refused: %v. Nothing was done; call the tool again to ask for a new approval.", err))
		}
		return verdict(mcpserver.ElicitationResponse(req.Params.InputResponses, approvalKey))
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
	params := mcp.ElicitationParams{
		Message: "sfmcp asks for your approval.\n" + h.tool.Name + ": " + summary,
		RequestedSchema: map[string]any{
			"type": "object",
			"properties": map[string]any{
				"approve": map[string]any{"type": "boolean", "title": "Approve this action", "default": false},
			},
			"required": []string{"approve"},
		},
	}
	if !mcpserver.IsModernRequest(ctx) {
		// Before 2026-07-28 the server asks the client itself, within this
		// call: the answer never travels through the model's side, and a
		// failed prompt is a result the model can report, not a protocol error.
		s := mcpserver.ServerFromContext(ctx)
		if s == nil {
			return tools.ErrorResult("approval required, and sfmcp could not reach the client to ask: nothing was done")
		}
		res, err := s.RequestElicitation(ctx, mcp.ElicitationRequest{Params: params})
		if err != nil {
			return tools.ErrorResult(fmt.Sprintf("approval required: %s. Asking the user failed (%v), so nothing was done.", summary, err))
		}
		return verdict(res)
	}
	// From 2026-07-28 the client asks and calls again with the answer and
	// this signed state.
	grant.Expires = time.Now().Add(approvalTTL)
	return mcpserver.NewInputRequestBuilder(h.opts.Signer.Sign(grant)).Elicit(approvalKey, params).ToolResult()
}

// verdict is nil when the person approved, else the refusal.
func verdict(answer *mcp.ElicitationResult) *mcp.CallToolResult {
	if answer == nil {
		return tools.ErrorResult("approval missing: nothing was done")
	}
	if answer.Action != mcp.ElicitationResponseActionAccept || !confirmed(answer.Content) {
		return tools.ErrorResult(fmt.Sprintf("the user did not approve (%s): nothing was done. Do not retry unless the user asks.", answer.Action))
	}
	return nil
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
