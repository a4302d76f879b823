package tools

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/sfmcp/sfmcp/policy"
	"github.com/sfmcp/sfmcp/salesforce"
)

type activityArgs struct {
	Type            string `json:"type"`
	RecordID        string `json:"record_id"`
	Subject         string `json:"subject"`
	Description     string `json:"description"`
	Date            string `json:"date"`
	Start           string `json:"start"`
	DurationMinutes int    `json:"duration_minutes"`
	Direction       string `json:"direction"`
}

func logActivity() Tool {
	return Tool{
		Name:   "log_activity",
		Title:  "Log an activity",
		Access: policy.Write,
		Description: "Log a completed call or email (Task), a meeting (Event) or a note against a record " +
			"(a Contact or Lead as who, anything else such as an Account or Opportunity as what).",
		Schema: json.RawMessage(`{"type":"object","properties":{` +
			`"type":{"type":"string","enum":["call","email","meeting","note"]},` +
			`"record_id":{"type":"string","description":"Id of the record it is about"},` +
			`"subject":{"type":"string","description":"subject; the note title for a note"},` +
			`"description":{"type":"string","description":"details; the note body for a note"},` +
			`"date":{"type":"string","description":"call/email date YYYY-MM-DD (default today)"},` +
			`"start":{"type":"string","description":"meeting start, ISO 8601 datetime (required for a meeting)"},` +
			`"duration_minutes":{"type":"integer","minimum":1,"maximum":1440,"description":"call or meeting length (meeting default 30)"},` +
			`"direction":{"type":"string","enum":["Inbound","Outbound"],"description":"call direction"}` +
			`},"required":["type","record_id"],"additionalProperties":false}`),
		Plan: planActivity,
	}
}

func planActivity(ctx context.Context, c *Call, raw json.RawMessage) (*Plan, error) {
	a, err := bind[activityArgs](raw)
	if err != nil {
		return nil, err
	}
	if a.DurationMinutes < 0 || a.DurationMinutes > 1440 {
		return nil, userErrorf("duration_minutes must be between 1 and 1440")
	}
	if a.Direction != "" && a.Direction != "Inbound" && a.Direction != "Outbound" {
		return nil, userErrorf("direction must be Inbound or Outbound")
	}
	about, id, err := objectForID(ctx, c, a.RecordID)
	if err != nil {
		return nil, err
	}
	rel := "WhatId"
	if about == "Contact" || about == "Lead" {
		rel = "WhoId"
	}
	var (
		object string
		values map[string]any
	)
	switch a.Type {
	case "call", "email":
		date := a.Date
		if date == "" {
			date = time.Now().UTC().Format(time.DateOnly)
		} else if _, err := time.Parse(time.DateOnly, date); err != nil {
			return nil, userErrorf("date must be YYYY-MM-DD, e.g. 2026-11-20")
		}
		subtype, subject := "Call", "Call"
		if a.Type == "email" {
			subtype, subject = "Email", "Email"
		}
		if a.Subject != "" {
			subject = a.Subject
		}
		object = "Task"
		values = map[string]any{"Subject": subject, "TaskSubtype": subtype, "Status": "Completed",
			"Priority": "Normal", "ActivityDate": date, rel: id}
		if a.Description != "" {
			values["Description"] = a.Description
		}
		if a.Type == "call" {
			if a.Direction != "" {
				values["CallType"] = a.Direction
			}
			if a.DurationMinutes > 0 {
				values["CallDurationInSeconds"] = a.DurationMinutes * 60
			}
		}
	case "meeting":
		start, err := parseDateTime(a.Start)
		if err != nil {
			return nil, userErrorf("start is required for a meeting: an ISO 8601 datetime such as 2026-11-20T15:00:00Z")
		}
		d := a.DurationMinutes
		if d == 0 {
			d = 30
		}
		subject := a.Subject
		if subject == "" {
			subject = "Meeting"
		}
		object = "Event"
		values = map[string]any{"Subject": subject, "StartDateTime": start.Format(time.RFC3339),
			"EndDateTime": start.Add(time.Duration(d) * time.Minute).Format(time.RFC3339), rel: id}
		if a.Description != "" {
			values["Description"] = a.Description
		}
	case "note":
		if a.Subject == "" || a.Description == "" {
			return nil, userErrorf("a note needs subject (its title) and description (its body)")
		}
		object = "ContentNote"
		values = map[string]any{"Title": a.Subject, "Content": base64.StdEncoding.EncodeToString([]byte(html.EscapeString(a.Description)))}
	case "":
		return nil, userErrorf("type is required: call, email, meeting or note")
	default:
		return nil, userErrorf("type %q is not one of call, email, meeting, note", a.Type)
	}
	fields := make([]string, 0, len(values))
	for k := range values {
		fields = append(fields, k)
	}
	return &Plan{
		Objects: []string{object},
		Writes:  map[string][]string{object: fields},
		Summary: fmt.Sprintf("Log a %s on %s %s: %s", a.Type, about, id, describeValues(withoutContent(values, a.Description))),
		Run: func(ctx context.Context) (*mcp.CallToolResult, error) {
			newID, err := c.Client.Create(ctx, object, values)
			if err != nil {
				return nil, err
			}
			if object != "ContentNote" {
				return textResult(fmt.Sprintf("logged %s: created %s %s", a.Type, object, newID)), nil
			}
			_, err = c.Client.Create(ctx, "ContentDocumentLink", map[string]any{
				"ContentDocumentId": newID, "LinkedEntityId": id, "ShareType": "V", "Visibility": "AllUsers"})
			if err != nil {
				return ErrorResult(fmt.Sprintf("created note %s but could not attach it to %s %s: %s",
					newID, about, id, salesforce.Explain(err))), nil
			}
			return textResult(fmt.Sprintf("logged note: created ContentNote %s linked to %s %s", newID, about, id)), nil
		},
	}, nil
}

// withoutContent shows a note's body as text in the approval prompt, not base64.
func withoutContent(values map[string]any, body string) map[string]any {
	if _, ok := values["Content"]; !ok {
		return values
	}
	out := map[string]any{"Title": values["Title"], "Body": body}
	return out
}

func parseDateTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05.000-0700", "2006-01-02T15:04:05-0700", "2006-01-02T15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("bad datetime %q", s)
}
