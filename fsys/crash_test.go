package fsys

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

func filesOnly(snap string) string {
	var keep []string
	for _, l := range strings.Split(snap, "\n") {
		if !strings.HasSuffix(l, "/") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

// TestCrashAtEveryStep kills an apply of several files at each of its
// steps in turn; the next run's Recover must then leave exactly the old
// tree or exactly the new one, without a journal or temporary file.
func TestCrashAtEveryStep(t *testing.T) {
	// Files only: a crash may leave a directory made for a new file
	// (empty, and as FreeBSD has it anyway); docs/safety.md says so.
	oldTree := filesOnly(snapshot(t, build(t, base())))
	newDir := build(t, base())
	if _, err := open(t, newDir).Apply(changes()); err != nil {
		t.Fatal(err)
	}
	newTree := filesOnly(snapshot(t, newDir))
	targets := []string{network, routing, devd, loader}
	sawOld, sawNew := 0, 0
	for k := 1; ; k++ {
		dir := build(t, base())
		r := open(t, dir)
		d := &faulty{ops: r.ops, failAt: k, dies: true}
		r.ops = d
		_, err := r.Apply(changes())
		if d.failed == "" {
			if err != nil {
				t.Fatal(err)
			}
			break
		}
		did, err := open(t, dir).Recover(targets)
		if err != nil {
			t.Fatalf("crash at %s (step %d): recover: %v", d.failed, k, err)
		}
		switch filesOnly(snapshot(t, dir)) {
		case oldTree:
			sawOld++
		case newTree:
			sawNew++
		default:
			t.Errorf("crash at %s (step %d), recovered (%q):\n%s\nwant the old tree:\n%s\nor the new:\n%s", d.failed, k, did, snapshot(t, dir), oldTree, newTree)
		}
	}
	if sawOld == 0 || sawNew == 0 {
		t.Errorf("recovered to the old tree %d times, to the new %d times: the test no longer covers both", sawOld, sawNew)
	}
	t.Logf("%d crashes recovered to the old tree, %d to the new", sawOld, sawNew)
}

// TestRecoverKeepsForeignFile: after a crash, a target an admin replaced
// with a file of their own is left alone while the rest is finished.
func TestRecoverKeepsForeignFile(t *testing.T) {
	dir := build(t, base())
	r := open(t, dir)
	// Stop after the journal is written (its directory fsync) and the
	// first rename: step numbers from TestCrashAtEveryStep's order.
	d := &faulty{ops: r.ops, failAt: -1, dies: true}
	r.ops = d
	steps, err := r.plan(changes())
	if err != nil {
		t.Fatal(err)
	}
	var created []string
	if err := r.stage(steps, &created); err != nil {
		t.Fatal(err)
	}
	if err := r.writeJournal(journalFor(steps), steps); err != nil {
		t.Fatal(err)
	}
	// The admin's file replaces the network target before recovery.
	mine := build(t, tree{"x": {"mine\n", 0}})
	if err := copyFile(mine+"/x", dir+"/usr/local/etc/rc.conf.d/network"); err != nil {
		t.Fatal(err)
	}
	did, err := open(t, dir).Recover([]string{network, routing, devd, loader})
	if err != nil {
		t.Fatal(err)
	}
	got := snapshot(t, dir)
	want := build(t, tree{
		"usr/local/etc/rc.conf.d/network":   {"mine\n", 0o600},
		"usr/local/etc/devd/hvnetconf.conf": {owned("notify 100 {};\n"), 0o644},
		"boot/loader.conf.d/hvnetconf.conf": {owned("hw.hn.vf_transparent=\"0\"\n"), 0o644},
		"etc/rc.conf":                       {"hostname=\"vm\"\n", 0},
		"var/db":                            {"dir", 0},
	})
	if got != snapshot(t, want) {
		t.Errorf("recovered (%q):\n%s\nwant:\n%s", did, got, snapshot(t, want))
	}
}

// TestRecoverRefusesForgedJournal: a journal may name only the targets
// and temporary files beside them; anything else is refused whole, in one
// line, and nothing is touched.
func TestRecoverRefusesForgedJournal(t *testing.T) {
	for _, body := range []string{
		"remove \"usr/local/etc/owned\"\n",
		"rename 0 " + noHash + " \"usr/local/etc/rc.conf.d/.x.hvnetconf-0123456789ab\" \"etc/rc.conf\"\n",
		"rename 0 " + noHash + " \"tmp/.network.hvnetconf-0123456789ab\" \"usr/local/etc/rc.conf.d/network\"\n",
		"rename \"usr/local/etc/rc.conf.d/.network.hvnetconf-0123456789ab\" \"usr/local/etc/rc.conf.d/network\"\n", // version 1
		"remove \"usr/local/etc/rc.conf.d/routing\"\nremove \"usr/local/etc/rc.conf.d/routing\"\n",
		"remove \"usr/local/etc/rc.conf.d/../../../../etc/rc.conf\"\n",
		"remove \"usr/local/etc/rc.conf.d/network\nx\"\n",
		"remove \"" + strings.Repeat("x", 70<<10) + "\"\n",
	} {
		tr := base()
		tr["usr/local/etc/owned"] = entry{owned("x\n"), 0}
		tr["usr/local/etc/rc.conf.d/"+JournalName] = entry{journalHeader + "\n" + body, 0}
		dir := build(t, tr)
		before := snapshot(t, dir)
		_, err := open(t, dir).Recover([]string{network, routing, devd, loader})
		if sysexits.Code(err) != sysexits.DataErr || strings.Contains(err.Error(), "\n") {
			t.Errorf("journal %q: got %v, want exit 65 in one line", body, err)
		}
		if got := snapshot(t, dir); got != before {
			t.Errorf("journal %q changed the tree:\n%s", body, got)
		}
	}
}

// noHash is the SHA-256 of nothing, for journal lines.
var noHash = fmt.Sprintf("%x", sha256.Sum256(nil))

// TestRecoverJudgesJournalWhole: a journal whose first entry is fine but
// whose second names a bad staged file is refused before the first rename:
// exit 65 in one line naming the second entry, and nothing changed.
func TestRecoverJudgesJournalWhole(t *testing.T) {
	const dir = "usr/local/etc/rc.conf.d/"
	good, goodTmp := owned("ATTACKER\n"), dir+".network.hvnetconf-0123456789ab"
	badTmp := dir + ".routing.hvnetconf-0123456789ab"
	line := func(tmp, target, content string) string {
		return fmt.Sprintf("rename %d %x %q %q\n", len(content), sha256.Sum256([]byte(content)), tmp, target)
	}
	tests := []struct {
		name   string
		staged entry  // the second entry's staged file
		second string // the second entry
		want   string
	}{
		{"link", entry{"-> ../../../../etc/master.passwd", 0}, line(badTmp, dir+"routing", owned("x\n")), "not a regular file"},
		{"directory", entry{"dir", 0}, line(badTmp, dir+"routing", owned("x\n")), "not a regular file"},
		{"other content", entry{owned("y\n"), 0}, line(badTmp, dir+"routing", owned("x\n")), "does not hold what the journal recorded"},
		{"no header", entry{"x\n", 0}, line(badTmp, dir+"routing", "x\n"), "was not written by hvnetconf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := base()
			tr[goodTmp] = entry{good, 0}
			tr[badTmp] = tt.staged
			tr[dir+JournalName] = entry{journalHeader + "\n" + line(goodTmp, dir+"network", good) + tt.second, 0}
			root := build(t, tr)
			before := snapshot(t, root)
			_, err := open(t, root).Recover([]string{network, routing, devd, loader})
			if sysexits.Code(err) != sysexits.DataErr || strings.Contains(err.Error(), "\n") ||
				!strings.Contains(err.Error(), JournalName+":3: ") || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want exit 65 in one line naming line 3: %s", err, tt.want)
			}
			if got := snapshot(t, root); got != before {
				t.Errorf("the refused journal changed the tree:\n%s\nwas:\n%s", got, before)
			}
		})
	}
}
