package golden

import (
	"path/filepath"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/testtool"
)

// defaults is the /etc/defaults/rc.conf every scenario root gets unless
// it brings its own, so scenarios hold only what makes them different.
const defaults = "_defaults/rc.conf"

// root is a copy of the scenario's input root, with the defaults.
func (sc scenario) root(t *testing.T) string {
	return testtool.CopyRoot(t, filepath.Join(sc.dir, "root"), defaults)
}

// bareRoot is a copy of the scenario's input root as it is, for a
// FreeBSD tree whose own defaults take the place of the test ones.
func (sc scenario) bareRoot(t *testing.T) string {
	dir := t.TempDir()
	testtool.ReadTree(t, filepath.Join(sc.dir, "root")).Write(t, dir)
	return dir
}
