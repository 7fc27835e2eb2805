package apply

import (
	"os"
	"path/filepath"
	"time"

	"github.com/hvnetconf/hvnetconf/host"
	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// LockWait bounds how long apply and the devd handlers wait for another
// hvnetconf to finish: an apply takes about a second; a handler queued
// behind it must still end well before devd's patience does.
const LockWait = 30 * time.Second

// Lock takes the host lock under root (host.LockFile, /var/run/hvnetconf.lock
// on a live system). It protects both the files under the root and the
// runtime: apply, vf-attach and vf-up never interleave. Busy after wait:
// exit 75.
func Lock(root string, wait time.Duration) (unlock func() error, err error) {
	path := filepath.Join(root, filepath.FromSlash(host.LockFile))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, sysexits.New(sysexits.CantCreate, err)
	}
	return host.Lock(path, wait)
}
