package fakebsd

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// sysctls derives the hn(4) sysctls from the state (if_hn.c:
// hn_vflist_sysctl, hn_vfmap_sysctl, hn_vf_sysctl, hn_rxvf_sysctl), then
// applies State.Sysctls on top. Ints are stored in decimal.
func (s *State) sysctls() map[string]string {
	m := map[string]string{}
	for k, v := range fixed {
		m[k] = v
	}
	for k, v := range writable {
		m[k] = v
	}
	if s.Major() == 12 {
		m["kern.osreldate"] = "1201000"
	}
	m["kern.boottime"] = s.bootTime()
	if !s.Kernel.NoVFTransparent {
		m["hw.hn.vf_transparent"] = strconv.Itoa(b2i(s.Transparent))
	}
	var vfs, pairs []string
	for _, hn := range s.hns() {
		u, _ := unit(hn.Dev, "hn")
		m["dev.hn."+u+".vf"] = hn.VF
		rxvf := ""
		if vf := s.Ifaces[hn.VF]; vf != nil && vf.Up && !s.Transparent {
			rxvf = vf.Name
		}
		if !s.Transparent {
			m["dev.hn."+u+".rxvf"] = rxvf
		} else {
			m["dev.hn."+u+".vf_xpnt_enabled"] = strconv.Itoa(b2i(hn.VF != ""))
		}
		if hn.VF != "" {
			vfs = append(vfs, hn.VF)
			pairs = append(pairs, hn.VF+":"+hn.Name)
		}
	}
	if !s.Kernel.NoVFList {
		m["hw.hn.vflist"] = strings.Join(vfs, " ")
	}
	if !s.Kernel.NoVFMap {
		m["hw.hn.vfmap"] = strings.Join(pairs, " ")
	}
	for k, v := range s.Sysctls {
		m[k] = v
	}
	return m
}

