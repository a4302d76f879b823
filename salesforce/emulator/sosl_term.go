package emulator

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// SOSL search terms: words (with * and ? wildcards), "quoted phrases", AND, OR, AND NOT,
// NOT and parentheses; adjacent terms mean AND. A backslash makes the next character
// literal. Matching is case-insensitive on word tokens; CJK text matches by substring.

type termNode struct {
	op    string // "AND", "OR", "NOT", "TERM"
	kids  []*termNode
	words []string // TERM: one word or a phrase, lower case, may hold * and ?
}

type termTok struct {
	text   string
	quoted bool
	punct  byte // '(' or ')'
}

// lexTerm splits the raw term into tokens, resolving backslash escapes. A literal * or ?
// (escaped) is kept as a plain character by marking it with a private-use rune.
func lexTerm(raw string) []termTok {
	var toks []termTok
	var cur strings.Builder
	quoted, inQuote := false, false
	flush := func() {
		if cur.Len() > 0 || quoted {
			toks = append(toks, termTok{text: cur.String(), quoted: quoted})
		}
		cur.Reset()
		quoted = false
	}
	for i := 0; i < len(raw); {
		r, n := utf8.DecodeRuneInString(raw[i:])
		switch {
		case r == '\\' && i+n < len(raw):
			e, m := utf8.DecodeRuneInString(raw[i+n:])
			if e == '*' || e == '?' {
				e += 0xE000 // literal wildcard character
			}
			cur.WriteRune(e)
			i += n + m
			continue
		case r == '"':
			if inQuote {
				quoted = true
				flush()
			} else {
				flush()
			}
			inQuote = !inQuote
		case inQuote:
			cur.WriteRune(r)
		case unicode.IsSpace(r):
			flush()
		case r == '(' || r == ')':
			flush()
			toks = append(toks, termTok{punct: byte(r)})
		default:
			cur.WriteRune(r)
		}
		i += n
	}
	flush()
	return toks
}

type termParser struct {
	toks []termTok
	i    int
}

func (p *termParser) peekOp() string {
	if p.i < len(p.toks) && !p.toks[p.i].quoted && p.toks[p.i].punct == 0 {
		switch u := strings.ToUpper(p.toks[p.i].text); u {
		case "AND", "OR", "NOT":
			return u
		}
	}
	return ""
}

func (p *termParser) or() *termNode {
	n := &termNode{op: "OR", kids: []*termNode{p.and()}}
	for p.peekOp() == "OR" {
		p.i++
		n.kids = append(n.kids, p.and())
	}
	return n
}

func (p *termParser) and() *termNode {
	n := &termNode{op: "AND", kids: []*termNode{p.unary()}}
	for p.i < len(p.toks) && p.toks[p.i].punct != ')' && p.peekOp() != "OR" {
		if p.peekOp() == "AND" {
			p.i++
		}
		n.kids = append(n.kids, p.unary())
	}
	return n
}

func (p *termParser) unary() *termNode {
	if p.peekOp() == "NOT" {
		p.i++
		return &termNode{op: "NOT", kids: []*termNode{p.unary()}}
	}
	if p.i >= len(p.toks) {
		return &termNode{op: "AND"} // empty: matches everything
	}
	t := p.toks[p.i]
	p.i++
	if t.punct == '(' {
		n := p.or()
		if p.i < len(p.toks) && p.toks[p.i].punct == ')' {
			p.i++
		}
		return n
	}
	if t.punct == ')' {
		return &termNode{op: "AND"}
	}
	return &termNode{op: "TERM", words: tokenize(t.text, true)}
}

// tokenize splits text into lower-case word tokens. With wild, * and ? stay in words.
func tokenize(s string, wild bool) []string {
	var out []string
	st := -1
	lower := strings.ToLower(s)
	for i, r := range lower {
		word := unicode.IsLetter(r) || unicode.IsDigit(r) || r >= 0xE000 && r < 0xF900 ||
			(wild && (r == '*' || r == '?')) || (r == '\'' && st >= 0)
		if word && st < 0 {
			st = i
		} else if !word && st >= 0 {
			out = append(out, lower[st:i])
			st = -1
		}
	}
	if st >= 0 {
		out = append(out, lower[st:])
	}
	return out
}

// compileSearchTerm validates and compiles the FIND term.
func compileSearchTerm(raw string) (func(*record, []*fieldDef) bool, *apiError) {
	toks := lexTerm(raw)
	letters := 0
	for _, t := range toks {
		for _, r := range t.text {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				letters++
			}
		}
	}
	if letters < 2 {
		return nil, &apiError{Status: 400, Code: "INVALID_SEARCH",
			Message: "search term must be longer than one character: " + strings.TrimSpace(raw)}
	}
	tp := &termParser{toks: toks}
	root := tp.or()
	return func(r *record, fields []*fieldDef) bool {
		var docs [][]string
		var texts []string
		for _, f := range fields {
			if s, ok := r.vals[f.idx].(string); ok {
				docs = append(docs, tokenize(s, false))
				texts = append(texts, strings.ToLower(s))
			}
		}
		return root.eval(docs, texts)
	}, nil
}

func (n *termNode) eval(docs [][]string, texts []string) bool {
	switch n.op {
	case "AND":
		for _, k := range n.kids {
			if !k.eval(docs, texts) {
				return false
			}
		}
		return true
	case "OR":
		for _, k := range n.kids {
			if k.eval(docs, texts) {
				return true
			}
		}
		return false
	case "NOT":
		return !n.kids[0].eval(docs, texts)
	}
	if len(n.words) == 0 {
		return true
	}
	for i, d := range docs {
		if phraseIn(d, n.words) || cjkIn(texts[i], n.words) {
			return true
		}
	}
	return false
}

func phraseIn(doc, words []string) bool {
	for i := 0; i+len(words) <= len(doc); i++ {
		ok := true
		for j, w := range words {
			if !wordMatch(w, doc[i+j]) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// wordMatch matches a term word (with * and ?) against a token.
func wordMatch(w, tok string) bool {
	if !strings.ContainsAny(w, "*?") {
		return w == restoreLiteral(tok) || restoreLiteral(w) == tok
	}
	pat := restoreLiteral(strings.NewReplacer("%", `\%`, "_", `\_`, "*", "%", "?", "_").Replace(w))
	return compileLike(pat).match(tok)
}

// restoreLiteral turns escaped wildcard markers back into * and ?.
func restoreLiteral(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '*'+0xE000 || r == '?'+0xE000 {
			return r - 0xE000
		}
		return r
	}, s)
}

// cjkIn matches words containing CJK characters by substring (no word breaks there).
func cjkIn(text string, words []string) bool {
	for _, w := range words {
		cjk := false
		for _, r := range w {
			if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
				cjk = true
			}
		}
		if !cjk || !strings.Contains(text, w) {
			return false
		}
	}
	return len(words) > 0
}
