package fakebsd

import (
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"
)

// Route is one entry of the emulated routing table.
type Route struct {
	Family  string `json:"family"` // inet or inet6
	Dest    string `json:"dest"`   // "default" or an address/prefix
	Gateway string `json:"gateway,omitempty"`
	Iface   string `json:"iface,omitempty"` // -interface IF, or the scope of a link-local gateway
	// Via is the interface the kernel resolved the route to when it was
	// added (its nexthop's ifp): the -interface or scope, else the
	// interface holding the gateway's prefix. Not printed: route(8)
	// was not told it; it decides which routes leave with the interface.
	Via string `json:"via,omitempty"`

	familyGiven bool // -inet or -inet6 on the command line
}

func (r Route) String() string {
	s := r.Family + " " + r.Dest
	if r.Gateway != "" {
		s += " gw " + r.Gateway
	}
	if r.Iface != "" {
		s += " if " + r.Iface
	}
	return s
}

// route is route(8) add, delete, flush and get, as rc.d/routing and
// network.subr use them. A gateway must be reachable (on a prefix of an
// interface, or link-local with an existing scope) and an -interface must
// exist, else "Network is unreachable" as rtsock reports it.
func (s *State) route(args []string, stdout, stderr io.Writer) int {
	quiet := false
	for len(args) > 0 && (args[0] == "-n" || args[0] == "-q" || args[0] == "-nq") {
		quiet = quiet || strings.Contains(args[0], "q")
		args = args[1:]
	}
	if len(args) == 0 {
		return s.usage(stderr, "route", args)
	}
	verb, rest := args[0], args[1:]
	r, ok := parseRoute(rest)
	if !ok {
		return s.usage(stderr, "route", args)
	}
	switch verb {
	case "add":
		via, msg := s.routeVia(r)
		if msg != "" {
			fmt.Fprintf(stderr, "route: writing to routing socket: %s\n", msg)
			fmt.Fprintf(stdout, "add %s %s: gateway %s fib 0: %s\n", kind(r), r.Dest, gwOf(r), msg)
			return 1
		}
		if slices.ContainsFunc(s.Routes, func(x Route) bool { return x.Family == r.Family && x.Dest == r.Dest }) {
			fmt.Fprintln(stderr, "route: writing to routing socket: File exists")
			fmt.Fprintf(stdout, "add %s %s: gateway %s fib 0: route already in table\n", kind(r), r.Dest, gwOf(r))
			return 1
		}
		r.Via = via
		s.Routes = append(s.Routes, r)
		if !quiet {
			fmt.Fprintf(stdout, "add %s %s: gateway %s\n", kind(r), r.Dest, gwOf(r))
		}
	case "delete":
		k := slices.IndexFunc(s.Routes, func(x Route) bool { return x.Family == r.Family && x.Dest == r.Dest })
		if k < 0 {
			fmt.Fprintln(stderr, "route: writing to routing socket: No such process")
			return 1
		}
		s.Routes = slices.Delete(s.Routes, k, k+1)
		if !quiet {
			fmt.Fprintf(stdout, "delete %s %s\n", kind(r), r.Dest)
		}
	case "flush":
		// without -inet/-inet6 route flush removes both families
		s.Routes = slices.DeleteFunc(s.Routes, func(x Route) bool { return !r.familyGiven || x.Family == r.Family })
	case "get":
		k := slices.IndexFunc(s.Routes, func(x Route) bool { return x.Family == r.Family && x.Dest == r.Dest })
		if k < 0 {
			fmt.Fprintln(stderr, "route: route has not been found")
			return 1
		}
		fmt.Fprintf(stdout, "   route to: %s\ndestination: %s\n    gateway: %s\n  interface: %s\n", r.Dest, r.Dest, s.Routes[k].Gateway, s.Routes[k].Iface)
	default:
		return s.usage(stderr, "route", args)
	}
	return 0
}

func kind(r Route) string {
	if r.Dest == "default" || !strings.Contains(r.Dest, "/") {
		return "host"
	}
	return "net"
}

func gwOf(r Route) string {
	if r.Gateway != "" {
		return r.Gateway
	}
	return r.Iface
}

// parseRoute reads [-inet|-inet6|-4|-6] [-net|-host] DEST [GATEWAY]
// [-interface IF | -iface] [-prefixlen N] [-fib N].
func parseRoute(args []string) (Route, bool) {
	r := Route{Family: "inet"}
	var pos []string
	iface := false
	for k := 0; k < len(args); k++ {
		switch a := args[k]; a {
		case "-inet", "-4":
			r.Family, r.familyGiven = "inet", true
		case "-inet6", "-6":
			r.Family, r.familyGiven = "inet6", true
		case "-net", "-host", "-blackhole", "-reject", "-static":
		case "-interface", "-iface":
			iface = true
		case "-prefixlen", "-fib", "-netmask", "-mtu", "-ifp":
			if k+1 >= len(args) {
				return r, false
			}
			if a == "-prefixlen" && len(pos) > 0 {
				pos[0] += "/" + args[k+1]
			}
			if a == "-ifp" {
				r.Iface = args[k+1]
			}
			k++
		default:
			if strings.HasPrefix(a, "-") {
				return r, false
			}
			pos = append(pos, a)
		}
	}
	if len(pos) > 0 {
		r.Dest = pos[0]
		if strings.Contains(r.Dest, ":") {
			r.Family = "inet6"
		}
	}
	if len(pos) > 1 {
		if iface {
			r.Iface = pos[1]
		} else {
			r.Gateway = pos[1]
			if a, zone, ok := strings.Cut(pos[1], "%"); ok {
				r.Gateway, r.Iface = a, zone
			}
		}
	}
	return r, len(pos) <= 2
}

// routeVia is the interface the kernel would send the route through, or
// why it would refuse the route.
func (s *State) routeVia(r Route) (via, problem string) {
	if r.Iface != "" && s.Ifaces[r.Iface] == nil {
		return "", "Network is unreachable"
	}
	if r.Gateway == "" {
		return r.Iface, ""
	}
	gw, err := netip.ParseAddr(r.Gateway)
	if err != nil {
		return "", "Network is unreachable"
	}
	if gw.IsLinkLocalUnicast() {
		if r.Iface == "" {
			return "", "Network is unreachable"
		}
		return r.Iface, ""
	}
	for _, n := range s.names() {
		i := s.Ifaces[n]
		addrs := i.Inet
		if gw.Is6() {
			addrs = i.Inet6
		}
		for _, a := range addrs {
			if p, err := netip.ParsePrefix(a.String()); err == nil && p.Masked().Contains(gw) && i.Up {
				return n, ""
			}
		}
	}
	return "", "Network is unreachable"
}

// flushIfRoutes is if.c if_detach_internal → rt_flushifroutes: every
// route whose nexthop is the departing interface leaves with it (a
// destroyed lagg takes the default route through it along).
func (s *State) flushIfRoutes(name string) {
	s.Routes = slices.DeleteFunc(s.Routes, func(r Route) bool { return r.Via == name || r.Iface == name })
}
