package fsys

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

const (
	other   = "/usr/local/etc/other/x.conf"
	network = "/usr/local/etc/rc.conf.d/network"
	routing = "/usr/local/etc/rc.conf.d/routing"
	devd    = "/usr/local/etc/devd/hvnetconf.conf"
	loader  = "/boot/loader.conf.d/hvnetconf.conf"
)

// base is a small root: an owned network file (mode 0600, to see that
// modes are restored), an owned routing file and an unrelated file.
func base() tree {
	return tree{
		"usr/local/etc/rc.conf.d/network": {owned("ifconfig_hn0=\"DHCP\"\n"), 0o600},
		"usr/local/etc/rc.conf.d/routing": {owned("route_a=\"x\"\n"), 0},
		"etc/rc.conf":                     {"hostname=\"vm\"\n", 0},
		"boot":                            {"dir", 0},
		"var/db":                          {"dir", 0}, // as in every FreeBSD root
	}
}

// changes writes a new network file, creates two files in new directories
// and removes routing.
func changes() []Change {
	return []Change{
		{Path: network, Data: []byte(owned("ifconfig_lagg0=\"DHCP\"\n"))},
		{Path: devd, Data: []byte(owned("notify 100 {};\n"))},
		{Path: loader, Data: []byte(owned("hw.hn.vf_transparent=\"0\"\n"))},
		{Path: routing, Remove: true},
	}
}

func TestApplyWritesAndRemoves(t *testing.T) {
	dir := build(t, base())
	if _, err := open(t, dir).Apply(changes()); err != nil {
		t.Fatal(err)
	}
	want := build(t, tree{
		"usr/local/etc/rc.conf.d/network":   {owned("ifconfig_lagg0=\"DHCP\"\n"), 0o644},
		"usr/local/etc/devd/hvnetconf.conf": {owned("notify 100 {};\n"), 0o644},
		"boot/loader.conf.d/hvnetconf.conf": {owned("hw.hn.vf_transparent=\"0\"\n"), 0o644},
		"etc/rc.conf":                       {"hostname=\"vm\"\n", 0},
		"var/db":                            {"dir", 0},
	})
	if got, want := snapshot(t, dir), snapshot(t, want); got != want {
		t.Errorf("tree after apply:\n%s\nwant:\n%s", got, want)
	}
}

func TestRestoreGivesBackPreviousTree(t *testing.T) {
	dir := build(t, base())
	before := snapshot(t, dir)
	b, err := open(t, dir).Apply(changes())
	if err != nil {
		t.Fatal(err)
	}
	if snapshot(t, dir) == before {
		t.Fatal("apply changed nothing")
	}
	if err := b.Restore(); err != nil {
		t.Fatal(err)
	}
	if got := snapshot(t, dir); got != before {
		t.Errorf("tree after restore:\n%s\nwant:\n%s", got, before)
	}
}

// TestApplyRefuses lists targets Apply must not touch. In each case the
// offending change comes last, so the earlier ones show that nothing at
// all is written.
func TestApplyRefuses(t *testing.T) {
	tests := []struct {
		name   string
		tree   tree
		change Change
		want   string
		linked string // a file of the tree given the target's name too
	}{
		{"foreign file", tree{"usr/local/etc/other/x.conf": {"notify 0 {};\n", 0}},
			Change{Path: other, Data: []byte(owned(""))},
			other + ": exists and was not written by hvnetconf; move it away or merge it by hand", ""},
		{"header not on first line", tree{"usr/local/etc/other/x.conf": {"\n" + owned(""), 0}},
			Change{Path: other, Data: []byte(owned(""))}, other + ": exists and was not written by hvnetconf", ""},
		{"foreign file to remove", tree{"usr/local/etc/other/x.conf": {"mine\n", 0}},
			Change{Path: other, Remove: true}, other + ": was not written by hvnetconf; it will not be removed", ""},
		{"directory", tree{"usr/local/etc/other/x.conf": {"dir", 0}},
			Change{Path: other, Data: []byte(owned(""))}, other + ": exists and is a directory", ""},
		{"symlink target", tree{"usr/local/etc/other/x.conf": {"-> ../../../../etc/rc.conf", 0}},
			Change{Path: other, Data: []byte(owned(""))}, other + ": is a symbolic link", ""},
		{"parent is a file", tree{"usr/local/etc/other": {"x\n", 0}},
			Change{Path: other, Data: []byte(owned(""))}, other + ": parent /usr/local/etc/other: is not a directory", ""},
		{"dot-dot", nil, Change{Path: "/usr/../../etc/x", Data: []byte(owned(""))},
			"/usr/../../etc/x: not a clean absolute path below the root", ""},
		{"relative", nil, Change{Path: "etc/x", Data: []byte(owned(""))}, "etc/x: not a clean absolute path", ""},
		{"root itself", nil, Change{Path: "/", Remove: true}, "/: not a clean absolute path", ""},
		{"hard link", tree{"usr/local/etc/other": {"dir", 0}}, Change{Path: other, Data: []byte(owned(""))},
			other + ": has 2 hard links; hvnetconf replaces only files with one", "etc/rc.conf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := base()
			for p, e := range tt.tree {
				tr[p] = e
			}
			dir := build(t, tr)
			if tt.linked != "" {
				if err := os.Link(filepath.Join(dir, tt.linked), filepath.Join(dir, other)); err != nil {
					t.Fatal(err)
				}
			}
			before := snapshot(t, dir)
			_, err := open(t, dir).Apply(append(changes(), tt.change))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) || sysexits.Code(err) != sysexits.CantCreate {
				t.Fatalf("got error %v (exit %d), want %q (exit 73)", err, sysexits.Code(err), tt.want)
			}
			if got := snapshot(t, dir); got != before {
				t.Errorf("tree changed:\n%s\nwant:\n%s", got, before)
			}
		})
	}
}

