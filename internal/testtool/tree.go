package testtool

import (
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Tree maps the slash paths of the regular files under a directory to
// their contents.
type Tree map[string]string

// WriteFile writes data to path (0644), creating its directories.
func WriteFile(t testing.TB, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// ReadTree reads every regular file under dir; a missing dir is empty.
func ReadTree(t testing.TB, dir string) Tree {
	t.Helper()
	tree := Tree{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		tree[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return tree
}

// Write writes every file of the tree under dir.
func (tr Tree) Write(t testing.TB, dir string) {
	t.Helper()
	for path, data := range tr {
		WriteFile(t, filepath.Join(dir, filepath.FromSlash(path)), data)
	}
}

// Equal: the same paths with the same contents.
func (tr Tree) Equal(other Tree) bool { return maps.Equal(tr, other) }

// CheckPatch proves that diff is what it claims to be: GNU patch -p1
// applies it to a copy of before and yields exactly after (files the
// diff deletes are gone).
func CheckPatch(t testing.TB, diff string, before, after Tree) {
	t.Helper()
	patch := Need(t, "patch")
	dir := t.TempDir()
	before.Write(t, dir)
	cmd := exec.Command(patch, "-p1", "-s", "--batch", "--forward", "--no-backup-if-mismatch", "-d", dir)
	cmd.Stdin = strings.NewReader(diff)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("patch -p1: %v\n%s", err, out)
	}
	got := ReadTree(t, dir)
	for p := range got {
		if _, ok := after[p]; !ok {
			t.Errorf("%s: left behind by patch, want it deleted", p)
		}
	}
	for p, want := range after {
		if g, ok := got[p]; !ok {
			t.Errorf("%s: missing after patch", p)
		} else if g != want {
			t.Errorf("%s: after patch %q, want %q", p, g, want)
		}
	}
}
