package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"go.yaml.in/yaml/v3"

	"github.com/sfmcp/sfmcp/schemas"
)

// Error is a config that cannot be used. Each Issue names the key and the fix.
type Error struct {
	File   string // the config file, "" when parsed from bytes without a source
	Issues []Issue
}

// Issue is one problem in a config file.
type Issue struct {
	Key  string // key path, e.g. "connections[0].client_secret_env"; "" for the whole file
	Line int    // 1-based line in the file, 0 when unknown
	Msg  string
}

// Error lists every issue, one per line, as "FILE:LINE: KEY: MSG".
func (e *Error) Error() string {
	file := e.File
	if file == "" {
		file = "config"
	}
	var b strings.Builder
	for i, is := range e.Issues {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(file)
		if is.Line > 0 {
			fmt.Fprintf(&b, ":%d", is.Line)
		}
		b.WriteString(": ")
		if is.Key != "" {
			b.WriteString(is.Key)
			b.WriteString(": ")
		}
		b.WriteString(is.Msg)
	}
	return b.String()
}

// document is the YAML file as JSON-compatible values plus the line of every key path.
type document struct {
	root  *yaml.Node // the top-level mapping, nil for an empty file
	value any
	lines map[string]int
	nodes int
}

func decodeYAML(data []byte) (*document, error) {
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		return nil, err
	}
	d := &document{lines: map[string]int{}, value: map[string]any{}}
	if n.Kind == 0 || len(n.Content) == 0 {
		return d, nil
	}
	root := n.Content[0]
	if root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
		return d, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("yaml: line %d: the config must be a mapping of keys (connections:, policy:, ...)", root.Line)
	}
	v, err := d.convert(root, "")
	if err != nil {
		return nil, err
	}
	d.root, d.value = root, v
	return d, nil
}

// maxNodes bounds the document after alias expansion (a "billion laughs" file).
const maxNodes = 100000

// convert turns a node into the values jsonschema validates, recording key lines.
func (d *document) convert(n *yaml.Node, path string) (any, error) {
	d.nodes++
	if d.nodes > maxNodes {
		return nil, fmt.Errorf("yaml: line %d: document too large (more than %d values after expanding aliases)", n.Line, maxNodes)
	}
	d.lines[path] = n.Line
	switch n.Kind {
	case yaml.AliasNode:
		return d.convert(n.Alias, path)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			key := k.Value
			p := joinKey(path, key)
			if _, dup := m[key]; dup {
				return nil, fmt.Errorf("yaml: line %d: %s: duplicate key (first at line %d)", k.Line, p, d.lines[p])
			}
			cv, err := d.convert(v, p)
			if err != nil {
				return nil, err
			}
			m[key] = cv
			d.lines[p] = k.Line
		}
		return m, nil
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for i, c := range n.Content {
			cv, err := d.convert(c, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			s = append(s, cv)
		}
		return s, nil
	}
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		err := n.Decode(&b)
		return b, err
	case "!!int":
		var i int64
		if err := n.Decode(&i); err != nil {
			return nil, err
		}
		return json.Number(strconv.FormatInt(i, 10)), nil
	case "!!float":
		var f float64
		err := n.Decode(&f)
		return f, err
	}
	return n.Value, nil
}

func joinKey(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

var compiled = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemas.ConfigSchema))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("config.schema.json", doc); err != nil {
		return nil, err
	}
	return c.Compile("config.schema.json")
})

// schemaDoc is the raw schema, to look up known keys and descriptions for messages.
var schemaDoc = sync.OnceValue(func() map[string]any {
	var m map[string]any
	_ = json.Unmarshal(schemas.ConfigSchema, &m) // validity is proven by compiled()
	return m
})

func validateSchema(d *document) []Issue {
	sch, err := compiled()
	if err != nil {
		return []Issue{{Msg: "internal error: config schema: " + err.Error()}}
	}
	err = sch.Validate(d.value)
	if err == nil {
		return nil
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return []Issue{{Msg: err.Error()}}
	}
	var issues []Issue
	collect(ve, d, &issues)
	slices.SortStableFunc(issues, func(a, b Issue) int { return a.Line - b.Line })
	return slices.CompactFunc(issues, func(a, b Issue) bool { return a == b })
}

