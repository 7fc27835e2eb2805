package fsys

import (
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// owned is the content of a file hvnetconf wrote.
func owned(body string) string { return HeaderMarker + "; do not edit\n" + body }

// entry describes one node of a test tree. A file is its content; a
// directory is "dir", a symbolic link "-> target". mode 0 means 0644.
type entry struct {
	content string
	mode    fs.FileMode
}

type tree map[string]entry

// build creates the tree in a new temporary directory.
func build(t *testing.T, tr tree) string {
	t.Helper()
	dir := t.TempDir()
	for _, p := range slices.Sorted(maps.Keys(tr)) {
		e, name := tr[p], filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		switch {
		case e.content == "dir":
			err = os.Mkdir(name, 0o755)
		case strings.HasPrefix(e.content, "-> "):
			err = os.Symlink(strings.TrimPrefix(e.content, "-> "), name)
		default:
			err = os.WriteFile(name, []byte(e.content), 0o644)
			if err == nil && e.mode != 0 {
				err = os.Chmod(name, e.mode)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// snapshot describes everything under dir, one line a node, sorted:
// temporary files left behind and stray directories show up too.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(dir, func(name string, d fs.DirEntry, err error) error {
		if err != nil || name == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, name)
		fi, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			lines = append(lines, rel+"/")
		case fi.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(name)
			if err != nil {
				return err
			}
			lines = append(lines, rel+" -> "+target)
		default:
			data, err := os.ReadFile(name)
			if err != nil {
				return err
			}
			lines = append(lines, fmt.Sprintf("%s %v %q", rel, fi.Mode().Perm(), data))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

func open(t *testing.T, dir string) *Root {
	t.Helper()
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// copyFile replaces dst's content with src's, keeping dst's mode.
func copyFile(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o644)
}
