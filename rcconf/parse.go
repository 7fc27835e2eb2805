package rcconf

import (
	"bytes"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"mvdan.cc/sh/v3/syntax"
)

// checkText refuses binary content and invalid UTF-8, naming the line.
func checkText(logical string, data []byte) error {
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return errAt(logical, lineAt(data, i), "binary data (NUL byte) is not a shell script")
	}
	if !utf8.Valid(data) {
		i := 0
		for i < len(data) {
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			i += size
		}
		return errAt(logical, lineAt(data, i), "invalid UTF-8")
	}
	return nil
}

func lineAt(data []byte, i int) syntax.Pos {
	line := 1 + bytes.Count(data[:i], []byte("\n"))
	return syntax.NewPos(uint(i), uint(line), 0)
}

// parse validates src as POSIX sh (refusing bash-only syntax), then parses
// the same bytes as bash for running: the interpreter only implements
// export, readonly and local for the bash variant.
func (ev *evaluator) parse(name string, src []byte) (*syntax.File, error) {
	if _, err := syntax.NewParser(syntax.Variant(syntax.LangPOSIX)).Parse(bytes.NewReader(src), name); err != nil {
		return nil, parseErr(name, err)
	}
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(src), name)
	if err != nil {
		return nil, parseErr(name, err)
	}
	return f, nil
}

// parseErr keeps the parser's "name:line:col: text" on one line.
func parseErr(name string, err error) error {
	msg := oneLineText(err.Error())
	if !strings.HasPrefix(msg, name+":") {
		msg = name + ": " + msg
	}
	return sysexits.New(sysexits.DataErr, errors.New(msg))
}
