package golden

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hvnetconf/hvnetconf/hn"
	"github.com/hvnetconf/hvnetconf/internal/conformance"
	"github.com/hvnetconf/hvnetconf/internal/updateflag"
)

// TestConformance boots every scenario's root, as render left it, with
// FreeBSD's own rc scripts of each tree (internal/conformance), then
// hot-plugs the snapshot's VFs and lets devd run whichever rules win;
// boot.txt holds the outcome.
func TestConformance(t *testing.T) {
	trees := conformance.Trees(t)
	for _, sc := range scenarios(t) {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			root := sc.rendered(t)
			snap := &hn.Snapshot{}
			if _, err := os.Stat(filepath.Join(sc.dir, "state.toml")); err == nil {
				s, err := hn.ReadFile(filepath.Join(sc.dir, "state.toml"))
				if err != nil {
					return // a bad-snapshot scenario: nothing to boot
				}
				snap = s
			}
			got := map[string]string{}
			for _, tree := range trees {
				m := conformance.New(t, tree, conformance.Options{Config: root, Hvnetconf: binary})
				vfs := m.LoadSnapshot(snap)
				m.Boot()
				m.AttachVFs(vfs)
				got[tree.Name] = m.Outcome()
			}
			conformance.CompareOutcome(t, filepath.Join(sc.dir, "boot.txt"), got, *updateflag.Update)
		})
	}
}

// rendered is the scenario's root after `hvnetconf render` (unchanged
// where render refuses), without the test defaults: the tree's own
// etc/defaults/rc.conf takes their place.
func (sc scenario) rendered(t *testing.T) string {
	root := t.TempDir()
	copyTree(t, filepath.Join(sc.dir, "root"), root)
	addDefaults(t, root)
	sc.hvnetconf(t, root, "render")
	os.Remove(filepath.Join(root, "etc/defaults/rc.conf"))
	return root
}
