//go:build linux

package fakebsd

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// scratchMin is the room a scratch file system must have: the built
// programs (a few tens of MB) and the roots of the machines running at
// once (a few MB each), with a wide margin. A container's 64 MB /dev/shm
// is too small, and TMPDIR is used then; so is a /dev/shm mounted noexec
// (the sandbox runs the programs from its root) or nodev (its init makes
// the root's /dev/null there).
const scratchMin = 1 << 30

var scratch = sync.OnceValue(func() string {
	var fs unix.Statfs_t
	if unix.Statfs("/dev/shm", &fs) != nil || fs.Type != unix.TMPFS_MAGIC ||
		fs.Flags&(unix.ST_NOEXEC|unix.ST_NODEV|unix.ST_RDONLY) != 0 ||
		uint64(fs.Bavail)*uint64(fs.Bsize) < scratchMin || unix.Access("/dev/shm", unix.W_OK) != nil {
		return ""
	}
	sweepStale("/dev/shm")
	return "/dev/shm"
})

// staleAfter is the age past which a scratch directory cannot belong to a
// running test binary (go test's -timeout is 30 minutes here).
const staleAfter = 24 * time.Hour

// sweepStale removes what test binaries killed before their cleanup
// (SIGKILL, a -timeout panic) left in dir: the directories named with
// scratchPrefix older than staleAfter. /dev/shm is RAM, freed only at
// reboot, unlike a disk's TMPDIR.
func sweepStale(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), scratchPrefix) {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleAfter {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

// ScratchBase is a directory on a RAM file system (/dev/shm, a tmpfs with
// at least 1 GiB free) for the emulated hosts' files, or "" for the
// default temporary directory. Builds of the programs the sandboxes run
// go there too, so that a root hard-links them instead of copying.
func ScratchBase() string { return scratch() }
