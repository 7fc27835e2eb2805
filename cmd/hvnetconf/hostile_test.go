package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hvnetconf/hvnetconf/fsys"
	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"github.com/hvnetconf/hvnetconf/internal/testtool"
)

// Bounds every run must keep whatever it is fed (the promise: ends
// within 10 s using under 512 MB). They are checked on the child's own
// rusage (CPU time and peak RSS), not on the wall clock of a busy machine.
const (
	maxRSSKiB = 512 << 10
	maxCPU    = 10 * time.Second
	// killAfter only ends a run that hangs (a FIFO read, a loop), so the
	// test fails instead of waiting forever.
	killAfter = 60 * time.Second
)

var (
	releaseOnce sync.Once
	releaseBin  string
	releaseErr  error
)

// releaseBinary builds hvnetconf as a release is built (no build tags), so
// that on Linux it has no live access at all.
func releaseBinary(t *testing.T) string {
	t.Helper()
	releaseOnce.Do(func() {
		dir, err := os.MkdirTemp("", "hvnetconf-release")
		if err != nil {
			releaseErr = err
			return
		}
		releaseBin, releaseErr = testtool.Build(dir, ".")
	})
	if releaseErr != nil {
		t.Fatal(releaseErr)
	}
	return releaseBin
}

// result is one finished child run.
type result struct {
	code           int
	stdout, stderr string
	maxRSSKiB      int64
	cpu            time.Duration
}

// runChild runs the release binary with PATH set to dir only (a trap: any
// program it would run there leaves a marker) and measures it.
func runChild(t *testing.T, trapPath string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), killAfter)
	defer cancel()
	cmd := exec.CommandContext(ctx, releaseBinary(t), args...)
	cmd.Env = []string{"PATH=" + trapPath, "LC_ALL=C"}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%q: still running after %s (killed): %s", args, killAfter, stderr.String())
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return result{
		code: code, stdout: stdout.String(), stderr: stderr.String(),
		maxRSSKiB: ru.Maxrss,
		cpu:       time.Duration(ru.Utime.Nano() + ru.Stime.Nano()),
	}
}

