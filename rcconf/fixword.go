package rcconf

import (
	"strings"
	"unicode/utf8"

	"mvdan.cc/sh/v3/syntax"
)

// fixWords applies fixWord to every word of f but here-document bodies
// (fixWord's rules are those of words, not of here-document text). The
// walk stops at each word: fixWord itself handles the words inside it.
func fixWords(f *syntax.File) {
	hdocs := map[*syntax.Word]bool{}
	for n := range preorder(f) {
		if r, ok := n.(*syntax.Redirect); ok && r.Hdoc != nil {
			hdocs[r.Hdoc] = true
		}
	}
	walk(f, func(n syntax.Node) bool {
		if w, ok := n.(*syntax.Word); ok {
			if !hdocs[w] {
				fixWord(w)
			}
			return false
		}
		return true
	})
}

// fixWord rewrites the unquoted literal parts of a word (and of the words
// inside its unquoted ${...}) into an equivalent form the interpreter
// evaluates like FreeBSD's sh:
//   - a backslash-escaped character becomes a single-quoted one: mvdan's
//     interpreter keeps the backslashes of an unquoted assignment value
//     (v=a\ b gives "a\ b", sh gives "a b");
//   - a backslash-newline (line continuation) disappears;
//   - every { becomes '{': the interpreter does bash's brace expansion
//     ({a,b} -> a b), sh keeps the braces.
func fixWord(w *syntax.Word) {
	w.Parts = fixParts(w.Parts, false)
}

// fixParts fixes literals at one quoting level; dq says the parts sit in
// a ${...} inside double quotes, where a backslash only escapes $ ` " \
// and newline (mvdan keeps the backslash there too).
func fixParts(in []syntax.WordPart, dq bool) []syntax.WordPart {
	var parts []syntax.WordPart
	for _, p := range in {
		switch p := p.(type) {
		case *syntax.Lit:
			parts = append(parts, splitLit(p, dq)...)
			continue
		case *syntax.ParamExp:
			if p.Exp != nil && p.Exp.Word != nil {
				p.Exp.Word.Parts = fixParts(p.Exp.Word.Parts, dq)
			}
		case *syntax.DblQuoted:
			for _, q := range p.Parts {
				if pe, ok := q.(*syntax.ParamExp); ok && pe.Exp != nil && pe.Exp.Word != nil {
					pe.Exp.Word.Parts = fixParts(pe.Exp.Word.Parts, true)
				}
			}
		}
		parts = append(parts, p)
	}
	return parts
}

// splitLit turns an unquoted literal into literal and single-quoted pieces.
func splitLit(lit *syntax.Lit, dq bool) []syntax.WordPart {
	s := lit.Value
	if !strings.ContainsAny(s, "\\{") {
		return []syntax.WordPart{lit}
	}
	var out []syntax.WordPart
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, &syntax.Lit{ValuePos: lit.ValuePos, ValueEnd: lit.ValueEnd, Value: cur.String()})
			cur.Reset()
		}
	}
	quote := func(v string) {
		flush()
		out = append(out, &syntax.SglQuoted{Left: lit.ValuePos, Right: lit.ValuePos, Value: v})
	}
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '{' && !dq:
			quote("{")
		case s[i] == '\\' && i+1 < len(s) && s[i+1] == '\n':
			i++
		case s[i] == '\\' && i+1 < len(s) && dq && !strings.ContainsRune("$`\"\\", rune(s[i+1])):
			cur.WriteByte(s[i]) // a plain backslash inside double quotes
		case s[i] == '\\' && i+1 < len(s):
			_, size := utf8.DecodeRuneInString(s[i+1:])
			quote(s[i+1 : i+1+size])
			i += size
		default:
			cur.WriteByte(s[i])
		}
	}
	flush()
	return out
}
