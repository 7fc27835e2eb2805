// Package conformance runs FreeBSD's own rc scripts (rc.subr,
// network.subr, rc.d/netif, rc.d/dhclient, rc.d/routing, pccard_ether),
// devd rules and the base hyperv scripts on Linux against the emulated
// kernel of internal/fakebsd, so that what hvnetconf renders is judged
// by the code that consumes it on FreeBSD, never by hvnetconf's own
// reading of rc.conf.
//
// Each Machine is a private root: the FreeBSD tree's files, the
// configuration root under test, the emulated kernel's programs at their
// FreeBSD paths, and a few host tools (bash in POSIX mode as /bin/sh,
// sed, grep, ...). It runs in its own mount, network and PID namespaces
// and is chrooted there, so no script can reach the test machine's /etc
// or its network. It needs root (tests and CI run as root).
//
// The trees come from FREEBSD_RC (a colon-separated list of directories
// laid out like /), by default the folders of ../shared/freebsd-rc.
// It is for tests only.
package conformance

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Tree is one FreeBSD rc tree.
type Tree struct {
	Name string // base name of the directory, or "/" for a live system
	Dir  string
}

// EnvTrees names the trees to run against.
const EnvTrees = "FREEBSD_RC"

// Trees returns the FreeBSD trees to judge with: FREEBSD_RC, or the
// folders of ../shared/freebsd-rc (12.1, main) that exist. A named tree
// that is missing fails the test; with no tree at all the test is
// skipped with how to enable it, except when CI is set, where it fails.
// FREEBSD_RC=/ names the running system's own rc files (on FreeBSD). On
// an OS without Linux namespaces the sandbox cannot run: the test is
// skipped, CI or not, once the named trees are checked.
func Trees(tb testing.TB) []Tree {
	tb.Helper()
	var trees []Tree
	if v := os.Getenv(EnvTrees); v != "" {
		for _, dir := range strings.Split(v, ":") {
			if dir == "" {
				continue
			}
			if !isTree(dir) {
				tb.Fatalf("%s: %s is not a FreeBSD rc tree (no etc/rc.subr)", EnvTrees, dir)
			}
			trees = append(trees, Tree{Name: treeName(dir), Dir: dir})
		}
	} else if shared := SharedDir(); shared != "" {
		for _, name := range []string{"12.1", "main"} {
			if dir := filepath.Join(shared, name); isTree(dir) {
				trees = append(trees, Tree{Name: name, Dir: dir})
			}
		}
	}
	if !sandboxOS {
		// Not a missing package but the platform: skipped under CI too.
		tb.Skipf("conformance: the sandbox needs Linux mount, network and PID namespaces; not on %s", runtime.GOOS)
	}
	if len(trees) == 0 {
		msg := fmt.Sprintf("no FreeBSD rc tree: set %s to directories laid out like / (etc/rc.subr, etc/network.subr, etc/rc.d, etc/defaults/rc.conf, etc/devd.conf), or put ../shared/freebsd-rc beside the repository", EnvTrees)
		if os.Getenv("CI") != "" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	if os.Geteuid() != 0 {
		msg := "conformance: the sandbox needs root (unshare, chroot)"
		if os.Getenv("CI") != "" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	return trees
}

func treeName(dir string) string {
	if filepath.Clean(dir) == "/" {
		return "/"
	}
	return filepath.Base(filepath.Clean(dir))
}

func isTree(dir string) bool {
	fi, err := os.Stat(filepath.Join(dir, "etc", "rc.subr"))
	return err == nil && fi.Mode().IsRegular()
}

// SharedDir is ../shared/freebsd-rc beside the repository, or "".
func SharedDir() string {
	root := ModuleRoot()
	if root == "" {
		return ""
	}
	dir := filepath.Join(filepath.Dir(root), "shared", "freebsd-rc")
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		return dir
	}
	return ""
}

// ModuleRoot is the directory holding go.mod, found upward from the
// working directory (a test's package directory).
func ModuleRoot() string {
	dir, _ := os.Getwd()
	for dir != "" {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
	return ""
}

// hypervScripts is where the base system's hyperv_vfattach and
// hyperv_vfup for a tree come from: the tree's own usr/libexec/hyperv,
// else the shared copies (the newest hyperv_vfup for "main", the 2017
// originals for older trees; hyperv_vfattach only exists as the 2017
// original).
func hypervScripts(t Tree) map[string]string {
	out := map[string]string{}
	own := filepath.Join(t.Dir, "usr", "libexec", "hyperv")
	for _, s := range []string{"hyperv_vfattach", "hyperv_vfup"} {
		if _, err := os.Stat(filepath.Join(own, s)); err == nil {
			out[s] = filepath.Join(own, s)
		}
	}
	shared := SharedDir()
	if shared == "" {
		return out
	}
	order := []string{"c685956956"}
	if t.Name == "main" {
		order = []string{"main", "c685956956"}
	}
	for _, s := range []string{"hyperv_vfattach", "hyperv_vfup"} {
		for _, v := range order {
			p := filepath.Join(shared, "hyperv-scripts", v, s)
			if _, ok := out[s]; !ok {
				if _, err := os.Stat(p); err == nil {
					out[s] = p
				}
			}
		}
	}
	return out
}
