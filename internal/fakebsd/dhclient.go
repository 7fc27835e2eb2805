package fakebsd

import (
	"fmt"
	"io"
	"strings"
)

// dhclientVerbs are the rc.d/dhclient commands the emulation knows; the
// force prefix is rc.subr's (run_rc_command sets rc_force).
var dhclientVerbs = map[string]bool{
	"start": true, "stop": true, "status": true, "forcestart": true, "forcestop": true,
}

// dhclient is rc.d/dhclient VERB IF as run_rc_command runs it: status
// reports the pidfile's dhclient; start refuses one already running, stop
// one not running; then both run dhclient_pre_check, which refuses an
// interface rc.conf does not mark DHCP unless forced.
func (s *State) dhclient(verb, ifname string, stdout, stderr io.Writer, root string) int {
	force := strings.HasPrefix(verb, "force")
	verb = strings.TrimPrefix(verb, "force")
	running := s.Dhclient[ifname]
	switch {
	case verb == "status" && running:
		fmt.Fprintf(stdout, "dhclient is running as pid %d.\n", s.dhclientPID(ifname))
		return 0
	case verb == "status":
		fmt.Fprintln(stdout, "dhclient is not running.")
		return 1
	case verb == "stop" && !running:
		fmt.Fprintf(stderr, "dhclient not running? (check /var/run/dhclient/dhclient.%s.pid).\n", ifname)
		return 1
	case verb == "start" && running:
		return s.startDhclient(ifname, stderr) // says it is already running
	}
	if !force {
		if code := dhclientPreCheck(ifname, stdout, stderr, root); code != 0 {
			return code
		}
	}
	if verb == "stop" {
		delete(s.Dhclient, ifname)
		return 0
	}
	return s.startDhclient(ifname, stderr)
}

// dhclientPreCheck is rc.d/dhclient's dhclient_pre_check: the interface
// must be DHCP in rc.conf (network.subr dhcpif). Without LoadRC there is
// no rc.conf to ask and every interface passes.
func dhclientPreCheck(ifname string, stdout, stderr io.Writer, root string) int {
	rc, err := loadRC(root, "dhclient", "network")
	if err != nil {
		fmt.Fprintf(stderr, "dhclient: %v\n", err)
		return 1
	}
	if spec, _ := rc.IfConfig(ifname); LoadRC != nil && !spec.DHCP {
		fmt.Fprintf(stdout, "'%s' is not a DHCP-enabled interface\n", ifname)
		return 1
	}
	return 0
}

// dhclientPID is the pid the emulation gives dhclient on ifname: fixed per
// interface, so status output is stable.
func (s *State) dhclientPID(ifname string) int {
	if i := s.Ifaces[ifname]; i != nil {
		return 1000 + i.Index
	}
	return 1000
}

// startDhclient runs dhclient on ifname (also netif's way, which skips
// rc.d/dhclient): the DHCP server (State.DHCP) hands out the address for
// the interface's MAC, added beside any other address.
func (s *State) startDhclient(ifname string, stderr io.Writer) int {
	i := s.Ifaces[ifname]
	if i == nil {
		fmt.Fprintf(stderr, "dhclient: interface %s does not exist\n", ifname)
		return 1
	}
	if s.Dhclient[ifname] {
		fmt.Fprintf(stderr, "dhclient already running?  (pid=%d).\n", s.dhclientPID(ifname))
		return 1
	}
	if s.Dhclient == nil {
		s.Dhclient, s.Leases = map[string]bool{}, map[string]int{}
	}
	s.Dhclient[ifname] = true
	s.setUp(i, true)
	lease, ok := s.DHCP[i.MAC]
	if !ok || !s.hasLink(i) {
		return 0 // dhclient keeps trying in the background
	}
	a, plen, ok := parseAddr("inet", lease)
	if !ok {
		fmt.Fprintf(stderr, "dhclient: fakebsd: bad DHCP table entry %q\n", lease)
		return 1
	}
	s.Leases[ifname]++
	r := &ifconfigRun{s: s, i: i, stderr: stderr, addr: addrReq{family: "inet", addr: a, plen: plen, given: true, alias: 1}}
	if r.addr.commit(r) != nil {
		return 1
	}
	return 0
}