func TestApplyTwiceSamePath(t *testing.T) {
	r := open(t, build(t, base()))
	_, err := r.Apply([]Change{{Path: devd, Data: []byte(owned(""))}, {Path: devd, Remove: true}})
	if sysexits.Code(err) != sysexits.Software {
		t.Errorf("got %v, want exit 70", err)
	}
}

// TestApplyOnlyOwnedContent: everything hvnetconf writes carries its
// header (recovery relies on it: checkJournal); content without it is a
// bug, refused before anything is written.
func TestApplyOnlyOwnedContent(t *testing.T) {
	dir := build(t, base())
	before := snapshot(t, dir)
	_, err := open(t, dir).Apply(append(changes(), Change{Path: other, Data: []byte("x=1\n")}))
	if sysexits.Code(err) != sysexits.Software || !strings.HasPrefix(err.Error(), other+": content without hvnetconf's header") {
		t.Errorf("got %v, want exit 70 naming %s", err, other)
	}
	if got := snapshot(t, dir); got != before {
		t.Errorf("tree changed:\n%s", got)
	}
}

// TestApplyThroughLinkInsideRoot: a parent that is a relative link staying
// inside the root is followed, as FreeBSD's own /home -> usr/home is.
func TestApplyThroughLinkInsideRoot(t *testing.T) {
	dir := build(t, tree{"usr/local/etc/devd": {"-> ../../../etc/devd", 0}, "etc/devd": {"dir", 0}})
	if _, err := open(t, dir).Apply([]Change{{Path: devd, Data: []byte(owned("x\n"))}}); err != nil {
		t.Fatal(err)
	}
	want := build(t, tree{"usr/local/etc/devd": {"-> ../../../etc/devd", 0}, "etc/devd/hvnetconf.conf": {owned("x\n"), 0}})
	if got, want := snapshot(t, dir), snapshot(t, want); got != want {
		t.Errorf("tree:\n%s\nwant:\n%s", got, want)
	}
}

// TestApplyFollowsLinksAsTheBootedSystem: a parent link that points above
// the root, or is absolute, is followed from the root's "/" (as it would be
// on the booted image), never out of the root.
func TestApplyFollowsLinksAsTheBootedSystem(t *testing.T) {
	for _, link := range []string{"-> ../../../../../../x", "-> /x", "-> /../../x"} {
		outer := t.TempDir()
		dir := build(t, tree{"usr/local/etc/other": {link, 0}, "x": {"dir", 0}})
		if _, err := open(t, dir).Apply([]Change{{Path: other, Data: []byte(owned("y\n"))}}); err != nil {
			t.Fatalf("%s: %v", link, err)
		}
		want := build(t, tree{"usr/local/etc/other": {link, 0}, "x/x.conf": {owned("y\n"), 0}})
		if got, want := snapshot(t, dir), snapshot(t, want); got != want {
			t.Errorf("%s: tree:\n%s\nwant:\n%s", link, got, want)
		}
		if got := snapshot(t, outer); got != "" {
			t.Errorf("%s: written outside the root: %s", link, got)
		}
	}
}

// TestApplyLeavesNothingElse: in a root without /var/db, the journal's
// directories go again with it; no lock, journal or temporary file stays.
func TestApplyLeavesNothingElse(t *testing.T) {
	dir := build(t, tree{"etc": {"dir", 0}})
	r := open(t, dir)
	unlock, err := r.Lock(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Apply([]Change{{Path: devd, Data: []byte(owned("x\n"))}}); err != nil {
		t.Fatal(err)
	}
	unlock()
	want := build(t, tree{"etc": {"dir", 0}, "usr/local/etc/devd/hvnetconf.conf": {owned("x\n"), 0}})
	if got, want := snapshot(t, dir), snapshot(t, want); got != want {
		t.Errorf("tree:\n%s\nwant:\n%s", got, want)
	}
}

// TestApplyRefusesWhatChangedSinceRead: a change planned from content
// that is no longer on disk (an admin edited the file, header kept) is
// refused whole: the edit is never lost.
func TestApplyRefusesWhatChangedSinceRead(t *testing.T) {
	dir := build(t, base())
	before := snapshot(t, dir)
	c := changes()
	c[0].Seen, c[0].OldExists, c[0].Old = true, true, []byte(owned("what the plan read\n"))
	_, err := open(t, dir).Apply(c)
	if sysexits.Code(err) != sysexits.CantCreate || !strings.Contains(err.Error(), network+": changed since hvnetconf read it") {
		t.Errorf("got %v, want exit 73 naming %s", err, network)
	}
	if got := snapshot(t, dir); got != before {
		t.Errorf("tree changed:\n%s", got)
	}
}