// hns returns the hn interfaces by unit number.
func (s *State) hns() []*Iface {
	var out []*Iface
	for _, i := range s.Ifaces {
		if i.Kind == KindHN {
			out = append(out, i)
		}
	}
	sort.Slice(out, func(a, b int) bool {
		ua, _ := unit(out[a].Dev, "hn")
		ub, _ := unit(out[b].Dev, "hn")
		na, _ := strconv.Atoi(ua)
		nb, _ := strconv.Atoi(ub)
		return na < nb
	})
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Sysctls reads the state file from the state file.
type Sysctls struct{ path string }

// String reads the state file.
func (x Sysctls) String(name string) (string, bool, error) {
	s, err := read(x.path)
	if err != nil {
		return "", false, err
	}
	v, ok := s.sysctls()[name]
	return v, ok, nil
}

// Int reads the state file.
func (x Sysctls) Int(name string) (int, bool, error) {
	v, ok, err := x.String(name)
	if err != nil || !ok {
		return 0, ok, err
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, true, fmt.Errorf("sysctl %s: not an integer: %q", name, v)
	}
	return n, true, nil
}

// sysctlCmd is sysctl(8) reading: `sysctl [-n] NAME…` prints each value
// (with -n, the value alone; without, "NAME: value"). A name the kernel
// lacks gets sysctl.c's warning and exit status 1, the other names are
// still printed. Setting values is not emulated.
func (s *State) sysctlCmd(args []string, stdout, stderr io.Writer) int {
	bare := len(args) > 0 && args[0] == "-n"
	names := args
	if bare {
		names = args[1:]
	}
	quiet := len(names) > 0 && names[0] == "-q"
	if quiet {
		names = names[1:]
	}
	if len(names) == 0 || strings.HasPrefix(names[0], "-") {
		return s.usage(stderr, "sysctl", args)
	}
	code := 0
	for _, name := range names {
		if strings.Contains(name, "=") {
			if c := s.setSysctl(name, stdout, stderr, bare); c != 0 {
				code = c
			}
			continue
		}
		v, ok := s.sysctls()[name]
		switch {
		case !ok && quiet:
			code = 1
		case !ok:
			fmt.Fprintf(stderr, "sysctl: unknown oid '%s'\n", name)
			code = 1
		case bare:
			fmt.Fprintln(stdout, v)
		default:
			fmt.Fprintf(stdout, "%s: %s\n", name, v)
		}
	}
	return code
}

// writable are the sysctls rc scripts may set, with their defaults
// (rc.d/routing options_*, network.subr ipv6 knobs).
var writable = map[string]string{
	"net.inet.ip.forwarding": "0", "net.inet6.ip6.forwarding": "0", "net.inet.icmp.bmcastecho": "0",
	"net.inet.ip.redirect": "1", "net.inet6.ip6.redirect": "1", "net.inet.icmp.drop_redirect": "0",
	"net.inet.ip.sourceroute": "0", "net.inet.ip.accept_sourceroute": "0", "net.inet.icmp.log_redirect": "0",
	"net.inet6.ip6.accept_rtadv": "0", "net.inet6.ip6.auto_linklocal": "1", "net.inet6.ip6.no_radr": "0",
	"net.inet6.ip6.rfc6204w3": "0", "net.inet6.ip6.use_defaultzone": "0", "net.inet.ip.portrange.first": "10000",
	"hw.bus.devctl_queue": "1000", "hw.hn.vf_xpnt_attwait": "2", "net.inet6.ip6.v6only": "1",
	"net.inet.tcp.blackhole": "0", "net.inet.udp.blackhole": "0", "net.link.lagg.default_use_flowid": "1",
	"net.link.ether.inet.proxyall": "0",
}

// fixed are read-only sysctls every emulated kernel has.
var fixed = map[string]string{
	"kern.features.inet": "1", "kern.features.inet6": "1", "kern.osreldate": "1500000",
	"net.inet6.ip6.dad_count": "1", "net.fibs": "1", "security.jail.jailed": "0", "vfs.root_mount_hold": "",
}

// setSysctl is `sysctl NAME=VALUE`: a writable sysctl changes and prints
// "NAME: OLD -> NEW"; a tunable or read-only one is refused.
func (s *State) setSysctl(arg string, stdout, stderr io.Writer, bare bool) int {
	name, value, _ := strings.Cut(arg, "=")
	m := s.sysctls()
	old, ok := m[name]
	if _, w := writable[name]; !w {
		if ok {
			fmt.Fprintf(stderr, "sysctl: oid '%s' is read only\n", name)
		} else {
			fmt.Fprintf(stderr, "sysctl: unknown oid '%s'\n", name)
		}
		return 1
	}
	if s.Sysctls == nil {
		s.Sysctls = map[string]string{}
	}
	s.Sysctls[name] = value
	if bare {
		fmt.Fprintln(stdout, value)
	} else {
		fmt.Fprintf(stdout, "%s: %s -> %s\n", name, old, value)
	}
	return 0
}

// kldstat is `kldstat -q -m NAME` / `-n NAME`: whether a module is loaded.
// Everything FreeBSD's GENERIC kernel builds in or a port's clone loads
// on demand is "loaded" once kldload ran or an interface of it exists.
func (s *State) kldstat(args []string, stdout, stderr io.Writer) int {
	if len(args) == 3 && args[0] == "-q" && (args[1] == "-m" || args[1] == "-n") {
		if slices.Contains(s.Modules, strings.TrimSuffix(args[2], ".ko")) {
			return 0
		}
		return 1
	}
	return s.usage(stderr, "kldstat", args)
}

// kldload loads (records) modules; loading one twice fails as kldload
// does without -n.
func (s *State) kldload(args []string, stdout, stderr io.Writer) int {
	quiet := len(args) > 0 && (args[0] == "-n" || args[0] == "-nq" || args[0] == "-q")
	if quiet {
		args = args[1:]
	}
	if len(args) == 0 {
		return s.usage(stderr, "kldload", args)
	}
	for _, m := range args {
		m = strings.TrimSuffix(m, ".ko")
		if !slices.Contains(s.Modules, m) {
			s.Modules = append(s.Modules, m)
		}
	}
	return 0
}

// devctl is not used by the scripts the emulation runs; any call is
// reported as unknown.
func (s *State) devctl(args []string, stdout, stderr io.Writer) int {
	return s.usage(stderr, "devctl", args)
}
