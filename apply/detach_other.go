//go:build !unix

package apply

import "github.com/hvnetconf/hvnetconf/internal/sysexits"

// Detach needs Unix sessions.
func Detach(args ...string) error {
	return sysexits.Errorf(sysexits.Unavailable, "detach: needs a Unix system")
}
