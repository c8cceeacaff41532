package sanitize

import (
	"strings"
	"sync"

	"github.com/tdewolff/parse/v2"
	"github.com/tdewolff/parse/v2/css"
)

// pseudoClasses are the pseudo-classes a kept selector may use.
var pseudoClasses = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		"hover": true, "link": true, "visited": true, "active": true,
		"first-child": true, "last-child": true, "only-child": true,
		"first-of-type": true, "last-of-type": true, "empty": true, "root": true,
	}
})

// stylesheet sanitizes the text of <style> elements: rules with simple
// selectors, scoped under the wrapper, with allowed declarations; @media
// blocks of such rules; nothing else.
func (s *sanitizer) stylesheet(src string) string {
	p := css.NewParser(parse.NewInputString(src), false)
	var (
		out, media, decls strings.Builder
		skip              int    // depth inside a block being dropped
		inMedia, inRule   bool   // inside a kept @media block, a kept rule
		prelude, sel      string // the kept media query, the scoped selector
	)
	for {
		gt, _, data := p.Next()
		if gt == css.ErrorGrammar {
			if p.HasParseError() {
				continue
			}
			break
		}
		if skip > 0 {
			switch gt {
			case css.BeginAtRuleGrammar, css.BeginRulesetGrammar:
				skip++
			case css.EndAtRuleGrammar, css.EndRulesetGrammar:
				skip--
			case css.DeclarationGrammar, css.AtRuleGrammar:
				s.countCSSURLs(p.Values())
			}
			continue
		}
		switch gt {
		case css.BeginRulesetGrammar:
			if inRule {
				skip = 1 // nested rule
				continue
			}
			sel = s.selectors(p.Values())
			if sel == "" {
				skip = 1
				continue
			}
			inRule = true
			decls.Reset()
		case css.DeclarationGrammar:
			if inRule {
				s.declaration(&decls, string(data), p.Values())
			}
		case css.EndRulesetGrammar:
			if inRule && decls.Len() > 0 {
				w := &out
				if inMedia {
					w = &media
				}
				w.WriteString(sel + "{" + decls.String() + "}")
			}
			inRule = false
		case css.BeginAtRuleGrammar:
			q, ok := mediaQuery(p.Values())
			if strings.ToLower(string(data)) != "@media" || inMedia || inRule || !ok {
				s.countCSSURLs(p.Values())
				skip = 1
				continue
			}
			inMedia, prelude = true, q
			media.Reset()
		case css.EndAtRuleGrammar:
			if inMedia && media.Len() > 0 {
				out.WriteString("@media " + prelude + "{" + media.String() + "}")
			}
			inMedia = false
		case css.AtRuleGrammar: // @import, @charset, @namespace: dropped
			s.countCSSURLs(p.Values())
			if strings.EqualFold(string(data), "@import") {
				for _, t := range p.Values() {
					if t.TokenType == css.StringToken && len(t.Data) >= 2 {
						s.countIfRemote(unescapeCSS(string(t.Data[1 : len(t.Data)-1])))
					}
				}
			}
		}
	}
	return out.String()
}

// mediaQuery serializes a media query made of identifiers, numbers,
// colons, commas and balanced parentheses.
func mediaQuery(vals []css.Token) (string, bool) {
	var b strings.Builder
	level := 0
	for _, t := range vals {
		d := string(t.Data)
		switch t.TokenType {
		case css.WhitespaceToken:
			b.WriteByte(' ')
		case css.IdentToken:
			if !plainIdent(d) {
				return "", false
			}
			b.WriteString(strings.ToLower(d))
		case css.NumberToken, css.DimensionToken:
			if !plainNumber(d) {
				return "", false
			}
			b.WriteString(strings.ToLower(d))
		case css.ColonToken, css.CommaToken:
			b.WriteString(d)
		case css.LeftParenthesisToken:
			level++
			b.WriteByte('(')
		case css.RightParenthesisToken:
			if level == 0 {
				return "", false
			}
			level--
			b.WriteByte(')')
		default:
			return "", false
		}
	}
	q := strings.TrimSpace(b.String())
	return q, level == 0 && q != ""
}

