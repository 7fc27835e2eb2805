package fakebsd

import (
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
	case name == "dhclient" && len(rest) == 1 && dhclientVerbs[verb]:
		return s.dhclient(verb, rest[0], stdout, stderr, root)
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
