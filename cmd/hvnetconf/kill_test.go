package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// targetDirs are the directories render writes (its journal included).
var targetDirs = []string{"usr/local/etc/rc.conf.d", "usr/local/etc/devd", "boot/loader.conf.d"}

// renderedSet is what a render leaves in the root: the target files only
// (directories aside: a killed run may leave one it made, empty).
func renderedSet(t *testing.T, root string) string {
	t.Helper()
	var b strings.Builder
	for _, dir := range targetDirs {
		entries, _ := os.ReadDir(filepath.Join(root, dir))
		for _, e := range entries {
			data, _ := os.ReadFile(filepath.Join(root, dir, e.Name()))
			b.WriteString(dir + "/" + e.Name() + " " + string(data) + "\n")
		}
	}
	return b.String()
}

// twoInputs prepares a root rendered from the example (the old set) and
// the rc.conf that renders a different set touching several files.
func twoInputs(t *testing.T) (root, oldSet, newSet string, restore func()) {
	t.Helper()
	state, _ := filepath.Abs(exampleState)
	root = exampleRoot(t)
	bin := releaseBinary(t)
	render := func() {
		if out, err := exec.Command(bin, "render", "-R", root, "--state", state).CombinedOutput(); err != nil {
			t.Fatalf("render: %v\n%s", err, out)
		}
	}
	rcconf := filepath.Join(root, "etc/rc.conf")
	oldRC, err := os.ReadFile(rcconf)
	if err != nil {
		t.Fatal(err)
	}
	render()
	oldSet = renderedSet(t, root)
	saved := t.TempDir()
	if err := os.CopyFS(saved, os.DirFS(root)); err != nil {
		t.Fatal(err)
	}
	// New input: other addresses, no IPv6 router (routing file goes), a
	// new delay: network and routing change together.
	newRC := strings.NewReplacer(`ipv6_defaultrouter="fe80::1%hn0"`, "", `10.0.1.4/24`, `10.0.1.9/24`, `"120"`, `"30"`).Replace(string(oldRC))
	if err := os.WriteFile(rcconf, []byte(newRC), 0o644); err != nil {
		t.Fatal(err)
	}
	render()
	newSet = renderedSet(t, root)
	if newSet == oldSet {
		t.Fatal("the two inputs render the same files")
	}
	restore = func() {
		if err := os.RemoveAll(root); err != nil {
			t.Fatal(err)
		}
		if err := os.CopyFS(root, os.DirFS(saved)); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(rcconf, []byte(newRC), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root, oldSet, newSet, restore
}

// TestConcurrentRenders: renders started together after an input change
// all succeed, and the root ends with the new set: the lock serialises
// them, so none undoes another's work.
func TestConcurrentRenders(t *testing.T) {
	const n = 8
	state, _ := filepath.Abs(exampleState)
	root, _, newSet, restore := twoInputs(t)
	bin := releaseBinary(t)
	for round := 0; round < 3; round++ {
		restore()
		var wg sync.WaitGroup
		outs := make([]string, n)
		codes := make([]int, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				out, err := exec.Command(bin, "render", "-R", root, "--state", state).CombinedOutput()
				outs[i], codes[i] = string(out), exitCode(err)
			}()
		}
		wg.Wait()
		wrote := 0
		for i := range n {
			if codes[i] != 0 {
				t.Errorf("round %d: render %d: exit %d\n%s", round, i, codes[i], outs[i])
			}
			if !strings.HasPrefix(outs[i], "up to date") {
				wrote++
			}
		}
		if wrote != 1 {
			t.Errorf("round %d: %d renders wrote files, want exactly 1", round, wrote)
		}
		if got := renderedSet(t, root); got != newSet {
			t.Errorf("round %d: root after the renders:\n%s\nwant:\n%s", round, got, newSet)
		}
	}
}

func exitCode(err error) int {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// TestTermEndsARun: SIGTERM (and SIGINT alike) in the middle of a long
// evaluation ends the run with exit 75 and one line, nothing written.
func TestTermEndsARun(t *testing.T) {
	state, _ := filepath.Abs(exampleState)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		root := exampleRoot(t)
		// Legal and slow: about a second of evaluation.
		appendRCAt(t, filepath.Join(root, "etc/rc.conf"), "i=0\nwhile [ $i -lt 400000 ]; do i=$((i+1)); done\n")
		before := treeState(t, root)
		cmd := exec.Command(releaseBinary(t), "render", "-R", root, "--state", state)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond)
		cmd.Process.Signal(sig)
		err := cmd.Wait()
		if code := exitCode(err); code != 75 || strings.Count(stderr.String(), "\n") != 1 ||
			!strings.Contains(stderr.String(), "interrupted (nothing was written)") {
			t.Errorf("%v: exit %d, stderr %q; want 75 and one line saying it was interrupted", sig, code, stderr.String())
		}
		if got := treeState(t, root); got != before {
			t.Errorf("%v: root changed:\n%s", sig, got)
		}
	}
}
