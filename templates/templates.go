// Package templates holds every file hvnetconf renders, as text/template
// sources embedded in the binary. The templates only lay out data that the
// render package has already decided and quoted; they make no decisions.
package templates

import (
	"embed"
	"strings"
	"text/template"
)

//go:embed *.tmpl
var files embed.FS

// Parse returns the template set with funcs bound (render supplies the
// quoting function so that the only sh quoting lives in rcconf).
func Parse(funcs template.FuncMap) (*template.Template, error) {
	base := template.FuncMap{"comment": Comment}
	for k, v := range funcs {
		base[k] = v
	}
	return template.New("").Funcs(base).ParseFS(files, "*.tmpl")
}

// Comment makes text safe to put after "# " on one line: anything that could
// end the comment (a newline) or confuse a terminal is escaped, because
// comment text can come from rc.conf content and file names.
func Comment(text string) string {
	var b strings.Builder
	for _, r := range text {
		switch {
		case r == '\t' || r >= 0x20 && r != 0x7f && r != 0xfffd:
			b.WriteRune(r)
		default:
			b.WriteString("?")
		}
	}
	return b.String()
}