// selectors scopes a selector list; selectors that cannot be scoped are
// left out, and "" means none was kept.
func (s *sanitizer) selectors(vals []css.Token) string {
	var kept []string
	start := 0
	for i := 0; i <= len(vals); i++ {
		if i < len(vals) && vals[i].TokenType != css.CommaToken {
			continue
		}
		if sel, ok := scopeSelector(vals[start:i]); ok {
			kept = append(kept, sel)
		}
		start = i + 1
	}
	return strings.Join(kept, ",")
}

// compound is one compound selector (tag, classes, id, pseudo-classes)
// with the combinator that precedes it.
type compound struct {
	comb    string // "" for the first, else " ", ">", "+" or "~"
	text    string
	typ     string // the type selector, lower case
	classes []string
}

// isScope reports whether c stands for the mail's root: html, body,
// :root, or the wrapper class itself (so that output sanitizes to
// itself).
func (c compound) isScope() bool {
	switch c.text {
	case "html", "body", ":root", "." + ScopeClass:
		return true
	}
	return false
}

// scopeSelector rewrites one complex selector to apply inside the
// wrapper only. Leading html/body compounds become the wrapper itself;
// sibling combinators may not follow them (they would reach outside).
func scopeSelector(toks []css.Token) (string, bool) {
	cs, ok := parseSelector(toks)
	if !ok || len(cs) == 0 {
		return "", false
	}
	i := 0
	for i < len(cs) && cs[i].isScope() {
		i++
	}
	var b strings.Builder
	b.WriteString("." + ScopeClass)
	for j, c := range cs[i:] {
		if c.typ == "html" || c.typ == "body" {
			return "", false
		}
		for _, cl := range c.classes {
			if strings.HasPrefix(strings.ToLower(cl), "postern-") {
				return "", false // our own marks (postern-phish) stay ours
			}
		}
		comb := c.comb
		if j == 0 {
			if i == 0 {
				comb = " "
			} else if comb != " " && comb != ">" {
				return "", false
			}
		}
		b.WriteString(comb)
		b.WriteString(c.text)
	}
	return b.String(), true
}

// parseSelector splits a complex selector into compounds. Attribute
// selectors, pseudo-elements, functional pseudo-classes, namespaces and
// escapes are not supported: the selector is rejected.
func parseSelector(toks []css.Token) ([]compound, bool) {
	var (
		cs   []compound
		cur  compound
		comb string
		b    strings.Builder
	)
	flush := func() {
		if b.Len() == 0 {
			return
		}
		cur.text = b.String()
		if len(cs) > 0 {
			cur.comb = comb
		}
		cs = append(cs, cur)
		cur, comb = compound{}, ""
		b.Reset()
	}
	for i := 0; i < len(toks); i++ {
		t, d := toks[i], string(toks[i].Data)
		switch {
		case t.TokenType == css.WhitespaceToken:
			if b.Len() > 0 {
				flush()
				comb = " "
			}
		case t.TokenType == css.DelimToken && (d == ">" || d == "+" || d == "~"):
			flush()
			if len(cs) == 0 {
				return nil, false
			}
			comb = d
		case t.TokenType == css.IdentToken && b.Len() == 0 && plainIdent(d):
			cur.typ = strings.ToLower(d)
			b.WriteString(cur.typ)
		case t.TokenType == css.DelimToken && d == "*" && b.Len() == 0:
			b.WriteByte('*')
		case t.TokenType == css.DelimToken && d == "." && i+1 < len(toks) &&
			toks[i+1].TokenType == css.IdentToken && plainIdent(string(toks[i+1].Data)):
			i++
			cur.classes = append(cur.classes, string(toks[i].Data))
			b.WriteString("." + string(toks[i].Data))
		case t.TokenType == css.HashToken && len(d) > 1 && plainIdent(d[1:]):
			b.WriteString(d)
		case t.TokenType == css.ColonToken && i+1 < len(toks) &&
			toks[i+1].TokenType == css.IdentToken && pseudoClasses()[strings.ToLower(string(toks[i+1].Data))]:
			i++
			b.WriteString(":" + strings.ToLower(string(toks[i].Data)))
		default:
			return nil, false
		}
	}
	flush()
	if comb != "" && comb != " " {
		return nil, false // dangling combinator
	}
	return cs, true
}
