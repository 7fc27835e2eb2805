package fakebsd

import (
	"os"
	"testing"
)

// scratchPrefix starts the name of every scratch directory (TempDir's,
// build's, golden's), so that a sweep knows them (scratch_linux.go).
const scratchPrefix = "fakebsd-"

// TempDir is tb.TempDir on a RAM file system when ScratchBase finds one:
// a sandbox's root takes a few hundred file creations, symlinks and
// removals, and every emulated command rewrites the state file, which on
// the test machines' disks cost about 2 ms of mostly system time each
// (a symlink on ext4: 2.2 ms; on tmpfs: 0.04 ms; docs/performance.md).
// It is removed when the test ends.
func TempDir(tb testing.TB) string {
	tb.Helper()
	base := ScratchBase()
	if base == "" {
		return tb.TempDir()
	}
	dir, err := os.MkdirTemp(base, scratchPrefix)
	if err != nil {
		return tb.TempDir()
	}
	tb.Cleanup(func() {
		if err := os.RemoveAll(dir); err != nil {
			tb.Errorf("fakebsd.TempDir: %v", err) // as tb.TempDir reports it
		}
	})
	return dir
}