// trapDir holds programs named like FreeBSD's that record being run.
func trapDir(t *testing.T) (dir, marker string) {
	t.Helper()
	dir = t.TempDir()
	marker = filepath.Join(t.TempDir(), "ran")
	for _, prog := range []string{"ifconfig", "sysctl", "service", "route", "dhclient", "kldstat"} {
		script := "#!/bin/sh\necho " + prog + " >> " + marker + "\n"
		if err := os.WriteFile(filepath.Join(dir, prog), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir, marker
}

// treeState describes every node under dir: kind, mode, size and content
// hash for files, target for links. Byte-identical trees compare equal.
func treeState(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			fmt.Fprintf(&b, "%s -> %s\n", rel, target)
		case fi.Mode().IsRegular() && fi.Size() == 0:
			fmt.Fprintf(&b, "%s %v %q\n", rel, fi.Mode(), "") // 65537 of them in one case: no open
		case fi.Mode().IsRegular() && fi.Size() <= 1<<20:
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, "%s %v %q\n", rel, fi.Mode(), data)
		default:
			fmt.Fprintf(&b, "%s %v %d\n", rel, fi.Mode(), fi.Size())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// hostileCase is one attack on a root (or on the host through it).
type hostileCase struct {
	name string
	// setup builds on a copy of examples/azure (root) and may use outside,
	// a host directory that must stay as it is; it returns the arguments
	// (the binary's, "-R ROOT" and "--state" are not added for it).
	setup func(t *testing.T, root, outside string) []string
	code  int
	line  string // stderr's first line starts with "hvnetconf: "+line
	// changes says the root may change (a successful render); otherwise
	// it must stay byte-identical.
	changes bool
	check   func(t *testing.T, root string, r result)
}

func TestHostileRoots(t *testing.T) {
	state, err := filepath.Abs(exampleState)
	if err != nil {
		t.Fatal(err)
	}
	write := func(t *testing.T, p, data string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(t *testing.T, target, p string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	fifo := func(t *testing.T, p string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sparse := func(t *testing.T, p string, size int64, head string) {
		t.Helper()
		write(t, p, head)
		if err := os.Truncate(p, size); err != nil {
			t.Fatal(err)
		}
	}
	appendRC := func(t *testing.T, root, text string) {
		t.Helper()
		f, err := os.OpenFile(filepath.Join(root, "etc/rc.conf"), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.WriteString(text); err != nil {
			t.Fatal(err)
		}
	}
	diff := func(root string) []string { return []string{"diff", "-R", root, "--state", state} }
	render := func(root string) []string { return []string{"render", "-R", root, "--state", state} }
	noHostText := func(t *testing.T, _ string, r result) {
		if strings.Contains(r.stdout+r.stderr, "HOSTFILE") {
			t.Errorf("the host file's content reached the output:\n%s%s", r.stdout, r.stderr)
		}
	}
	cases := []hostileCase{
		{name: "policy links to a host file", code: 1,
			setup: func(t *testing.T, root, out string) []string {
				write(t, filepath.Join(out, "host.toml"), "# HOSTFILE\nmode = \"transparent\"\n")
				link(t, filepath.Join(out, "host.toml"), filepath.Join(root, "usr/local/etc/hvnetconf.toml"))
				return diff(root)
			},
			check: func(t *testing.T, root string, r result) {
				noHostText(t, root, r)
				if !strings.Contains(r.stdout, "lagg0") {
					t.Errorf("the host's policy (transparent) won: diff renders no lagg:\n%s", r.stdout)
				}
			}},
		{name: "policy is a FIFO", code: sysexits.Config, line: "/usr/local/etc/hvnetconf.toml: is a FIFO, not a regular file",
			setup: func(t *testing.T, root, _ string) []string {
				fifo(t, filepath.Join(root, "usr/local/etc/hvnetconf.toml"))
				return diff(root)
			}},
		{name: "policy links to the image's /dev/zero", code: sysexits.Config, line: "/usr/local/etc/hvnetconf.toml: is a device, not a regular file",
			setup: func(t *testing.T, root, _ string) []string {
				if os.Geteuid() != 0 {
					t.Skip("mknod needs root")
				}
				if err := os.MkdirAll(filepath.Join(root, "dev"), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := syscall.Mknod(filepath.Join(root, "dev/zero"), syscall.S_IFCHR|0o666, 1<<8|5); err != nil {
					t.Fatal(err)
				}
				link(t, "/dev/zero", filepath.Join(root, "usr/local/etc/hvnetconf.toml"))
				return diff(root)
			}},
		{name: "rc.conf.local is a FIFO", code: sysexits.DataErr, line: "/etc/defaults/rc.conf:27:20: . /etc/rc.conf.local: is a FIFO",
			setup: func(t *testing.T, root, _ string) []string {
				os.Remove(filepath.Join(root, "etc/rc.conf.local"))
				fifo(t, filepath.Join(root, "etc/rc.conf.local"))
				return diff(root)
			}},
		{name: "pf.conf is a FIFO", code: sysexits.DataErr, line: "/etc/pf.conf: is a FIFO",
			setup: func(t *testing.T, root, _ string) []string {
				appendRC(t, root, "pf_enable=\"YES\"\n")
				fifo(t, filepath.Join(root, "etc/pf.conf"))
				return diff(root)
			}},
		{name: "8 GB pf.conf", code: sysexits.DataErr, line: "/etc/pf.conf: larger than the 1024 KiB limit",
			setup: func(t *testing.T, root, _ string) []string {
				appendRC(t, root, "pf_enable=\"YES\"\n")
				sparse(t, filepath.Join(root, "etc/pf.conf"), 8<<30, "pass on hn0\n")
				return diff(root)
			}},
		{name: "rc.conf.d with 65537 entries", code: sysexits.DataErr, line: "/etc/rc.conf.d: more than 65536 entries",
			setup: func(t *testing.T, root, _ string) []string {
				d := filepath.Join(root, "etc/rc.conf.d")
				if err := os.MkdirAll(d, 0o755); err != nil {
					t.Fatal(err)
				}
				// Hard links, a new file every 1000 (file systems cap a
				// file's links): the same entries for half the system time
				// (the bound is on entries, met before any file is read).
				for i := range fsys.MaxDirEntries + 1 {
					p, first := filepath.Join(d, "s"+strconv.Itoa(i)), filepath.Join(d, "s"+strconv.Itoa(i-i%1000))
					if i%1000 == 0 {
						write(t, p, "")
					} else if err := os.Link(first, p); err != nil {
						t.Fatal(err)
					}
				}
				return render(root)
			}},
		// rc.conf.d/network is also what load_rc_config reads: bad input.
		{name: "8 GB target file", code: sysexits.DataErr, line: "/usr/local/etc/rc.conf.d/network: file is larger than the 1 MiB limit",
			setup: func(t *testing.T, root, _ string) []string {
				sparse(t, filepath.Join(root, "usr/local/etc/rc.conf.d/network"), 8<<30, "# Generated by hvnetconf\n")
				return render(root)
			}},
		{name: "target is a FIFO", code: sysexits.CantCreate, line: "/usr/local/etc/rc.conf.d/network: is a FIFO",
			setup: func(t *testing.T, root, _ string) []string {
				fifo(t, filepath.Join(root, "usr/local/etc/rc.conf.d/network"))
				return render(root)
			}},
		{name: "3 GB state file", code: sysexits.DataErr, line: "",
			setup: func(t *testing.T, root, out string) []string {
				p := filepath.Join(out, "big.toml")
				sparse(t, p, 3<<30, "vf_transparent = 0\n")
				return []string{"diff", "-R", root, "--state", p}
			},
			check: func(t *testing.T, _ string, r result) {
				if !strings.Contains(r.stderr, "big.toml: larger than the 1024 KiB limit") {
					t.Errorf("stderr %q does not name the file and the cap", r.stderr)
				}
			}},
		{name: "state file is a FIFO", code: sysexits.DataErr, line: "",
			setup: func(t *testing.T, root, out string) []string {
				p := filepath.Join(out, "state.fifo")
				fifo(t, p)
				return []string{"diff", "-R", root, "--state", p}
			},
			check: func(t *testing.T, _ string, r result) {
				if !strings.Contains(r.stderr, "state.fifo: is a FIFO") {
					t.Errorf("stderr %q does not say FIFO", r.stderr)
				}
			}},
		{name: "~user reads no passwd", code: sysexits.DataErr, line: "/etc/rc.conf:",
			setup: func(t *testing.T, root, _ string) []string {
				appendRC(t, root, "home=~root\n")
				return diff(root)
			}},
		{name: "lock path links out of an image", code: 0, changes: true,
			setup: func(t *testing.T, root, out string) []string {
				link(t, filepath.Join(out, "victim"), filepath.Join(root, "var/run/hvnetconf.lock"))
				return render(root)
			}},
		{name: "var links out of an image", code: 0, changes: true,
			setup: func(t *testing.T, root, out string) []string {
				link(t, out, filepath.Join(root, "var"))
				return render(root)
			}},
		{name: "rc.conf.d links elsewhere in the image", code: 0, changes: true,
			setup: func(t *testing.T, root, _ string) []string {
				if err := os.MkdirAll(filepath.Join(root, "etc/rc.conf.d"), 0o755); err != nil {
					t.Fatal(err)
				}
				link(t, "../../../etc/rc.conf.d", filepath.Join(root, "usr/local/etc/rc.conf.d"))
				return render(root)
			},
			check: func(t *testing.T, root string, r result) {
				second := runChild(t, "/nonexistent", render(root)...)
				if second.code != 0 || second.stdout != "up to date: nothing to write\n" {
					t.Errorf("second render through the link: exit %d\n%s%s", second.code, second.stdout, second.stderr)
				}
				if _, err := os.Stat(filepath.Join(root, "etc/rc.conf.d/network")); err != nil {
					t.Errorf("the rendered file is not where the link leads: %v", err)
				}
			}},
		{name: "absolute rc.conf link is followed inside the image", code: 1,
			setup: func(t *testing.T, root, out string) []string {
				write(t, filepath.Join(out, "rc.conf.real"), "# HOSTFILE\nifconfig_hn0=\"inet 192.0.2.99/24\"\n")
				if err := os.Rename(filepath.Join(root, "etc/rc.conf"), filepath.Join(root, "etc/rc.conf.real")); err != nil {
					t.Fatal(err)
				}
				appendRCAt(t, filepath.Join(root, "etc/rc.conf.real"), "hostname=\"IMAGE\"\n")
				link(t, "/etc/rc.conf.real", filepath.Join(root, "etc/rc.conf"))
				return diff(root)
			},
			check: func(t *testing.T, root string, r result) {
				noHostText(t, root, r)
				if !strings.Contains(r.stdout, "laggport hn0 SYNCDHCP") || strings.Contains(r.stdout, "192.0.2.99") {
					t.Errorf("the image's rc.conf was not read through its absolute link:\n%s", r.stdout)
				}
			}},
		{name: "apply to an image is files only", code: 0, changes: true, line: "",
			setup: func(t *testing.T, root, _ string) []string {
				return []string{"apply", "-R", root, "--state", state}
			},
			check: func(t *testing.T, _ string, r result) {
				if !strings.Contains(r.stdout, "is an image: files only, nothing on this running system was changed") {
					t.Errorf("apply does not say the host was left alone:\n%s", r.stdout)
				}
			}},
		{name: "state file is /proc/kmsg", code: sysexits.DataErr, line: "/proc/kmsg: a read from it waits for data",
			setup: func(t *testing.T, root, _ string) []string {
				if f, err := os.Open("/proc/kmsg"); err != nil {
					t.Skip("no readable /proc/kmsg here")
				} else {
					f.Close()
				}
				return []string{"diff", "-R", root, "--state", "/proc/kmsg"}
			}},
		{name: "forged journal", code: sysexits.DataErr, line: "/usr/local/etc/rc.conf.d/.hvnetconf.journal:2: names a file that is not one of hvnetconf's targets",
			setup: func(t *testing.T, root, _ string) []string {
				write(t, filepath.Join(root, "usr/local/etc/owned"), "# Generated by hvnetconf\n")
				write(t, filepath.Join(root, "usr/local/etc/rc.conf.d/.hvnetconf.journal"), "hvnetconf journal 2\nremove \"usr/local/etc/owned\"\n")
				return diff(root)
			}},
		{name: "forged journal, second entry's staged file a link", code: sysexits.DataErr,
			line: "/usr/local/etc/rc.conf.d/.hvnetconf.journal:3: its staged file is not a regular file",
			setup: func(t *testing.T, root, out string) []string {
				d := filepath.Join(root, "usr/local/etc/rc.conf.d")
				evil := "# Generated by hvnetconf\nifconfig_hn0=\"inet 203.0.113.66/24\"\n"
				write(t, filepath.Join(d, ".network.hvnetconf-0123456789ab"), evil)
				link(t, filepath.Join(out, "x"), filepath.Join(d, ".routing.hvnetconf-0123456789ab"))
				write(t, filepath.Join(d, "routing"), "# Generated by hvnetconf\n")
				write(t, filepath.Join(d, ".hvnetconf.journal"), fmt.Sprintf("hvnetconf journal 2\n"+
					"rename %d %x \"usr/local/etc/rc.conf.d/.network.hvnetconf-0123456789ab\" \"usr/local/etc/rc.conf.d/network\"\n"+
					"rename 1 %x \"usr/local/etc/rc.conf.d/.routing.hvnetconf-0123456789ab\" \"usr/local/etc/rc.conf.d/routing\"\n",
					len(evil), sha256.Sum256([]byte(evil)), sha256.Sum256([]byte("x"))))
				return diff(root)
			}},
		{name: "rc.conf.local is a hard link to a host file", code: sysexits.DataErr,
			line: "/etc/defaults/rc.conf:27:20: . /etc/rc.conf.local: has 2 hard links; hvnetconf reads only files with one",
			setup: func(t *testing.T, root, out string) []string {
				write(t, filepath.Join(out, "secret"), "password=\"HOSTFILE\"\n")
				if err := os.Chmod(filepath.Join(out, "secret"), 0o600); err != nil {
					t.Fatal(err)
				}
				os.Remove(filepath.Join(root, "etc/rc.conf.local"))
				if err := os.Link(filepath.Join(out, "secret"), filepath.Join(root, "etc/rc.conf.local")); err != nil {
					t.Fatal(err)
				}
				return []string{"vars", "-R", root, "password"}
			},
			check: noHostText},
		// Two 64 KiB values make a 128 KiB pattern, matched against a
		// third: minutes of regular expression work before each match
		// was charged as it ran (rcconf/match.go).
		{name: "a pattern built from two 64 KiB values", code: sysexits.DataErr, line: "/etc/rc.conf:",
			setup: func(t *testing.T, root, _ string) []string {
				p := strings.Repeat("a", 64<<10)
				appendRC(t, root, "p="+p+"\nx=$p\ny=${x%%*$p$p}\n")
				return render(root)
			},
			check: func(t *testing.T, root string, r result) {
				data, err := os.ReadFile(filepath.Join(root, "etc/rc.conf"))
				if err != nil {
					t.Fatal(err)
				}
				want := fmt.Sprintf("/etc/rc.conf:%d:1: limit: pattern matches over the work budget", strings.Count(string(data), "\n"))
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr %q, want it to name the match's own line: %s", r.stderr, want)
				}
			}},
		{name: "diff without --state live", code: sysexits.Unavailable, line: "diff without --state needs the running FreeBSD system",
			setup: func(t *testing.T, root, _ string) []string { return []string{"diff", "-R", "/"} }},
		{name: "image without --state", code: sysexits.Usage, line: "-R ",
			setup: func(t *testing.T, root, _ string) []string { return []string{"diff", "-R", root} }},
		{name: "vf-up on an image", code: sysexits.Unavailable, line: "vf-up needs the running FreeBSD system",
			setup: func(t *testing.T, root, _ string) []string { return []string{"vf-up", "-R", root, "--", "hn0"} }},
		{name: "vf-attach", code: sysexits.Unavailable, line: "vf-attach needs the running FreeBSD system",
			setup: func(t *testing.T, root, _ string) []string { return []string{"vf-attach", "-R", root, "--", "mce0"} }},
		{name: "apply --dry-run live", code: sysexits.Unavailable, line: "apply needs the running FreeBSD system",
			setup: func(t *testing.T, root, _ string) []string {
				return []string{"apply", "--dry-run", "-R", "/", "--state", state}
			}},
		{name: "check live", code: sysexits.Unavailable, line: "check without --state needs the running FreeBSD system",
			setup: func(t *testing.T, root, _ string) []string { return []string{"check", "-R", "/"} }},
		{name: "snapshot", code: sysexits.Unavailable, line: "snapshot needs the running FreeBSD system",
			setup: func(t *testing.T, root, _ string) []string { return []string{"snapshot"} }},
	}
	// The live cases name -R /: a refused run must not even take the
	// host's lock (which would create /var/run/hvnetconf.lock here).
	const hostLock = "/var/run/hvnetconf.lock"
	_, err = os.Lstat(hostLock)
	hadLock := err == nil
	defer func() {
		if _, err := os.Lstat(hostLock); err == nil && !hadLock {
			t.Errorf("%s was created on this host", hostLock)
			os.Remove(hostLock)
		}
	}()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := exampleRoot(t)
			outside := t.TempDir()
			args := tc.setup(t, root, outside)
			trap, marker := trapDir(t)
			rootBefore, outBefore := treeState(t, root), treeState(t, outside)
			strayBefore := strayFiles(t, root)
			r := runChild(t, trap, args...)
			lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
			if r.code != tc.code {
				t.Errorf("exit %d, want %d; stdout:\n%s\nstderr:\n%s", r.code, tc.code, r.stdout, r.stderr)
			}
			if tc.code != 0 && tc.code != 1 && (len(lines) != 1 || !strings.HasPrefix(lines[0], "hvnetconf: "+tc.line)) {
				t.Errorf("stderr %q: want one line starting %q", r.stderr, "hvnetconf: "+tc.line)
			}
			if !tc.changes {
				if got := treeState(t, root); got != rootBefore {
					t.Errorf("root changed:\n%s\nwant:\n%s", got, rootBefore)
				}
			}
			if got := treeState(t, outside); got != outBefore {
				t.Errorf("outside the root changed:\n%s\nwant:\n%s", got, outBefore)
			}
			if _, err := os.Stat(marker); err == nil {
				ran, _ := os.ReadFile(marker)
				t.Errorf("ran host programs: %s", ran)
			}
			if leftovers := strayFiles(t, root); !slices.Equal(leftovers, strayBefore) {
				t.Errorf("left in the image: %q", leftovers)
			}
			if r.maxRSSKiB > maxRSSKiB || r.cpu > maxCPU {
				t.Errorf("used %d MiB and %s CPU; bounds %d MiB, %s", r.maxRSSKiB>>10, r.cpu, maxRSSKiB>>10, maxCPU)
			}
			t.Logf("exit %d, %d MiB peak, %s CPU", r.code, r.maxRSSKiB>>10, r.cpu.Round(time.Millisecond))
			if tc.check != nil {
				tc.check(t, root, r)
			}
		})
	}
	if runtime.GOOS != "linux" {
		t.Log("rusage's Maxrss is in KiB on Linux; elsewhere the bound is approximate")
	}
}

func appendRCAt(t *testing.T, p, text string) {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, append(data, text...), 0o644); err != nil {
		t.Fatal(err)
	}
}

// strayFiles lists what hvnetconf must never leave in an image: its lock,
// journal or temporary files.
func strayFiles(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		name := d.Name()
		if strings.Contains(name, ".hvnetconf-") || slices.Contains([]string{"hvnetconf.lock", ".hvnetconf.journal"}, name) {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// TestRenderOutIsNotTheRoot: --out naming the root itself is refused at
// once (it would wait on the root's own lock).
func TestRenderOutIsNotTheRoot(t *testing.T) {
	root := exampleRoot(t)
	_, stderr, code := hvnetconf(t, "render", "-R", root, "--state", exampleState, "--out", root+"/.")
	if code != sysexits.Usage || !strings.Contains(stderr, "is the root itself") {
		t.Errorf("exit %d, stderr %q; want 64", code, stderr)
	}
}
