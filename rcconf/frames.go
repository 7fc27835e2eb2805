package rcconf

import (
	"fmt"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"github.com/hvnetconf/hvnetconf/internal/termsafe"
	"mvdan.cc/sh/v3/syntax"
)

// frame is a file being run and the top-level statement running in it.
type frame struct {
	file string
	pos  syntax.Pos
}

// frames is the stack of files being run, innermost last: a file that
// runs ". FILE" (rc.subr's load_rc_config, defaults/rc.conf's
// source_rc_confs) waits below the file it reads. Messages about what
// happens while running point at the innermost statement.
type frames []frame

// push enters a file; the caller moves the returned frame's pos from
// statement to statement.
func (s *frames) push(file string, pos syntax.Pos) *frame {
	*s = append(*s, frame{file: file, pos: pos})
	return &(*s)[len(*s)-1]
}

// pop leaves the innermost file.
func (s *frames) pop() { *s = (*s)[:len(*s)-1] }

// where is the innermost statement running, for messages.
func (s frames) where() (string, syntax.Pos) {
	if len(s) == 0 {
		return "(load_rc_config)", syntax.Pos{}
	}
	top := s[len(s)-1]
	return top.file, top.pos
}

// errorf is errAt at the innermost running statement.
func (s frames) errorf(format string, args ...any) error {
	file, pos := s.where()
	return errAt(file, pos, format, args...)
}

// errAt formats "FILE:LINE:COL: msg" (or FILE:LINE: without a column).
func errAt(file string, pos syntax.Pos, format string, args ...any) error {
	// User text (a path, a redirection target) may hold newlines; an
	// error is one line.
	msg := termsafe.Line(fmt.Sprintf(format, args...))
	file = termsafe.Path(file)
	switch {
	case pos.Line() > 0 && pos.Col() > 0:
		return sysexits.Errorf(sysexits.DataErr, "%s:%d:%d: %s", file, pos.Line(), pos.Col(), msg)
	case pos.Line() > 0:
		return sysexits.Errorf(sysexits.DataErr, "%s:%d: %s", file, pos.Line(), msg)
	}
	return sysexits.Errorf(sysexits.DataErr, "%s: %s", file, msg)
}