func collect(e *jsonschema.ValidationError, d *document, out *[]Issue) {
	if k, ok := e.ErrorKind.(*kind.PropertyNames); ok {
		p := d.findKey(k.Property, len(e.InstanceLocation)+1, *out)
		*out = append(*out, Issue{Key: p, Line: d.lines[p], Msg: propertyNameMsg(e)})
		return
	}
	if len(e.Causes) > 0 {
		for _, c := range e.Causes {
			collect(c, d, out)
		}
		return
	}
	path := keyPath(e.InstanceLocation)
	issue := func(key, msg string) {
		*out = append(*out, Issue{Key: key, Line: d.lines[key], Msg: msg})
	}
	node := schemaNode(e.SchemaURL)
	switch k := e.ErrorKind.(type) {
	case *kind.AdditionalProperties:
		known := propertyNames(node)
		for _, p := range k.Properties {
			msg := "unknown key"
			if s := Suggest(p, known); s != "" {
				msg += "; did you mean " + s + "?"
			} else if len(known) > 0 {
				msg += "; known keys: " + strings.Join(known, ", ")
			}
			issue(joinKey(path, p), msg)
		}
	case *kind.Required:
		for _, p := range k.Missing {
			issue(path, fmt.Sprintf("missing required key %s%s", p, describe(prop(node, p))))
		}
	case *kind.Enum:
		var want []string
		for _, w := range k.Want {
			want = append(want, fmt.Sprint(w))
		}
		msg := fmt.Sprintf("%s is not allowed; use one of %s", display(k.Got), strings.Join(want, ", "))
		if s := Suggest(fmt.Sprint(k.Got), want); s != "" {
			msg = fmt.Sprintf("%s is not allowed; did you mean %s? (one of %s)", display(k.Got), s, strings.Join(want, ", "))
		}
		issue(path, msg)
	case *kind.Type:
		var want []string
		for _, w := range k.Want {
			want = append(want, typeName(w))
		}
		issue(path, fmt.Sprintf("must be %s, not %s%s", strings.Join(want, " or "), typeName(k.Got), describe(node)))
	case *kind.Pattern:
		issue(path, fmt.Sprintf("%q is not valid%s", k.Got, describeOr(node, "must match "+k.Want)))
	case *kind.Minimum:
		issue(path, fmt.Sprintf("%s is too small; the minimum is %s", ratString(k.Got), ratString(k.Want)))
	case *kind.Maximum:
		issue(path, fmt.Sprintf("%s is too large; the maximum is %s", ratString(k.Got), ratString(k.Want)))
	case *kind.MinLength:
		issue(path, "must not be empty")
	default:
		issue(path, e.Error())
	}
}

// findKey finds the path of a key with that name at that depth not yet reported.
// jsonschema v6.0.3 reports propertyNames errors with an aliased (clobbered) instance
// location whose length alone is right, so the path is recovered from the document.
func (d *document) findKey(name string, depth int, reported []Issue) string {
	var cands []string
	for p := range d.lines {
		if strings.HasSuffix(p, "."+name) && strings.Count(p, ".")+strings.Count(p, "[") == depth-1 {
			cands = append(cands, p)
		}
	}
	slices.Sort(cands)
	for _, c := range cands {
		if !slices.ContainsFunc(reported, func(is Issue) bool { return is.Key == c }) {
			return c
		}
	}
	return name
}

func propertyNameMsg(e *jsonschema.ValidationError) string {
	k := e.ErrorKind.(*kind.PropertyNames)
	for _, c := range e.Causes {
		if p, ok := c.ErrorKind.(*kind.Pattern); ok {
			return fmt.Sprintf("%q is not a valid name here; names must match %s", k.Property, p.Want)
		}
	}
	return fmt.Sprintf("%q is not a valid name here", k.Property)
}

// keyPath renders a JSON instance location as connections[0].client_id.
func keyPath(loc []string) string {
	var b strings.Builder
	for _, s := range loc {
		if _, err := strconv.Atoi(s); err == nil {
			b.WriteString("[" + s + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	return b.String()
}

// schemaNode finds the schema object at a schema location "...#/$defs/connection".
func schemaNode(url string) map[string]any {
	_, frag, _ := strings.Cut(url, "#")
	var cur any = schemaDoc()
	for _, tok := range strings.Split(strings.TrimPrefix(frag, "/"), "/") {
		if tok == "" {
			continue
		}
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch v := cur.(type) {
		case map[string]any:
			cur = v[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(v) {
				return nil
			}
			cur = v[i]
		default:
			return nil
		}
	}
	if m, ok := cur.(map[string]any); ok {
		if ref, ok := m["$ref"].(string); ok {
			return schemaNode(ref)
		}
		return m
	}
	return nil
}

func propertyNames(node map[string]any) []string {
	props, _ := node["properties"].(map[string]any)
	var names []string
	for k := range props {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

func prop(node map[string]any, name string) map[string]any {
	props, _ := node["properties"].(map[string]any)
	m, _ := props[name].(map[string]any)
	if ref, ok := m["$ref"].(string); ok {
		return schemaNode(ref)
	}
	return m
}

var sentenceEnd = regexp.MustCompile(`\.\s+[A-Z]`)

// describe returns " (first sentence of the key's description)" or "".
func describe(node map[string]any) string {
	return describeOr(node, "")
}

func describeOr(node map[string]any, fallback string) string {
	d, _ := node["description"].(string)
	if d == "" {
		d = fallback
	}
	if d == "" {
		return ""
	}
	if loc := sentenceEnd.FindStringIndex(d); loc != nil {
		d = d[:loc[0]]
	}
	return " (" + strings.TrimSuffix(d, ".") + ")"
}

func typeName(t string) string {
	switch t {
	case "object":
		return "a mapping"
	case "array":
		return "a list"
	case "string":
		return "a string"
	case "integer":
		return "a whole number"
	case "number":
		return "a number"
	case "boolean":
		return "true or false"
	case "null":
		return "empty"
	}
	return t
}

func display(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprint(v)
}

func ratString(r *big.Rat) string {
	if r == nil {
		return "?"
	}
	if r.IsInt() {
		return r.Num().String()
	}
	return r.FloatString(2)
}

// Suggest returns the candidate closest to s by edit distance (case-insensitive), or ""
// when none is close enough; for "did you mean" hints on names from the config.
func Suggest(s string, candidates []string) string {
	best, bestD := "", -1
	ls := strings.ToLower(s)
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := editDistance(ls, lc)
		if len(lc) > len(ls) { // a mistyped prefix: client_secert -> client_secret_env
			d = min(d, editDistance(ls, lc[:len(ls)])+1)
		}
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	if bestD < 0 || bestD > max(2, len(s)/3) {
		return ""
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
