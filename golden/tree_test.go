package golden

import (
	"bytes"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/testtool"
)

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	for path, data := range readTree(t, from) {
		writeFile(t, filepath.Join(to, path), data)
	}
}

// addDefaults gives a scenario root the shared /etc/defaults/rc.conf unless
// it brings its own, so scenarios hold only what makes them different.
func addDefaults(t *testing.T, root string) {
	t.Helper()
	target := filepath.Join(root, "etc/defaults/rc.conf")
	if _, err := os.Stat(target); err == nil {
		return
	}
	data, err := os.ReadFile("_defaults/rc.conf")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, target, data)
}

// readTree maps every regular file under dir (relative slash path) to its bytes.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	tree := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		tree[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return tree
}

func equalTrees(a, b map[string][]byte) bool {
	return maps.EqualFunc(a, b, bytes.Equal)
}

// checkPatch proves the diff output is what it claims to be: GNU patch -p1
// applies it to the old tree and yields exactly the rendered tree.
func checkPatch(t *testing.T, sc scenario, before, after map[string][]byte) {
	t.Helper()
	testtool.Need(t, "patch")
	diff, err := os.ReadFile(filepath.Join(sc.dir, "diff.txt"))
	if err != nil || len(diff) == 0 {
		return
	}
	dir := t.TempDir()
	for path, data := range before {
		writeFile(t, filepath.Join(dir, path), data)
	}
	cmd := exec.Command("patch", "-p1", "-s", "-E", "--no-backup-if-mismatch")
	cmd.Dir, cmd.Stdin = dir, bytes.NewReader(diff)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("patch -p1 < diff.txt: %v\n%s", err, out)
	}
	if got := readTree(t, dir); !equalTrees(got, after) {
		t.Errorf("patch -p1 of diff.txt does not give the rendered tree")
	}
}
