package fakebsd

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// errExit ends an ifconfig run at once, as err(1)/errx(1) do.
var errExit = errors.New("exit")

// ifconfigRun is one `ifconfig IF args…`: the words are applied in order,
// like sbin/ifconfig/ifconfig.c ifconfig(); address changes are deferred to
// the end, as there. Changes already made stay made when a later word
// fails, exactly as ioctls already issued do.
type ifconfigRun struct {
	s      *State
	i      *Iface
	stdout io.Writer
	stderr io.Writer
	exit   int
	addr   addrReq
}

// ifconfig emulates ifconfig(8) and returns its exit status.
func (s *State) ifconfig(args []string, stdout, stderr io.Writer) int {
	// -n: do not load a module for the interface (ifconfig.c noload).
	for len(args) > 0 && args[0] == "-n" {
		args = args[1:]
	}
	if list, ok := s.ifconfigList(args); ok {
		fmt.Fprintln(stdout, strings.Join(list, " "))
		return 0
	}
	switch {
	case len(args) == 0 || (len(args) == 1 && args[0] == "-a"):
		for _, n := range s.names() {
			s.writeIfconfig(stdout, s.Ifaces[n])
		}
		return 0
	case strings.HasPrefix(args[0], "-"):
		return s.usage(stderr, "ifconfig", args)
	}
	name, words := args[0], args[1:]
	r := &ifconfigRun{s: s, i: s.Ifaces[name], stdout: stdout, stderr: stderr, addr: addrReq{family: "inet"}}
	if len(words) > 0 && (words[0] == "create" || words[0] == "plumb") {
		if err := r.create(name); err != nil {
			return 1
		}
		words = words[1:]
	} else if r.i == nil {
		fmt.Fprintf(stderr, "ifconfig: interface %s does not exist\n", name)
		return 1
	}
	if len(words) == 0 && len(args) == 1 {
		s.writeIfconfig(stdout, r.i)
		return 0
	}
	if len(words) > 0 && isFamily(words[0]) {
		r.addr.family, words = words[0], words[1:]
		if len(words) == 0 {
			// `ifconfig IF inet6`: the interface with that family's
			// addresses only (ifconfig.c status with afp set), as
			// network.subr network6_getladdr reads it.
			s.writeIfconfigAF(stdout, r.i, r.addr.family)
			return 0
		}
	}
	if err := r.apply(words); err != nil {
		return 1
	}
	if err := r.addr.commit(r); err != nil {
		return 1
	}
	return r.exit
}

func isFamily(w string) bool { return w == "inet" || w == "inet6" || w == "link" || w == "ether" }

// fail prints "ifconfig: MSG" and ends the run (err/errx).
func (r *ifconfigRun) fail(format string, a ...any) error {
	fmt.Fprintf(r.stderr, "ifconfig: "+format+"\n", a...)
	return errExit
}

// warn prints "ifconfig: MSG" and goes on, failing at the end (warnx with
// exit_code = 1, as setlaggport does so one bad NIC cannot take a lagg down).
func (r *ifconfigRun) warn(format string, a ...any) {
	fmt.Fprintf(r.stderr, "ifconfig: "+format+"\n", a...)
	r.exit = 1
}

func (r *ifconfigRun) apply(words []string) error {
	for len(words) > 0 {
		w := words[0]
		n, err := r.word(w, words[1:])
		if err != nil {
			return err
		}
		words = words[1+n:]
	}
	return nil
}

// argWords take one argument.
var argWords = map[string]bool{
	"mtu": true, "laggproto": true, "laggport": true, "-laggport": true, "netmask": true,
	"prefixlen": true, "broadcast": true, "description": true, "descr": true, "vlan": true, "vlandev": true,
	"name": true, "addm": true, "deletem": true, "stp": true, "-stp": true, "edge": true, "-edge": true,
	"span": true, "-span": true, "vhid": true, "advskew": true, "advbase": true, "pass": true, "state": true,
}

// ignoredWords are real ifconfig parameters that change nothing the
// emulation models (capabilities, inet6 per-interface flags).
var ignoredWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`rxcsum txcsum rxcsum6 txcsum6 tso tso4 tso6 lro vlanmtu vlanhwtag
		vlanhwfilter vlanhwtso vlanhwcsum polling promisc arp staticarp monitor no_dad accept_rtadv
		autoconf nud prefer_source no_radr no_prefer_iface defaultif`) {
		ignoredWords[w], ignoredWords["-"+w] = true, true
	}
}

// word applies one word (and its argument) and returns how many arguments
// it consumed.
func (r *ifconfigRun) word(w string, rest []string) (int, error) {
	if argWords[w] {
		if len(rest) == 0 {
			return 0, r.fail("'%s' requires argument", w)
		}
		return 1, r.withArg(w, rest[0])
	}
	switch w {
	case "ifpriority", "ifpathcost", "ifmaxaddr":
		// ifbridge.c: a member and a number; the emulation keeps neither.
		if len(rest) < 2 {
			return 0, r.fail("'%s' requires 2 arguments", w)
		}
		return 2, nil
	case "up", "down":
		r.s.setUp(r.i, w == "up")
	case "destroy", "unplumb":
		return 0, r.destroy()
	case "alias", "add":
		r.addr.alias = 1
	case "-alias", "delete", "remove":
		r.addr.alias = -1
	case "-description", "-descr":
		r.i.Descr = ""
	case "ifdisabled", "-ifdisabled", "auto_linklocal", "-auto_linklocal":
		r.s.setND6(r.i, w)
	default:
		if ignoredWords[w] {
			return 0, nil
		}
		return 0, r.addr.set(r, w)
	}
	return 0, nil
}

