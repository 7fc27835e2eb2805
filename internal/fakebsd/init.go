//go:build linux

package fakebsd

import (
	"fmt"
	"golang.org/x/sys/unix"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
)

// sandboxInit is the first process of a sandbox (internal/conformance
// starts it with unshare(1) in new mount, network and PID namespaces):
// it mounts what the host's programs need into ROOT (proc for ps(1), a
// /dev/null, the host's shared libraries read-only), chroots there, says
// "ready", and then reaps every process that ends, as init(8) does, so
// that a daemon's pid disappears when it exits and rc.subr's
// wait_for_pids ends. Killing it ends the sandbox and all in it.
func sandboxInit(argv []string, stdout, stderr io.Writer, _ func(string) string) int {
	if len(argv) != 3 || os.Getpid() != 1 {
		fmt.Fprintln(stderr, "init: fakebsd: usage: init ROOT HOSTTOOLS (as PID 1 of a new PID namespace)")
		return 64
	}
	root := argv[1]
	if err := mountSandbox(root, argv[2]); err != nil {
		fmt.Fprintf(stderr, "init: fakebsd: %v\n", err)
		return 71
	}
	if err := syscall.Chroot(root); err != nil {
		fmt.Fprintf(stderr, "init: fakebsd: chroot %s: %v\n", root, err)
		return 71
	}
	os.Chdir("/")
	sig := make(chan os.Signal, 8)
	signal.Notify(sig, syscall.SIGCHLD)
	fmt.Fprintln(stdout, "ready")
	for range sig {
		for {
			pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
	}
	return 0
}

// mountSandbox mounts proc, a /dev/null of its own (mknod: a bind of the
// host's node would let a chmod inside reach it), and read-only binds of
// the host's libraries and of HOSTTOOLS (copies of the host programs the
// scripts use) at /.fakebsd/host: nothing inside can write a host file.
func mountSandbox(root, hostTools string) error {
	type bind struct{ src, dst string }
	if err := os.MkdirAll(filepath.Join(root, "proc"), 0o755); err != nil {
		return err
	}
	if err := syscall.Mount("proc", filepath.Join(root, "proc"), "proc", syscall.MS_NOSUID|syscall.MS_NODEV|syscall.MS_NOEXEC, ""); err != nil {
		return fmt.Errorf("mount proc: %w", err)
	}
	null := filepath.Join(root, "dev/null")
	os.MkdirAll(filepath.Dir(null), 0o755)
	os.Remove(null)
	if err := unix.Mknod(null, unix.S_IFCHR|0o666, int(unix.Mkdev(1, 3))); err != nil {
		return fmt.Errorf("mknod /dev/null: %w", err)
	}
	binds := []bind{{hostTools, ".fakebsd/host"}}
	for _, lib := range []string{"/lib", "/lib64", "/lib32", "/libx32", "/usr/lib", "/usr/lib64", "/usr/lib32"} {
		fi, err := os.Lstat(lib)
		switch {
		case err != nil:
		case fi.Mode()&os.ModeSymlink != 0:
			target, err := os.Readlink(lib)
			if err != nil {
				return err
			}
			dst := filepath.Join(root, lib)
			os.MkdirAll(filepath.Dir(dst), 0o755)
			if err := os.Symlink(target, dst); err != nil && !os.IsExist(err) {
				return err
			}
		case fi.IsDir():
			binds = append(binds, bind{lib, lib[1:]})
		}
	}
	for _, b := range binds {
		dst := filepath.Join(root, b.dst)
		if fi, err := os.Stat(b.src); err == nil && fi.IsDir() {
			os.MkdirAll(dst, 0o755)
		} else {
			os.MkdirAll(filepath.Dir(dst), 0o755)
			if f, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
				f.Close()
			}
		}
		if err := syscall.Mount(b.src, dst, "", syscall.MS_BIND|syscall.MS_REC, ""); err != nil {
			return fmt.Errorf("bind %s: %w", b.src, err)
		}
		if err := syscall.Mount("", dst, "", syscall.MS_BIND|syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
			return fmt.Errorf("remount %s read-only: %w", b.src, err)
		}
	}
	return nil
}
