package apply

import (
	"errors"
	"fmt"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// failure classifies an error of the live path for the exit status. An
// error that already carries a code keeps it: bad input (65), bad
// configuration (78), lock busy (75), a file that cannot be written (73),
// no ifconfig at all (69). Anything else is a command that failed or
// answered something unreadable, which is apply failing (exit 1, as
// the exit-code table of hvnetconf(8) says), not a bug in hvnetconf (70); what names the step.
func failure(what string, err error) error {
	var e *sysexits.Error
	if err == nil || errors.As(err, &e) {
		return err
	}
	return sysexits.New(sysexits.Failure, fmt.Errorf("%s: %w", what, err))
}

// liveStep names the read of the live hn state in messages.
const liveStep = "read the live hn state"