func (r *ifconfigRun) withArg(w, v string) error {
	switch w {
	case "mtu":
		return r.setMTU(v)
	case "laggproto":
		return r.laggProto(v)
	case "laggport":
		r.laggPort(v)
	case "-laggport":
		return r.laggDelPort(v)
	case "netmask", "prefixlen":
		return r.addr.setMask(r, w, v)
	case "description", "descr":
		r.i.Descr = v
	case "vlan", "vlandev":
		return r.vlan(w, v)
	case "name":
		return r.rename(v)
	case "addm", "deletem":
		return r.bridgeMember(w, v)
	}
	return nil // broadcast: the emulation derives it
}

// setMTU is SIOCSIFMTU (if.c ifhwioctl, then the driver): a lagg port
// refuses it whatever the value (if_lagg.c lagg_port_ioctl: "Do not allow
// the MTU to be changed once joined"); a lagg refuses it on 12.x
// (lagg_ioctl, read at 01b359d4) and on main passes it to every port
// (lagg_ioctl SIOCSIFMTU, FreeBSD 13 and later).
func (r *ifconfigRun) setMTU(v string) error {
	mtu, err := strconv.Atoi(v)
	if err != nil || mtu < 72 || mtu > 65535 || r.i.PortOf != "" || r.i.Kind == KindLagg && r.s.Major() == 12 {
		return r.fail("ioctl SIOCSIFMTU (set mtu): Invalid argument")
	}
	r.i.MTU = mtu
	for _, p := range r.i.Ports {
		if pi := r.s.Ifaces[p]; pi != nil {
			pi.MTU = mtu
		}
	}
	return nil
}

func (r *ifconfigRun) vlan(w, v string) error {
	if r.i.Kind != KindVLAN {
		return r.fail("SIOCGETVLAN: Invalid argument")
	}
	if w == "vlandev" {
		if r.s.Ifaces[v] == nil {
			return r.fail("SIOCSETVLAN: Invalid argument")
		}
		r.i.HN = v // a vlan's parent
		r.i.MAC = r.s.Ifaces[v].MAC
	}
	return nil
}

// ifconfigList is `ifconfig -l [-u|-d] [ether]` (also -ul, -lu, -dl):
// names in index order, only those up (-u) or down (-d), only Ethernet
// interfaces with "ether".
func (s *State) ifconfigList(args []string) ([]string, bool) {
	up, down, list := false, false, false
	k := 0
	for ; k < len(args) && strings.HasPrefix(args[k], "-"); k++ {
		for _, c := range args[k][1:] {
			switch c {
			case 'l':
				list = true
			case 'u':
				up = true
			case 'd':
				down = true
			default:
				return nil, false
			}
		}
	}
	rest := args[k:]
	if !list || len(rest) > 1 || len(rest) == 1 && rest[0] != "ether" {
		return nil, false
	}
	out := []string{}
	for _, n := range s.names() {
		i := s.Ifaces[n]
		if up && !i.Up || down && i.Up || len(rest) == 1 && i.Kind == KindLo {
			continue
		}
		out = append(out, n)
	}
	return out, true
}

// rename is `ifconfig IF name NEW` (SIOCSIFNAME): the interface keeps
// everything under its new name, which ifconfig prints.
func (r *ifconfigRun) rename(to string) error {
	from := r.i.Name
	if r.s.Ifaces[to] != nil {
		return r.fail("ioctl SIOCSIFNAME (set name): File exists")
	}
	if to == "" || len(to) > 15 {
		return r.fail("ioctl SIOCSIFNAME (set name): Invalid argument")
	}
	delete(r.s.Ifaces, from)
	r.i.Name = to
	r.s.Ifaces[to] = r.i
	for _, i := range r.s.Ifaces {
		for k, p := range i.Ports {
			if p == from {
				i.Ports[k] = to
			}
		}
		for k, m := range i.Members {
			if m == from {
				i.Members[k] = to
			}
		}
		if i.PortOf == from {
			i.PortOf = to
		}
		if i.Primary == from {
			i.Primary = to
		}
		if i.VF == from {
			i.VF = to
		}
		if i.HN == from {
			i.HN = to
		}
	}
	// if_rename announces the old name's departure: a dhclient on it
	// exits (dhclient.c routehandler, IFAN_DEPARTURE).
	delete(r.s.Dhclient, from)
	r.s.event("IFNET", from, "RENAME")
	fmt.Fprintln(r.stdout, to)
	return nil
}

// bridgeMember is ifconfig(8)'s addm/deletem (ifbridge.c, BRDGADD and
// BRDGDEL). if_bridge.c bridge_ioctl_add takes only Ethernet-type
// members, and a lagg port is not one any more: if_lagg.c
// lagg_port_create gives it the type IFT_IEEE8023ADLAG, so adding it
// fails with EINVAL. stp, edge, span and the like are accepted and kept
// nowhere.
func (r *ifconfigRun) bridgeMember(w, m string) error {
	if r.i.Kind != KindBridge {
		return r.fail("%s %s: Invalid argument", map[string]string{"addm": "BRDGADD", "deletem": "BRDGDEL"}[w], m)
	}
	mi := r.s.Ifaces[m]
	if w == "deletem" {
		if mi == nil || !slices.Contains(r.i.Members, m) {
			return r.fail("BRDGDEL %s: Invalid argument", m)
		}
		r.i.Members = slices.DeleteFunc(r.i.Members, func(x string) bool { return x == m })
		return nil
	}
	switch {
	case mi == nil:
		return r.fail("BRDGADD %s: No such file or directory", m)
	case mi.PortOf != "" || mi.Kind == KindLo:
		return r.fail("BRDGADD %s: Invalid argument", m)
	case slices.Contains(r.i.Members, m):
		return r.fail("BRDGADD %s: File exists", m)
	}
	r.i.Members = append(r.i.Members, m)
	return nil
}
