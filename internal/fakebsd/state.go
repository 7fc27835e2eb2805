// Package fakebsd emulates the FreeBSD kernel on Hyper-V as hvnetconf and
// FreeBSD's own rc scripts see it: interfaces (hn, their SR-IOV VFs, lagg
// and vlan clones), lagg failover port flags, hn's link going down while
// its VF is up, the routing table, kernel modules, sysctls, devd events,
// and the userland programs the rc scripts call (ifconfig, route, sysctl,
// dhclient as a real daemon, ps, pwait, daemon, service, ...). It never
// evaluates rc.conf: FreeBSD's rc.subr and rc.d scripts do that, run by
// internal/conformance inside a sandbox. It is for tests only; production
// code never imports it.
//
// State lives in one JSON file (FAKEBSD_STATE, or /.fakebsd/state.json
// inside a sandbox) so that real processes (the multi-call binary in
// cmd/fakebsd) and the test share it; every access holds an flock on the
// lock file beside it, and every write replaces it whole (locked, save).
package fakebsd

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// State is the whole emulated host.
type State struct {
	Ifaces      map[string]*Iface `json:"ifaces"`
	Transparent bool              `json:"transparent"` // hw.hn.vf_transparent
	Kernel      Kernel            `json:"kernel"`
	Sysctls     map[string]string `json:"sysctls,omitempty"`    // extra or overriding values
	DHCP        map[string]string `json:"dhcp,omitempty"`       // MAC → "10.0.0.4/24" handed out
	Dhclient    map[string]bool   `json:"dhclient,omitempty"`   // interfaces with dhclient running
	Leases      map[string]int    `json:"leases,omitempty"`     // leases obtained per interface
	Leased      map[string]bool   `json:"leased,omitempty"`     // the dhclient on the interface holds its lease
	Routes      []Route           `json:"routes,omitempty"`     // the routing table, in the order added
	Modules     []string          `json:"modules,omitempty"`    // kernel modules loaded with kldload
	Events      []string          `json:"events,omitempty"`     // devd events and service restarts
	Commands    []Command         `json:"commands,omitempty"`   // every command run
	Unknown     []string          `json:"unknown,omitempty"`    // commands the emulation did not know
	FailAt      int               `json:"fail_at,omitempty"`    // the FailAt-th command from now fails
	FailOnly    string            `json:"fail_only,omitempty"`  // FailAt counts only commands of this caller ("hvnetconf")
	FailOn      string            `json:"fail_on,omitempty"`    // the next command with exactly this argv (joined by spaces) fails
	Messages    []string          `json:"messages,omitempty"`   // what the kernel logged (dmesg)
	Renewals    map[string]int    `json:"renewals,omitempty"`   // DHCPREQUESTs for a lease already held (link up: dhclient state_reboot)
	Release     string            `json:"release,omitempty"`    // the FreeBSD tree the kernel follows: "12.1", or "" for main
	Timers      []Timer           `json:"timers,omitempty"`     // the kernel's pending asynchronous work (taskqueues, carrier)
	TimeScale   float64           `json:"time_scale,omitempty"` // timers run this many times faster (FAKEBSD_TIME_SCALE)
	PauseAt     int               `json:"pause_at,omitempty"`   // the PauseAt-th command from now (FailOnly's caller) waits for the test (Host.PauseAt)
	PCI         []PCIFunc         `json:"pci,omitempty"`        // PCI functions besides the VFs' own (pciconf -l)
	Boot        int64             `json:"boot,omitempty"`       // kern.boottime, Unix seconds: when the host was created
	paused      bool              // this run of a command is the one PauseAt chose
}

// Major is the kernel's major version where behaviour differs (12 for a
// 12.x release), 0 for main.
func (s *State) Major() int {
	if strings.HasPrefix(s.Release, "12.") {
		return 12
	}
	return 0
}

// Kernel switches for older kernels.
type Kernel struct {
	NoVFTransparent bool `json:"no_vf_transparent,omitempty"` // hw.hn.vf_transparent absent
	NoVFList        bool `json:"no_vflist,omitempty"`         // hw.hn.vflist absent
	NoVFMap         bool `json:"no_vfmap,omitempty"`          // hw.hn.vfmap absent
}

// Command is one program run: its argv (argv[0] is the base name) and exit.
type Command struct {
	Argv     []string `json:"argv"`
	Exit     int      `json:"exit"`
	Caller   string   `json:"caller,omitempty"`   // the parent process's name ("hvnetconf", "bash"), where known
	Injected bool     `json:"injected,omitempty"` // failed by FailAt
}

// Kinds of interface.
const (
	KindHN   = "hn"
	KindVF   = "vf"
	KindLagg = "lagg"
	KindVLAN = "vlan"
	KindLo   = "lo"
	// Clones modelled only as far as rc.conf files from the wild use
	// them: a bridge and its members, a tap, a loopback (lo1 for jails).
	KindBridge = "bridge"
	KindTap    = "tap"
)

