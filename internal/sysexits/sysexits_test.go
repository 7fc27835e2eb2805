package sysexits

import (
	"errors"
	"testing"
)

// Failed gives an unclassified error exit 1 and names what failed; a
// classified one, and nil, pass unchanged.
func TestFailed(t *testing.T) {
	if Failed("x", nil) != nil {
		t.Error("nil is not nil")
	}
	err := Failed("ifconfig lagg0", errors.New("exit status 1"))
	if Code(err) != Failure || err.Error() != "ifconfig lagg0: exit status 1" {
		t.Errorf("got %q exit %d, want exit 1 naming the command", err, Code(err))
	}
	coded := Errorf(TempFail, "lock busy")
	if got := Failed("x", coded); got != coded {
		t.Errorf("a coded error was changed: %v", got)
	}
}
