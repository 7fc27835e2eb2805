//go:build linux

package e2e

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hvnetconf/hvnetconf/internal/conformance"
	"github.com/hvnetconf/hvnetconf/internal/fakebsd"
	"golang.org/x/sys/unix"
)

// sessionEvents are what an admin's session can do to an apply under way,
// each with the streams the apply has: a pipe (`apply 2>&1 | head`, or
// ssh without a terminal) or a terminal whose session the apply's parent
// leads (an interactive SSH login).
var sessionEvents = []struct {
	name string
	tty  bool
	do   func(s *session)
}{
	// The session's SIGHUP, sent to the apply itself.
	{"sighup", false, func(s *session) { syscall.Kill(s.apply, syscall.SIGHUP) }},
	// The reader of its output goes away: the next write gets EPIPE
	// (and, unless handled, SIGPIPE).
	{"closed-pipe", false, func(s *session) { s.out.Close() }},
	// Its parent, the session leader, is killed: the kernel sends
	// SIGHUP and SIGCONT to the foreground process group.
	{"parent-killed", true, func(s *session) { s.proc.Signal(syscall.SIGKILL) }},
	// The terminal is gone (sshd closes the master side): the session
	// leader gets SIGHUP and dies of it, the apply's group gets SIGHUP,
	// and every write to the terminal fails with EIO.
	{"terminal-gone", true, func(s *session) { s.out.Close() }},
}

// TestApplySurvivesItsSession: whatever happens to the terminal, the
// output or the parent of an apply, at each of its changing commands, the
// host ends exactly as before the apply or exactly as a complete apply
// leaves it; what could not be printed reaches syslog.
func TestApplySurvivesItsSession(t *testing.T) {
	t.Parallel()
	tree := conformance.Trees(t)[0]
	ref := oldHost(t, tree)
	refBefore, mark := ref.runtime(), len(ref.Commands())
	r := ref.run("apply")
	if r.code != 0 {
		t.Fatalf("reference apply: exit %d\n%s", r.code, r.stderr)
	}
	refAfter, refFiles := ref.runtime(), ref.files()
	lastLine := r.stdout[strings.LastIndex(strings.TrimSuffix(r.stdout, "\n"), "\n")+1:]
	var steps []int // the changing commands, counted among all of hvnetconf's
	n := 0
	for _, c := range applyOwn(ref.Commands()[mark:]) {
		if c.Caller == "hvnetconf" {
			n++
			if !isRead(c.Argv) {
				steps = append(steps, n)
			}
		}
	}
	// At the last step (service devd restart, which runs after the
	// summary is printed) the stream must already carry the last line.
	last := n
	for _, ev := range sessionEvents {
		for _, k := range steps {
			t.Run(fmt.Sprintf("%s/k=%d", ev.name, k), func(t *testing.T) {
				t.Parallel()
				h := oldHost(t, tree)
				before, files := h.runtime(), h.files()
				if before != refBefore {
					t.Fatalf("hosts differ before the apply:\n%s\n%s", before, refBefore)
				}
				logs := listenSyslog(t, h.Root)
				s := startApply(t, h, ev.tty, k)
				paused := s.pause.Wait()
				if paused {
					s.apply = childOf(t, s.proc.Pid)
					want := ""
					if k == last {
						want = strings.TrimSpace(lastLine)
					}
					s.drained(want)
					ev.do(s)
					s.pause.Resume()
				}
				s.wait()
				after, afterFiles := h.runtime(), h.files()
				switch {
				case after == before && same(files, afterFiles):
					t.Logf("rolled back")
				case after == refAfter && same(refFiles, afterFiles):
					t.Logf("applied")
					if ev.name == "closed-pipe" || ev.name == "terminal-gone" {
						// The line reached the admin before the stream went,
						// or syslog after: never neither.
						last := strings.TrimSpace(lastLine)
						if got := logs(); !strings.Contains(got, last) && !strings.Contains(s.output(), last) {
							t.Errorf("the last line, %q, reached neither the stream nor syslog:\n%s", lastLine, got)
						}
					}
				default:
					t.Errorf("half-applied (paused %v):\nbefore:\n%s\nafter:\n%s\napplied:\n%s\noutput:\n%s", paused, before, after, refAfter, s.output())
				}
			})
		}
	}
}

// session is one apply started with its own streams.
type session struct {
	apply int // hvnetconf's pid (the child nsenter forks), once paused
	out   *os.File
	pause *fakebsd.Pause
	mu    sync.Mutex
	buf   bytes.Buffer
	done  chan struct{}
	proc  *os.Process
}

