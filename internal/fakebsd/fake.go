package fakebsd

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/hvnetconf/hvnetconf/live"
)

// Host is the test's handle on an emulated host: a state file, a root
// directory for rc.conf and friends, and the fake programs.
type Host struct {
	tb        testing.TB
	StatePath string // FAKEBSD_STATE
	Root      string // FAKEBSD_ROOT: stands for /
}

// New creates an emulated host in a fresh temporary directory, with lo0
// as every FreeBSD host has it.
func New(tb testing.TB) *Host {
	tb.Helper()
	dir := TempDir(tb)
	return NewAt(tb, filepath.Join(dir, "state.json"), filepath.Join(dir, "root"))
}

// NewAt creates an emulated host whose state lives at statePath, for the
// root directory root (a sandbox keeps both inside the root).
func NewAt(tb testing.TB, statePath, root string) *Host {
	tb.Helper()
	h := &Host{tb: tb, StatePath: statePath, Root: root}
	if err := os.MkdirAll(filepath.Dir(statePath), 0o755); err != nil {
		tb.Fatal(err)
	}
	st := newState()
	st.Boot = now().Unix()
	b, _ := json.Marshal(st)
	for _, err := range []error{os.WriteFile(h.StatePath, b, 0o644), os.MkdirAll(h.Root, 0o755)} {
		if err != nil {
			tb.Fatal(err)
		}
	}
	h.Update(func(s *State) {
		s.addIface(&Iface{Name: "lo0", Kind: KindLo, MTU: 16384, Up: true, Carrier: true,
			Inet: []Addr{{"127.0.0.1", 8}}, Inet6: []Addr{{"::1", 128}, {"fe80::1", 64}}})
	})
	return h
}

// Update changes the state under its lock; fn must not fail.
func (h *Host) Update(fn func(*State)) {
	h.tb.Helper()
	if err := update(h.StatePath, func(s *State) error { fn(s); return nil }); err != nil {
		h.tb.Fatal(err)
	}
}

// State returns a copy of the current state.
func (h *Host) State() *State {
	h.tb.Helper()
	s, err := read(h.StatePath)
	if err != nil {
		h.tb.Fatal(err)
	}
	return s
}

// AddHN adds a synthetic NIC, down, with carrier (the host side is up).
// A VF already attached with its MAC and no hn is paired with it, as hn
// pairs a VF by its link-level address (if_hn.c hn_ismyvf).
func (h *Host) AddHN(name, mac string) {
	h.Update(func(s *State) {
		hn := &Iface{Name: name, Kind: KindHN, MAC: mac, Carrier: true}
		s.addIface(hn)
		for _, i := range s.Ifaces {
			if i.Kind == KindVF && i.HN == "" && i.MAC == mac {
				i.HN, hn.VF = name, i.Name
			}
		}
	})
}

// AddVF attaches a VF before its hn (at boot the PCI device may attach
// first): it has the lower interface index; AddHN pairs them.
func (h *Host) AddVF(name, mac string) {
	h.Update(func(s *State) { s.addIface(&Iface{Name: name, Kind: KindVF, MAC: mac, Carrier: true}) })
}

// AttachVF adds hn's SR-IOV VF (same MAC, down) and pairs it, as a VF
// hot-plug does; devd sees ETHERNET IFATTACH.
func (h *Host) AttachVF(hn, vf string) {
	h.Update(func(s *State) {
		// The host pairs the VF with the device, whatever rc renamed
		// it to (if_hn.c keeps its softc, not its name).
		var p *Iface
		for _, i := range s.Ifaces {
			if i.Kind == KindHN && i.Dev == hn {
				p = i
			}
		}
		if p == nil {
			h.tb.Fatalf("fakebsd: AttachVF: no hn device %s", hn)
		}
		s.addIface(&Iface{Name: vf, Kind: KindVF, MAC: p.MAC, HN: p.Name, Carrier: true})
		p.VF = vf
	})
}

// DetachVF removes a VF (live migration): it leaves its lagg, hn gets its
// link back, devd sees VF_DOWN (if it was up) and IFDETACH.
func (h *Host) DetachVF(vf string) { h.Update(func(s *State) { s.removeIface(vf) }) }

// SetTransparent sets hw.hn.vf_transparent.
func (h *Host) SetTransparent(on bool) { h.Update(func(s *State) { s.Transparent = on }) }

// SetKernel selects which hn sysctls the kernel lacks.
func (h *Host) SetKernel(k Kernel) { h.Update(func(s *State) { s.Kernel = k }) }

// SetDHCP makes the DHCP server hand addr ("10.0.0.4/24") to mac.
func (h *Host) SetDHCP(mac, addr string) {
	h.Update(func(s *State) {
		if s.DHCP == nil {
			s.DHCP = map[string]string{}
		}
		s.DHCP[mac] = addr
	})
}

// FailAt makes the k-th command from now fail with exit status 1 (k ≥ 1;
// 0 turns injection off).
func (h *Host) FailAt(k int) { h.Update(func(s *State) { s.FailAt = k }) }

// Sysctls returns the host's sysctls, derived from the state at each read.
func (h *Host) Sysctls() Sysctls { return Sysctls{path: h.StatePath} }

// Env is what the fake programs need: PATH with the fakes first, the state
// file and the root.
func (h *Host) Env() []string {
	return []string{"PATH=" + h.Path(), EnvState + "=" + h.StatePath, EnvRoot + "=" + h.Root}
}

// Path is a PATH with the fake programs first.
func (h *Host) Path() string {
	return binDir(h.tb) + string(os.PathListSeparator) + os.Getenv("PATH")
}

// Runner runs programs against this host.
func (h *Host) Runner() live.ExecRunner {
	return live.ExecRunner{Path: h.Path(), Env: h.Env()[1:]}
}

// Commands returns every command run so far.
func (h *Host) Commands() []Command { return h.State().Commands }

// Events returns the devd events and service restarts so far.
func (h *Host) Events() []string { return h.State().Events }

// ClearLogs empties the command and event logs (e.g. after a test's setup).
func (h *Host) ClearLogs() { h.Update(func(s *State) { s.Commands, s.Events = nil, nil }) }

// RunStub runs a test's stand-in for a program that only a sandbox runs
// for real (service(8) in apply's unit tests): it is logged and subject
// to FailAt like any kernel command, and fn acts on the state under its
// lock.
func (h *Host) RunStub(argv []string, stdout, stderr io.Writer, fn func(s *State, stdout, stderr io.Writer) int) int {
	code := 0
	err := update(h.StatePath, func(s *State) error {
		code = s.runKernel(argv[0], argv[1:], stdout, stderr, func(s *State, _ []string, o, e io.Writer) int { return fn(s, o, e) })
		return nil
	})
	if err != nil {
		h.tb.Fatal(err)
	}
	return code
}

// StartDhclient is what dhclient(8) does to the kernel when it starts on
// ifname (up, lease), without the daemon: for tests outside a sandbox.
func (s *State) StartDhclient(ifname string, stderr io.Writer) int {
	return s.startDhclient(ifname, stderr)
}
