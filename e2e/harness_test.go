// Package e2e runs hvnetconf as a real process against the emulated
// FreeBSD host (internal/fakebsd): the scenarios of the live path.
package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hvnetconf/hvnetconf/internal/fakebsd"
)

var binDir string // hvnetconf, built once

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hvnetconf-e2e-")
	if err == nil {
		err = build(dir)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	binDir = dir
	code := fakebsd.RunTests(m)
	os.RemoveAll(dir)
	os.Exit(code)
}

func build(dir string) error {
	gotool := filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	if os.Getenv("GOROOT") == "" {
		gotool = "go"
	}
	if b, err := exec.Command(gotool, "build", "-o", filepath.Join(dir, "hvnetconf"), "../cmd/hvnetconf").CombinedOutput(); err != nil {
		return fmt.Errorf("go build ../cmd/hvnetconf: %v\n%s", err, b)
	}
	return nil
}

// host is an emulated Azure guest in non-transparent mode: hn0 with a DHCP
// lease waiting for its MAC, rc.conf the way official images write it.
type host struct {
	*fakebsd.Host
	t *testing.T
}

const mac0 = "00:15:5d:00:00:04"

func newHost(t *testing.T, rcconf string) *host {
	h := &host{Host: fakebsd.New(t), t: t}
	h.AddHN("hn0", mac0)
	h.SetDHCP(mac0, "10.0.0.4/24")
	defaults, err := os.ReadFile("../golden/_defaults/rc.conf")
	if err != nil {
		t.Fatal(err)
	}
	h.writeFile("/etc/defaults/rc.conf", string(defaults))
	h.writeFile("/etc/rc.conf", rcconf)
	return h
}

func (h *host) writeFile(path, data string) {
	p := filepath.Join(h.Root, path)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		h.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		h.t.Fatal(err)
	}
}

// env is the test's environment with the fakes' on top (PATH with the
// fake ifconfig, service and sysctl first).
func (h *host) env() []string { return append(os.Environ(), h.Env()...) }

// result is one finished hvnetconf process.
type result struct {
	stdout, stderr string
	code           int
	took           time.Duration
}

// run runs hvnetconf CMD -R ROOT ARGS… as devd or an admin would.
func (h *host) run(cmd string, args ...string) result {
	argv := append([]string{cmd, "-R", h.Root}, args...)
	c := exec.Command(filepath.Join(binDir, "hvnetconf"), argv...)
	c.Env = h.env()
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	start := time.Now()
	err := c.Run()
	r := result{stdout: out.String(), stderr: errb.String(), took: time.Since(start)}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		h.t.Fatal(err)
	}
	return r
}

// sh runs one command on the emulated host directly (the test's own
// actions: boot-time netif, the admin's old setup).
func (h *host) sh(argv ...string) {
	h.t.Helper()
	if _, err := h.Runner().Run(context.Background(), argv...); err != nil {
		h.t.Fatal(err)
	}
}

// changes counts the commands since mark that change something: all but
// the reads (`ifconfig -l`, `ifconfig IF`, sysctl, `service dhclient
// status IF`).
func (h *host) changes(mark int) (all, changing []string) {
	for _, c := range h.Commands()[mark:] {
		line := strings.Join(c.Argv, " ")
		all = append(all, line)
		if !isRead(c.Argv) {
			changing = append(changing, line)
		}
	}
	return all, changing
}

func isRead(argv []string) bool {
	switch argv[0] {
	case "ifconfig":
		return len(argv) == 2
	case "sysctl":
		return true
	}
	return len(argv) == 4 && argv[1] == "dhclient" && argv[2] == "status"
}

// iface returns the dump lines of one interface (its line and its
// addresses and ports).
func (h *host) iface(name string) string {
	var out []string
	in := false
	for _, l := range strings.Split(h.Dump(), "\n") {
		switch {
		case strings.HasPrefix(l, "iface "+name+" "):
			in = true
		case !strings.HasPrefix(l, "  "):
			in = false
		}
		if in {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// runtime is the dump without the logs (events, leases counted so far),
// for before/after comparisons.
func (h *host) runtime() string {
	var out []string
	for _, l := range strings.Split(h.Dump(), "\n") {
		if !strings.HasPrefix(l, "event ") && !strings.HasPrefix(l, "leases ") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// files returns every file under the root, path → content.
func (h *host) files() map[string]string {
	m := map[string]string{}
	filepath.Walk(h.Root, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() && !strings.HasSuffix(p, ".lock") {
			b, _ := os.ReadFile(p)
			m[strings.TrimPrefix(p, h.Root)] = string(b)
		}
		return nil
	})
	return m
}
