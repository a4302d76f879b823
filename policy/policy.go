// Package policy is sfmcp's policy model: which tools run freely, need a person's
// approval or are disabled, narrowed per object; which fields are never read or written;
// and the signed, single-use approval tokens that travel through the MCP client.
//
// The decision rule (Decide): a tool has a level (its default from its access, or
// policy.tools). For a call touching objects O1..On, each object contributes its own
// override for that tool (policy.objects.<Oi>.<tool>) if there is one, else the tool
// level; the call's level is the strictest contribution (disabled > needs_approval >
// always_allow). So an override can relax a tool for one object (Task: {create_record:
// always_allow}) or tighten it (Opportunity: {update_record: disabled}), but a call
// touching a relaxed object and an unrelaxed one gets the stricter level. A call
// touching no object gets the tool level. A tool whose level is disabled is hidden and
// refused whatever the overrides say (New rejects overrides that would contradict it).
package policy

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/sfmcp/sfmcp/config"
)

// Level is what happens when a tool is called.
type Level string

// The levels, from most to least permissive.
const (
	AlwaysAllow   Level = "always_allow"   // runs without asking
	NeedsApproval Level = "needs_approval" // a person approves this exact call first
	Disabled      Level = "disabled"       // hidden and refused
)

var levels = []string{string(AlwaysAllow), string(NeedsApproval), string(Disabled)}

// rank orders levels by strictness; unknown levels rank as disabled (fail closed).
func (l Level) rank() int {
	switch l {
	case AlwaysAllow:
		return 0
	case NeedsApproval:
		return 1
	}
	return 2
}

// Stricter returns the stricter of two levels.
func Stricter(a, b Level) Level {
	if b.rank() > a.rank() {
		return b
	}
	return a
}

// Access is what a tool does to Salesforce data.
type Access string

// The accesses.
const (
	Read   Access = "read"
	Write  Access = "write"
	Delete Access = "delete"
)

// DefaultLevel is a tool's level when the config does not set one:
// read tools always_allow, write and delete tools needs_approval.
func DefaultLevel(a Access) Level {
	if a == Read {
		return AlwaysAllow
	}
	return NeedsApproval
}

// Tool is what the policy needs to know about a tool.
type Tool struct {
	Name   string
	Access Access
}

// Policy is a validated policy. It is immutable and safe for concurrent use.
type Policy struct {
	tools     map[string]Level             // every known tool -> effective level
	objects   map[string]map[string]Level  // lower(object) -> tool -> level
	objName   map[string]string            // lower(object) -> name as written
	deny      map[string]map[string]string // lower(object) -> lower(field) -> "Object.Field" as written
	denyNames map[string]bool              // lower(field) of every denied field
}

