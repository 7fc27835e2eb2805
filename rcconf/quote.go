package rcconf

import "strings"

// dqEscaper escapes the four characters that stay special inside double
// quotes in sh: $ ` " and \ (a backslash-newline would otherwise vanish as
// a line continuation). Everything else, newlines included, is literal.
var dqEscaper = strings.NewReplacer(`\`, `\\`, `$`, `\$`, "`", "\\`", `"`, `\"`)

// Quote returns a double-quoted sh word that /bin/sh reads back as exactly
// value, for any bytes but NUL (which no sh variable can hold).
func Quote(value string) string {
	return `"` + dqEscaper.Replace(value) + `"`
}

// Assignment returns NAME="value" with value quoted by Quote.
func Assignment(name, value string) string {
	return name + "=" + Quote(value)
}
