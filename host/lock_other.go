//go:build !unix

package host

import (
	"time"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// Lock needs flock(2); there is nothing to lock against elsewhere.
func Lock(path string, wait time.Duration) (unlock func() error, err error) {
	return nil, sysexits.Errorf(sysexits.Unavailable, "%s: locking needs a Unix system", path)
}
