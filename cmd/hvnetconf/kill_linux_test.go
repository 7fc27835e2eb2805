//go:build linux

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// TestKillNineLoop kills renders with SIGKILL, many times, at instants
// aimed at the write phase: the k-th file event (a temporary file made, a
// rename, the journal) in the directories render writes, seen through
// inotify(7), triggers the kill, which lands a few microseconds later,
// wherever the run has got to. After each, the next run (a diff, which
// only reads) must see exactly the old rendered set or exactly the new
// one, and leave no temporary file or journal.
func TestKillNineLoop(t *testing.T) {
	const kills = 60
	state, _ := filepath.Abs(exampleState)
	root, oldSet, newSet, restore := twoInputs(t)
	bin := releaseBinary(t)
	dirs := targetDirs
	// A whole render's file events, to spread k over them.
	restore()
	events := killAtEvent(t, root, dirs, 0, bin, "render", "-R", root, "--state", state)
	if events < 6 {
		t.Fatalf("a render made %d file events; the loop would not reach its writes", events)
	}
	sawOld, sawNew := 0, 0
	for i := 0; i < kills; i++ {
		restore()
		k := 1 + i%events
		killAtEvent(t, root, dirs, k, bin, "render", "-R", root, "--state", state)
		out, err := exec.Command(bin, "diff", "-R", root, "--state", state).CombinedOutput()
		if code := exitCode(err); code != 0 && code != 1 {
			t.Fatalf("kill at event %d: diff after the kill: exit %d\n%s", k, code, out)
		}
		switch got := renderedSet(t, root); got {
		case oldSet:
			sawOld++
		case newSet:
			sawNew++
		default:
			t.Fatalf("kill at event %d: a mix of old and new:\n%s\nold:\n%s\nnew:\n%s", k, got, oldSet, newSet)
		}
		if stray := strayFiles(t, root); len(stray) > 0 {
			t.Fatalf("kill at event %d: left behind: %q", k, stray)
		}
	}
	if sawOld == 0 || sawNew == 0 {
		t.Errorf("old set %d times, new %d: the kills no longer land inside the write phase", sawOld, sawNew)
	}
	t.Logf("%d kills over %d file events of a render: %d saw the old set, %d the new", kills, events, sawOld, sawNew)
}

// killAtEvent runs argv and sends it SIGKILL at the k-th inotify event in
// dirs under root (k 0: never); it returns how many events it saw.
func killAtEvent(t *testing.T, root string, dirs []string, k int, argv ...string) int {
	t.Helper()
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	for _, d := range dirs {
		p := filepath.Join(root, d)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		if _, err := unix.InotifyAddWatch(fd, p, unix.IN_CREATE|unix.IN_MOVED_TO|unix.IN_DELETE|unix.IN_CLOSE_WRITE); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	n := 0
	buf := make([]byte, 64<<10)
	pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	for {
		select {
		case <-exited:
			// Events the run made just before it ended are counted too.
			return n + countEvents(fd, buf)
		default:
		}
		if _, err := unix.Poll(pfd, 5); err != nil && err != unix.EINTR {
			t.Fatal(err)
		}
		for before := n; ; before = n {
			n += countEvents(fd, buf)
			if k > before && k <= n {
				cmd.Process.Signal(syscall.SIGKILL)
			}
			if n == before {
				break
			}
		}
	}
}

// countEvents reads the inotify events waiting on fd (non-blocking).
func countEvents(fd int, buf []byte) int {
	got, err := unix.Read(fd, buf)
	if err != nil || got <= 0 {
		return 0
	}
	n := 0
	for off := 0; off+unix.SizeofInotifyEvent <= got; n++ {
		ev := (*unix.InotifyEvent)(unsafe.Pointer(&buf[off]))
		off += unix.SizeofInotifyEvent + int(ev.Len)
	}
	return n
}