// startApply starts `hvnetconf apply` in h, its streams a pipe or a
// terminal (whose session its parent, nsenter, leads), paused at the k-th
// of its commands.
func startApply(t *testing.T, h *host, tty bool, k int) *session {
	t.Helper()
	s := &session{done: make(chan struct{}), pause: h.PauseAt(k)}
	cmd := h.CommandContext(t.Context(), nil, "/usr/local/sbin/hvnetconf", "apply")
	var child *os.File
	if tty {
		master, slave := openPTY(t)
		s.out, child = master, slave
		cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	} else {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		s.out, child = r, w
		cmd.Stdout, cmd.Stderr = w, w
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	child.Close()
	s.proc = cmd.Process
	go func() {
		// Drained as a terminal or a reader would, until it is gone.
		b := make([]byte, 4096)
		for {
			n, err := s.out.Read(b)
			s.mu.Lock()
			s.buf.Write(b[:n])
			s.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	go func() {
		cmd.Wait()
		close(s.done)
	}()
	// A run that ends without reaching the pause.
	go func() {
		<-s.done
		s.pause.Done()
	}()
	return s
}

// wait returns once hvnetconf itself has ended (its parent may have gone
// before it), and lets the paused command go on if the run ended first.
func (s *session) wait() {
	if s.apply == 0 {
		<-s.done
		return
	}
	fd, err := unix.PidfdOpen(s.apply, 0)
	if err != nil {
		<-s.done // already gone
		return
	}
	defer unix.Close(fd)
	pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	for {
		if _, err := unix.Poll(pfd, -1); err != unix.EINTR {
			return
		}
	}
}

// drained waits until the stream's reader has read want (10 s at most),
// then (2 s at most) until the stream holds nothing its reader has not
// read: a line hvnetconf wrote before the pause has reached the stream
// (the kernel took it, so it will never reach syslog), and the reader
// must have it before the event takes the stream away, or the test would
// find the line nowhere. (The pause can come right after a line: "run:
// service devd restart" is printed just before that command.) Nothing
// unread is not enough on a terminal: what the slave side took reaches
// the master's queue later, from a kernel worker (tty_flip_buffer_push),
// which on a loaded machine ran after the look (failed so once in
// session 7, with "run: service devd restart").
func (s *session) drained(want string) {
	for end := time.Now().Add(10 * time.Second); want != "" && !strings.Contains(s.output(), want) && time.Now().Before(end); {
		time.Sleep(10 * time.Millisecond)
	}
	rc, err := s.out.SyscallConn()
	if err != nil {
		return
	}
	for range 200 {
		n := 0
		rc.Control(func(fd uintptr) { n, _ = unix.IoctlGetInt(int(fd), unix.TIOCINQ) })
		if n == 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (s *session) output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// childOf is the one child of pid (hvnetconf, which nsenter forks).
func childOf(t *testing.T, pid int) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	if err != nil {
		t.Fatal(err)
	}
	c, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatalf("children of %d: %q", pid, b)
	}
	return c
}

// openPTY opens a pseudo-terminal pair (pty(7)).
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	sl, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	return m, sl
}

// listenSyslog stands in for syslogd in the sandbox: a datagram socket at
// /var/run/log (FreeBSD's, which Go's log/syslog tries); it returns what
// arrived so far. A socket's path is limited to about 100 bytes, and the
// root's may be longer (t.TempDir's, named after the subtest, when the
// roots are not on /dev/shm: fakebsd.ScratchBase), so the socket is bound
// through a descriptor of the root's /var/run (/proc/self/fd/N/log): no
// link from elsewhere, on whatever file system the root is.
func listenSyslog(t *testing.T, root string) func() string {
	t.Helper()
	run, err := os.Open(filepath.Join(root, "var/run"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { run.Close() })
	name := fmt.Sprintf("/proc/self/fd/%d/log", run.Fd())
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	// Read all along (a full queue would block the sender); once the
	// apply has ended, a last datagram of the test's own, queued after
	// all of its, says everything has been read.
	const end = "\x00end of test"
	got := make(chan string, 1)
	go func() {
		var b strings.Builder
		buf := make([]byte, 64<<10)
		for {
			n, err := c.Read(buf)
			if err != nil || string(buf[:n]) == end {
				got <- b.String()
				return
			}
			b.Write(buf[:n])
			b.WriteByte('\n')
		}
	}()
	return func() string {
		w, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: name, Net: "unixgram"})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		if _, err := w.Write([]byte(end)); err != nil {
			t.Fatal(err)
		}
		return <-got
	}
}
