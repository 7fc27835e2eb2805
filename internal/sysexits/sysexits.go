// Package sysexits holds the exit codes of sysexits(3) and an error type
// that carries one, so that every layer can say how the process should end
// without knowing about os.Exit.
package sysexits

import (
	"errors"
	"fmt"
)

// Exit codes from sysexits(3), plus the two plain ones hvnetconf uses.
const (
	OK          = 0
	Failure     = 1  // a check failed, a change is pending, a verification was rolled back
	Usage       = 64 // EX_USAGE: bad command line
	DataErr     = 65 // EX_DATAERR: bad rc.conf, snapshot or interface name
	NoInput     = 66 // EX_NOINPUT: a named input file does not exist
	Unavailable = 69 // EX_UNAVAILABLE: live access on a system that has none
	Software    = 70 // EX_SOFTWARE: an internal error
	CantCreate  = 73 // EX_CANTCREAT: a target file cannot be written (conflict)
	IOErr       = 74 // EX_IOERR
	TempFail    = 75 // EX_TEMPFAIL: lock busy
	Config      = 78 // EX_CONFIG: bad hvnetconf.toml
)

// Error is an error with the exit code the process should end with.
type Error struct {
	Code int
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// New wraps err with an exit code; a nil err stays nil.
func New(code int, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Code: code, Err: err}
}

// Errorf formats an error carrying an exit code.
func Errorf(code int, format string, args ...any) error {
	return &Error{Code: code, Err: fmt.Errorf(format, args...)}
}

// Code returns the exit code carried by err: 0 for nil, the outermost
// Error's code when there is one (errors.As finds the first in the chain,
// so a caller may re-classify an error by wrapping it), else Software (an error nobody classified
// is a bug in hvnetconf, not in the user's input).
func Code(err error) int {
	if err == nil {
		return OK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Software
}

// Failed names what failed in an error that carries no exit code of its
// own: a command that failed or answered something unreadable on the live
// path, which is the run failing (exit Failure, 1, as hvnetconf(8)'s
// exit-code table says), not a bug in hvnetconf (70). An error that already
// carries a code keeps it, unchanged: bad input (65), bad configuration
// (78), lock busy (75), a file that cannot be written (73), no ifconfig at
// all (69).
func Failed(what string, err error) error {
	var e *Error
	if err == nil || errors.As(err, &e) {
		return err
	}
	return New(Failure, fmt.Errorf("%s: %w", what, err))
}
