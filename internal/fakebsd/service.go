package fakebsd

import (
	"fmt"
	"io"
)

// IfSpec is an ifconfig_IF value split as network.subr does: the keywords
// it acts on itself and the words it passes to ifconfig.
type IfSpec struct {
	DHCP   bool     // DHCP, SYNCDHCP or NOSYNCDHCP
	NoAuto bool     // NOAUTO
	Args   []string // everything else, for ifconfig
}

// RCConf is rc.conf as the emulated rc.d scripts see it.
type RCConf interface {
	Get(name string) (string, bool)
	IfConfig(ifname string) (IfSpec, bool)     // ifconfig_IF (or ifconfig_DEFAULT)
	IfConfigIPv6(ifname string) (IfSpec, bool) // ifconfig_IF_ipv6
	Aliases(ifname string) [][]string          // ifconfig_IF_aliasN…, each as ifconfig words
}

// LoadRC evaluates rc.conf under root for the given load_rc_config names.
// cmd/fakebsd sets it (backed by package rcconf); when it is nil the
// emulated scripts behave as if rc.conf were empty.
var LoadRC func(root string, services []string) (RCConf, error)

func (s *State) service(args []string, stdout, stderr io.Writer, root string) int {
	if len(args) < 2 {
		return s.usage(stderr, "service", args)
	}
	name, verb, rest := args[0], args[1], args[2:]
	switch {
	case name == "netif" && verb == "start" && len(rest) <= 1:
		return s.netifStart(rest, stdout, stderr, root)
	case name == "dhclient" && verb == "start" && len(rest) == 1:
		return s.dhclientStart(rest[0], stdout, stderr, root)
	case name == "dhclient" && verb == "stop" && len(rest) == 1:
		return s.dhclientStop(rest[0], stderr)
	case (name == "routing" || name == "devd") && verb == "restart" && len(rest) == 0:
		s.Events = append(s.Events, "service "+name+" restart")
		return 0
	}
	return s.usage(stderr, "service", args)
}

func loadRC(root string, services ...string) (RCConf, error) {
	if LoadRC == nil {
		return emptyRC{}, nil
	}
	return LoadRC(root, services)
}

type emptyRC struct{}

func (emptyRC) Get(string) (string, bool)          { return "", false }
func (emptyRC) IfConfig(string) (IfSpec, bool)     { return IfSpec{}, false }
func (emptyRC) IfConfigIPv6(string) (IfSpec, bool) { return IfSpec{}, false }
func (emptyRC) Aliases(string) [][]string          { return nil }

// dhclientStart is rc.d/dhclient start IF: only for an interface rc.conf
// marks DHCP, once; the DHCP server (State.DHCP) hands out the address
// for the interface's MAC, which is added beside any other address.
func (s *State) dhclientStart(ifname string, stdout, stderr io.Writer, root string) int {
	rc, err := loadRC(root, "dhclient", "network")
	if err != nil {
		fmt.Fprintf(stderr, "dhclient: %v\n", err)
		return 1
	}
	if spec, _ := rc.IfConfig(ifname); LoadRC != nil && !spec.DHCP {
		fmt.Fprintf(stdout, "'%s' is not a DHCP-enabled interface\n", ifname)
		return 1
	}
	return s.startDhclient(ifname, stderr)
}

func (s *State) startDhclient(ifname string, stderr io.Writer) int {
	i := s.Ifaces[ifname]
	if i == nil {
		fmt.Fprintf(stderr, "dhclient: interface %s does not exist\n", ifname)
		return 1
	}
	if s.Dhclient[ifname] {
		fmt.Fprintf(stderr, "dhclient already running?   (pid=%d).\n", 1000+i.Index)
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

func (s *State) dhclientStop(ifname string, stderr io.Writer) int {
	if !s.Dhclient[ifname] {
		fmt.Fprintf(stderr, "dhclient not running? (check /var/run/dhclient/dhclient.%s.pid).\n", ifname)
		return 1
	}
	delete(s.Dhclient, ifname)
	return 0
}