var (
	apiNameRE   = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	denyEntryRE = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9_]*)\.([A-Za-z][A-Za-z0-9_]*)$`)
)

// New validates the policy section of the config against the known tools and builds
// the model. Every problem is reported, each naming its key (policy.tools.X, ...).
// Object names are checked for shape only; the server may check them against the org.
func New(cfg config.Policy, tools []Tool) (*Policy, error) {
	p := &Policy{
		tools:     map[string]Level{},
		objects:   map[string]map[string]Level{},
		objName:   map[string]string{},
		deny:      map[string]map[string]string{},
		denyNames: map[string]bool{},
	}
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	for _, t := range tools {
		if _, dup := p.tools[t.Name]; dup {
			return nil, fmt.Errorf("policy: tool %q registered twice", t.Name)
		}
		if t.Access != Read && t.Access != Write && t.Access != Delete {
			return nil, fmt.Errorf("policy: tool %q has unknown access %q", t.Name, t.Access)
		}
		p.tools[t.Name] = DefaultLevel(t.Access)
	}
	names := slices.Sorted(maps.Keys(p.tools))
	unknownTool := func(key, name string) {
		hint := ""
		if s := config.Suggest(name, names); s != "" {
			hint = "did you mean " + s + "? "
		}
		bad(key, "unknown tool; %stools are: %s", hint, strings.Join(names, ", "))
	}
	level := func(key, v string) (Level, bool) {
		if !slices.Contains(levels, v) {
			bad(key, "%q is not a level; use one of %s", v, strings.Join(levels, ", "))
			return "", false
		}
		return Level(v), true
	}

	for _, name := range slices.Sorted(maps.Keys(cfg.Tools)) {
		key := "policy.tools." + name
		if _, ok := p.tools[name]; !ok {
			unknownTool(key, name)
			continue
		}
		if l, ok := level(key, cfg.Tools[name]); ok {
			p.tools[name] = l
		}
	}
	for _, obj := range slices.Sorted(maps.Keys(cfg.Objects)) {
		key := "policy.objects." + obj
		if !apiNameRE.MatchString(obj) {
			bad(key, "%q is not an object API name (letters, digits and _, e.g. Opportunity or Invoice__c)", obj)
			continue
		}
		lo := strings.ToLower(obj)
		if prev, dup := p.objName[lo]; dup {
			bad(key, "same object as policy.objects.%s (API names are case-insensitive); merge them", prev)
			continue
		}
		p.objName[lo] = obj
		p.objects[lo] = map[string]Level{}
		for _, tool := range slices.Sorted(maps.Keys(cfg.Objects[obj])) {
			tkey := key + "." + tool
			tl, known := p.tools[tool]
			if !known {
				unknownTool(tkey, tool)
				continue
			}
			l, ok := level(tkey, cfg.Objects[obj][tool])
			if !ok {
				continue
			}
			if tl == Disabled && l != Disabled {
				bad(tkey, "has no effect: policy.tools.%s is disabled, so the tool is hidden for every object; remove this or enable the tool", tool)
				continue
			}
			p.objects[lo][tool] = l
		}
	}
	for i, entry := range cfg.Fields.Deny {
		m := denyEntryRE.FindStringSubmatch(entry)
		if m == nil {
			bad(fmt.Sprintf("policy.fields.deny[%d]", i), "%q is not Object.Field with API names, e.g. Contact.Birthdate", entry)
			continue
		}
		lo, lf := strings.ToLower(m[1]), strings.ToLower(m[2])
		if p.deny[lo] == nil {
			p.deny[lo] = map[string]string{}
		}
		p.deny[lo][lf] = entry
		p.denyNames[lf] = true
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return p, nil
}

// Decide returns the level of a call of tool touching objects (see the package doc for
// the rule). An unknown tool is Disabled. principal is accepted so per-principal rules
// can be added without changing callers; levels do not depend on it yet.
func (p *Policy) Decide(principal, tool string, objects []string) Level {
	tl, ok := p.tools[tool]
	if !ok || tl == Disabled {
		return Disabled
	}
	if len(objects) == 0 {
		return tl
	}
	out := AlwaysAllow
	for _, o := range objects {
		l := tl
		if ov, ok := p.objects[strings.ToLower(o)][tool]; ok {
			l = ov
		}
		out = Stricter(out, l)
	}
	return out
}

// Visible reports whether the tool is listed and callable at all: it is known and its
// tool level is not disabled. (A per-object disabled refuses only calls on that object.)
func (p *Policy) Visible(tool string) bool {
	l, ok := p.tools[tool]
	return ok && l != Disabled
}

// Levels returns the effective level of every known tool.
func (p *Policy) Levels() map[string]Level {
	return maps.Clone(p.tools)
}

// ObjectOverrides returns the per-object overrides: object (as written in the config)
// -> tool -> level. Objects without overrides are left out.
func (p *Policy) ObjectOverrides() map[string]map[string]Level {
	out := map[string]map[string]Level{}
	for lo, m := range p.objects {
		if len(m) > 0 {
			out[p.objName[lo]] = maps.Clone(m)
		}
	}
	return out
}

// DeniedField reports whether object.field is on the deny list (API names,
// case-insensitive). Denied fields are never returned, never written and refused in
// queries.
func (p *Policy) DeniedField(object, field string) bool {
	_, ok := p.deny[strings.ToLower(object)][strings.ToLower(field)]
	return ok
}

// DeniedFields returns the denied fields of object (field names as written in the
// config, sorted), e.g. to drop them from a describe or a record.
func (p *Policy) DeniedFields(object string) []string {
	var out []string
	for _, entry := range p.deny[strings.ToLower(object)] {
		_, f, _ := strings.Cut(entry, ".")
		out = append(out, f)
	}
	slices.Sort(out)
	return out
}

// HasObjectRules reports whether any object overrides the level of tool, that is
// whether Decide needs every object a call reaches rather than the tool level alone.
func (p *Policy) HasObjectRules(tool string) bool {
	for _, m := range p.objects {
		if _, ok := m[tool]; ok {
			return true
		}
	}
	return false
}
