package fakebsd

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// DhclientPidfile is where dhclient(8) keeps its pid since FreeBSD 12
// (sbin/dhclient/dhcpd.h _PATH_DHCLIENT_PID), which is where
// rc.d/dhclient's pidfile= looks.
func DhclientPidfile(ifname string) string {
	return "/var/run/dhclient/dhclient." + ifname + ".pid"
}

// dhclient is dhclient(8) `[-b] [options] IF`: refuse a second client on
// the interface (its pidfile names a live process), bring the interface
// up, take the lease the DHCP server holds for its MAC when there is link,
// then leave a daemon behind that holds the pidfile until SIGTERM or
// until the interface goes away.
func dhclient(argv []string, _, stderr io.Writer, getenv func(string) string) int {
	args := argv[1:]
	for len(args) > 1 && strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "-b", "-d", "-q", "-u":
		case "-c", "-l", "-p":
			args = args[1:]
		default:
			fmt.Fprintf(stderr, "dhclient: fakebsd: unsupported option %s\n", args[0])
			return 1
		}
		args = args[1:]
	}
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: dhclient [-bdqu] [-c conffile] [-l leasefile] [-p pidfile] interface")
		return 1
	}
	ifname := args[0]
	if pid := readPid(DhclientPidfile(ifname)); pid > 0 && alive(pid) {
		fmt.Fprintf(stderr, "dhclient already running, pid: %d.\n", pid)
		return 1
	}
	path := statePath(getenv)
	code := 0
	err := update(path, func(s *State) error {
		code = s.runKernel("dhclient", argv[1:], io.Discard, stderr, func(s *State, _ []string, _, stderr io.Writer) int {
			return s.startDhclient(ifname, stderr)
		})
		return nil
	})
	if err != nil || code != 0 {
		return max(code, 1)
	}
	// The daemon's argv is what FreeBSD's dhclient shows in ps(1)
	// ("dhclient: IF"); rc.subr's _find_processes matches its first word.
	if err := startDaemon([]string{"dhclient:", ifname}, []string{EnvState + "=" + path}, DhclientPidfile(ifname)); err != nil {
		fmt.Fprintf(stderr, "dhclient: %v\n", err)
		return 1
	}
	return 0
}

// dhclientDaemon is the client left running. What it does to the kernel
// happens in the same state change as its cause (State.dhcpClients), so
// outcomes never depend on timing; the process only has to end when the
// kernel says the client has (interface gone, address deleted) or on
// SIGTERM, and to be reaped.
func dhclientDaemon(argv []string, _, _ io.Writer, getenv func(string) string) int {
	ifname, path := argv[1], statePath(getenv)
	waitTerm(path, func() bool { return !dhclientRuns(path, ifname) })
	update(path, func(s *State) error {
		delete(s.Dhclient, ifname)
		delete(s.Leased, ifname)
		return nil
	})
	return 0
}

// dhclientRuns says whether the kernel still has a client on ifname. The
// daemon asks after every change of the state, which keeps every command
// run: it decodes only the clients and the timers (a fifth of the CPU time
// the daemons took decoding the whole state). When a timer is due, it
// reads as read does, which runs it, as every state access does.
func dhclientRuns(path, ifname string) bool {
	var s struct {
		Dhclient map[string]bool `json:"dhclient"`
		Timers   []Timer         `json:"timers"`
	}
	if peek(path, &s) != nil {
		return false
	}
	if (&State{Timers: s.Timers}).due() {
		full, err := read(path)
		return err == nil && full.Dhclient[ifname]
	}
	return s.Dhclient[ifname]
}

// dhcpClients is what running dhclients do after any change to the
// kernel (sbin/dhclient/dhclient.c): take the lease once the
// interface has link; on every link-up of an interface whose lease they
// hold, ask for that lease again (routehandler, RTM_IFINFO with the link
// up → state_reboot: a DHCPREQUEST for the address held; the server
// acknowledges it and dhclient-script keeps the address: counted in
// Renewals, the address never leaves); on link-down do nothing; exit when
// the interface departs or when the leased address is deleted ("My
// address ... was deleted, dhclient exiting"; dhclient's 10-second grace
// after its own script runs is not modelled). before is every
// interface's link before the change, held the leases held then.
func (s *State) dhcpClients(before, held map[string]bool) {
	for n, on := range s.Dhclient {
		i := s.Ifaces[n]
		switch {
		case !on:
		case i == nil:
			delete(s.Dhclient, n)
			delete(s.Leased, n)
		case s.Leased[n] && !s.hasLease(i):
			delete(s.Dhclient, n)
			delete(s.Leased, n)
		case !s.Leased[n]:
			s.takeLease(i, io.Discard)
		case held[n] && !before[n] && s.hasLink(i):
			if s.Renewals == nil {
				s.Renewals = map[string]int{}
			}
			s.Renewals[n]++
		}
	}
}

func readPid(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid
}

func writePid(path string, pid int) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(strconv.Itoa(pid)+"\n"), 0o644)
}

// startDhclient is the client's start: the interface goes up and takes
// the lease the DHCP server (State.DHCP) holds for its MAC, when it has
// link; without link the daemon keeps trying.
func (s *State) startDhclient(ifname string, stderr io.Writer) int {
	i := s.Ifaces[ifname]
	if i == nil {
		fmt.Fprintf(stderr, "dhclient: %s: no such interface\n", ifname)
		return 1
	}
	if s.Dhclient == nil {
		s.Dhclient = map[string]bool{}
	}
	s.Dhclient[ifname] = true
	delete(s.Leased, ifname)
	s.setUp(i, true)
	return s.takeLease(i, stderr)
}

// hasLease: the interface carries the address the server leases its MAC.
func (s *State) hasLease(i *Iface) bool {
	a, _, ok := parseAddr("inet", s.DHCP[i.MAC])
	if !ok {
		return false
	}
	for _, x := range i.Inet {
		if x.Addr == a {
			return true
		}
	}
	return false
}

// takeLease adds the leased address beside any other (dhclient-script's
// add_new_address) when the server has one for the MAC and there is link.
func (s *State) takeLease(i *Iface, stderr io.Writer) int {
	lease, ok := s.DHCP[i.MAC]
	if !ok || !s.hasLink(i) {
		return 0
	}
	a, plen, ok := parseAddr("inet", lease)
	if !ok {
		fmt.Fprintf(stderr, "dhclient: fakebsd: bad DHCP table entry %q\n", lease)
		return 1
	}
	if s.Leases == nil {
		s.Leases, s.Leased = map[string]int{}, map[string]bool{}
	}
	if s.Leased == nil {
		s.Leased = map[string]bool{}
	}
	s.Leases[i.Name]++
	s.Leased[i.Name] = true
	r := &ifconfigRun{s: s, i: i, stdout: io.Discard, stderr: stderr, addr: addrReq{family: "inet", addr: a, plen: plen, given: true, alias: 1}}
	if r.addr.commit(r) != nil {
		return 1
	}
	return 0
}
