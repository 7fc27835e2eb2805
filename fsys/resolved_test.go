package fsys

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestResolvedAsResolve: a path ResolveFixed calls fixed is its own
// resolution, and the *Resolved reads of it answer what Stat, ReadFile and
// ReadDir answer; the one it must not call fixed (a ".." that cancels a
// missing directory, landing on a link) is not.
func TestResolvedAsResolve(t *testing.T) {
	dir := build(t, tree{
		"etc/rc.conf":           {"a=1\n", 0},
		"etc/link":              {"-> rc.conf", 0},
		"etc/rooted":            {"-> /etc/rc.conf", 0},
		"etc/loop":              {"-> loop2", 0},
		"etc/loop2":             {"-> loop", 0},
		"etc/self":              {"-> .", 0},
		"usr/home":              {"-> ../etc", 0},
		"usr/local/etc":         {"-> /var/etc", 0},
		"var/etc/x.toml":        {"x\n", 0},
		"etc/rc.conf.d/netif/x": {"dir", 0},
	})
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := os.Mkdir(filepath.Join(dir, "etc/empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	answer := func(info fs.FileInfo, data []byte, ok bool, entries []fs.DirEntry, errs ...error) string {
		s := ""
		if info != nil {
			s += fmt.Sprintf("stat %s %v %d;", info.Name(), info.Mode(), info.Size())
		}
		s += fmt.Sprintf("read %q %v;", data, ok)
		for _, e := range entries {
			s += e.Name() + ","
		}
		for _, err := range errs {
			s += fmt.Sprintf(";%v", err)
		}
		return s
	}
	fixed := 0
	for _, logical := range []string{
		"/", "/etc", "/etc/rc.conf", "/etc/link", "/etc/rooted", "/etc/loop", "/etc/self/self/rc.conf",
		"/usr/home/rc.conf", "/usr/local/etc/x.toml", "/etc/rc.conf.d", "/etc/rc.conf.d/netif",
		"/etc/rc.conf.d/netif/x", "/etc/missing", "/etc/missing/a/b", "/etc/rc.conf/x", "/etc/empty",
		"/etc/missing/../link", "/etc/missing/../../etc/rooted", "/etc/missing/./a", "/etc/../../etc/link",
	} {
		p, ok, err := r.ResolveFixed(logical)
		if want, werr := r.Resolve(logical); p != want || (err == nil) != (werr == nil) {
			t.Errorf("ResolveFixed(%s) = %q, %v; Resolve = %q, %v", logical, p, err, want, werr)
		}
		if err != nil || !ok {
			continue
		}
		fixed++
		if again, err := r.Resolve(p); again != p || err != nil {
			t.Errorf("%s: fixed %s resolves to %q, %v", logical, p, again, err)
		}
		info, serr := r.Stat(p)
		data, found, rerr := r.ReadFile(p)
		entries, derr := r.ReadDir(p)
		want := answer(info, data, found, entries, serr, rerr, derr)
		info, serr = r.StatResolved(p)
		data, found, rerr = r.ReadFileResolved(p)
		entries, derr = r.ReadDirResolved(p)
		if got := answer(info, data, found, entries, serr, rerr, derr); got != want {
			t.Errorf("%s (%s): resolved reads %s, reads %s", logical, p, got, want)
		}
	}
	if fixed < 10 {
		t.Errorf("only %d paths fixed", fixed)
	}
	// /etc/missing/.. is /etc lexically: the link that follows is
	// resolved only when looked up again, so the path is not fixed.
	for _, logical := range []string{"/etc/missing/../link", "/etc/missing/../../etc/rooted"} {
		p, ok, err := r.ResolveFixed(logical)
		if err != nil || ok {
			t.Errorf("ResolveFixed(%s) = %q, fixed %v, %v", logical, p, ok, err)
		}
		if again, _ := r.Resolve(p); again == p {
			t.Errorf("%s: %s resolves to itself; the case this test guards is gone", logical, p)
		}
	}
	if _, err := r.StatResolved("/etc/missing"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("StatResolved of a missing file: %v", err)
	}
}