// Iface is one network interface.
type Iface struct {
	Name    string   `json:"name"`
	Kind    string   `json:"kind"`
	Dev     string   `json:"dev,omitempty"` // hn: the device (hn1) whose dev.hn.N sysctls it has, whatever it is renamed to
	Index   int      `json:"index"`
	MAC     string   `json:"mac,omitempty"`
	MTU     int      `json:"mtu"`
	Up      bool     `json:"up"`                // IFF_UP, set by ifconfig up/down
	Carrier bool     `json:"carrier"`           // physical link
	VF      string   `json:"vf,omitempty"`      // hn: the paired VF
	HN      string   `json:"hn,omitempty"`      // VF: the hn it belongs to
	PortOf  string   `json:"port_of,omitempty"` // the lagg this interface is a port of
	Proto   string   `json:"proto,omitempty"`   // lagg: protocol
	Ports   []string `json:"ports,omitempty"`   // lagg: ports, in interface-index order (lagg_port_create)
	Primary string   `json:"primary,omitempty"` // lagg: sc_primary, the port printed MASTER
	Members []string `json:"members,omitempty"` // bridge: members, in the order added
	// LinkHeld: the link is down until a pending timer gives it back (hn:
	// its link task after the VF left, or a host network change; a VF:
	// its carrier after `up`).
	LinkHeld bool `json:"link_held,omitempty"`
	// ND6 per-interface flags (netinet6/nd6.h): IPv6 disabled on the
	// interface, and whether bringing it up assigns a link-local address.
	IfDisabled    bool   `json:"ifdisabled,omitempty"`
	AutoLinkLocal bool   `json:"auto_linklocal,omitempty"`
	Inet          []Addr `json:"inet,omitempty"`
	Inet6         []Addr `json:"inet6,omitempty"`
	Descr         string `json:"descr,omitempty"`
}

// Addr is an address and its prefix length.
type Addr struct {
	Addr      string `json:"addr"`
	PrefixLen int    `json:"prefixlen"`
}

func (a Addr) String() string { return fmt.Sprintf("%s/%d", a.Addr, a.PrefixLen) }

func newState() *State {
	return &State{Ifaces: map[string]*Iface{}}
}

// update runs fn on the state in path under an exclusive flock and writes
// the result back when fn succeeds; the lock makes concurrent fake
// processes (hvnetconf runs several ifconfig at once) safe.
func update(path string, fn func(*State) error) error {
	return withFile(path, unix.LOCK_EX, func(s *State) error {
		s.settle()
		before, held := s.links(), maps.Clone(s.Leased)
		if err := fn(s); err != nil {
			return err
		}
		s.linkEvents(before)
		s.dhcpClients(before, held)
		return save(path, s)
	})
}

// settle runs the kernel's due timers first, with the events they cause
// and the daemons' reactions, as their own change: they happened before
// whatever change comes now.
func (s *State) settle() {
	before, held := s.links(), maps.Clone(s.Leased)
	s.runTimers()
	s.linkEvents(before)
	s.dhcpClients(before, held)
}

// read returns a copy of the state; it takes the lock exclusively and
// writes the state back when kernel timers came due meanwhile, so that a
// reader (a daemon polling, the test) sees the kernel as it is now.
func read(path string) (*State, error) {
	var out *State
	err := withFile(path, unix.LOCK_EX, func(s *State) error {
		out = s
		if s.due() {
			s.settle()
			return save(path, s)
		}
		return nil
	})
	return out, err
}

// due: some pending kernel work is due now.
func (s *State) due() bool {
	at, ok := s.NextTimer()
	return ok && !now().Before(at)
}

// peek decodes the state into v, a struct of the fields the caller needs,
// under a shared lock: never a change, so it runs no timer (see read).
func peek(path string, v any) error {
	return locked(path, unix.LOCK_SH, func(b []byte) error { return json.Unmarshal(b, v) })
}

func withFile(path string, how int, fn func(*State) error) error {
	return locked(path, how, func(b []byte) error {
		s := newState()
		if err := json.Unmarshal(b, s); err != nil {
			return fmt.Errorf("fakebsd state %s: %w", path, err)
		}
		if s.Ifaces == nil {
			s.Ifaces = map[string]*Iface{}
		}
		return fn(s)
	})
}

// locked reads the state file under the lock (how: unix.LOCK_SH or
// LOCK_EX) and hands its bytes to fn, still under it. The state file is
// replaced whole at each write (save: a new file, then a rename over it),
// so that a process killed while writing leaves the state before or after
// its change, never a cut one: hvnetconf kills the commands still running
// when one of a batch fails (exec.CommandContext), and an emulated
// ifconfig killed between truncating the file and writing it used to
// leave it empty, which read as a host with no interface and no command
// record (TestApplyFaultInjection, about one run in ten). On FreeBSD a
// killed ifconfig leaves the kernel consistent. So every access locks
// path+".lock", which is never replaced, and an empty state file is an
// error, never a host with nothing. (fsys.Root.Record is the same
// pattern for hvnetconf's own records, and cannot serve here: it bounds
// the file at 64 KiB, as a hostile root requires, writes on every call,
// and takes no shared lock.)
func locked(path string, how int, fn func([]byte) error) error {
	l, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("fakebsd state: %w", err)
	}
	defer l.Close()
	if err := unix.Flock(int(l.Fd()), how); err != nil {
		return fmt.Errorf("fakebsd state: flock: %w", err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("fakebsd state: %w", err)
	}
	if len(b) == 0 {
		return fmt.Errorf("fakebsd state %s: empty", path)
	}
	return fn(b)
}

// save writes s to path atomically (see locked); the caller holds the lock
// exclusively, so one fixed temporary name serves every writer.
func save(path string, s *State) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".new"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	if os.Getenv(EnvDieInSave) != "" {
		os.Exit(137) // as SIGKILL here would
	}
	return os.Rename(tmp, path)
}
