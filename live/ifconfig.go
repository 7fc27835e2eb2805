package live

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/bits"
	"strconv"
	"strings"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// Interface is what `ifconfig NAME` says about one interface.
type Interface struct {
	Name   string
	Flags  []string // UP, BROADCAST, RUNNING, …
	MTU    int
	MAC    string // from the ether line; "" when there is none
	Inet   []Addr
	Inet6  []Addr // zone (%hn0) stripped
	Status string // "active", "no carrier", "" when not printed
	Lagg   *Lagg  // nil unless the interface is a lagg
}

// Addr is an address with its prefix length.
type Addr struct {
	Addr      string
	PrefixLen int
}

func (a Addr) String() string { return fmt.Sprintf("%s/%d", a.Addr, a.PrefixLen) }

// Lagg is the lagg(4) part of ifconfig's output.
type Lagg struct {
	Proto string
	Ports []Port // in the order ifconfig prints them
}

// Port is one `laggport:` line.
type Port struct {
	Name   string
	Flags  uint32
	Master bool
	Active bool
}

// lagg port flag bits, from sys/net/if_lagg.h (LAGG_PORT_*).
const (
	PortMaster       = 0x1
	PortStack        = 0x2
	PortActive       = 0x4
	PortCollecting   = 0x8
	PortDistributing = 0x10
)

// HasFlag reports whether the interface flags include f (e.g. "UP").
func (i *Interface) HasFlag(f string) bool {
	for _, x := range i.Flags {
		if x == f {
			return true
		}
	}
	return false
}

// Port returns the lagg port with exactly this name (mce1 is not mce10).
func (l *Lagg) Port(name string) (Port, bool) {
	if l == nil {
		return Port{}, false
	}
	for _, p := range l.Ports {
		if p.Name == name {
			return p, true
		}
	}
	return Port{}, false
}

// parseIfconfig parses the output of FreeBSD's `ifconfig NAME` (one
// interface). Lines it does not need (options, media, nd6, groups…) are
// skipped; a line it needs but cannot read is an error naming the line.
func parseIfconfig(out []byte) (*Interface, error) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	var ifc *Interface
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			continue
		}
		if ifc == nil {
			h, err := parseHeader(line)
			if err != nil {
				return nil, sysexits.Errorf(sysexits.DataErr, "ifconfig output:%d: %v", n, err)
			}
			ifc = h
			continue
		}
		if !strings.HasPrefix(line, "\t") {
			break // the next interface of `ifconfig -a`: one is all we parse
		}
		if err := parseDetail(ifc, strings.Fields(line)); err != nil {
			return nil, sysexits.Errorf(sysexits.DataErr, "ifconfig output:%d: %v", n, err)
		}
	}
	if ifc == nil {
		return nil, sysexits.Errorf(sysexits.DataErr, "ifconfig output: empty")
	}
	return ifc, nil
}

// parseHeader reads `hn0: flags=8843<UP,BROADCAST,…> metric 0 mtu 1500`.
func parseHeader(line string) (*Interface, error) {
	name, rest, ok := strings.Cut(line, ": ")
	if !ok || name == "" || strings.ContainsAny(name, " \t") {
		return nil, fmt.Errorf("want \"NAME: flags=…\", got %q", line)
	}
	ifc := &Interface{Name: name}
	f := strings.Fields(rest)
	for i, w := range f {
		switch {
		case strings.HasPrefix(w, "flags="):
			_, names, err := parseBits(strings.TrimPrefix(w, "flags="))
			if err != nil {
				return nil, err
			}
			ifc.Flags = names
		case w == "mtu" && i+1 < len(f):
			mtu, err := strconv.Atoi(f[i+1])
			if err != nil {
				return nil, fmt.Errorf("bad mtu %q", f[i+1])
			}
			ifc.MTU = mtu
		}
	}
	return ifc, nil
}

// parseBits reads printb(3)-style `8843<UP,BROADCAST>` (hex value, names).
func parseBits(s string) (uint32, []string, error) {
	hex, names, _ := strings.Cut(s, "<")
	v, err := strconv.ParseUint(hex, 16, 32)
	if err != nil {
		return 0, nil, fmt.Errorf("bad flags %q", s)
	}
	names = strings.TrimSuffix(names, ">")
	if names == "" {
		return uint32(v), nil, nil
	}
	return uint32(v), strings.Split(names, ","), nil
}

func parseDetail(ifc *Interface, f []string) error {
	switch f[0] {
	case "ether":
		if len(f) > 1 {
			ifc.MAC = f[1]
		}
	case "inet":
		a, err := parseInet(f)
		if err != nil {
			return err
		}
		ifc.Inet = append(ifc.Inet, a)
	case "inet6":
		a, err := parseInet6(f)
		if err != nil {
			return err
		}
		ifc.Inet6 = append(ifc.Inet6, a)
	case "status:":
		ifc.Status = strings.Join(f[1:], " ")
	case "laggproto":
		if len(f) < 2 {
			return fmt.Errorf("laggproto without a protocol")
		}
		lagg(ifc).Proto = f[1]
	case "laggport:":
		p, err := parsePort(f)
		if err != nil {
			return err
		}
		l := lagg(ifc)
		l.Ports = append(l.Ports, p)
	}
	return nil
}

func lagg(ifc *Interface) *Lagg {
	if ifc.Lagg == nil {
		ifc.Lagg = &Lagg{}
	}
	return ifc.Lagg
}

// parseInet reads `inet 10.0.0.4 netmask 0xffffff00 broadcast 10.0.0.255`.
func parseInet(f []string) (Addr, error) {
	if len(f) < 2 {
		return Addr{}, fmt.Errorf("inet without an address")
	}
	a := Addr{Addr: f[1], PrefixLen: 32}
	for i := 2; i+1 < len(f); i++ {
		if f[i] != "netmask" {
			continue
		}
		m, err := strconv.ParseUint(strings.TrimPrefix(f[i+1], "0x"), 16, 32)
		if err != nil || bits.OnesCount32(uint32(m)) != bits.LeadingZeros32(^uint32(m)) {
			return Addr{}, fmt.Errorf("bad netmask %q", f[i+1])
		}
		a.PrefixLen = bits.OnesCount32(uint32(m))
	}
	return a, nil
}

// parseInet6 reads `inet6 fe80::1%hn0 prefixlen 64 scopeid 0x2`.
func parseInet6(f []string) (Addr, error) {
	if len(f) < 2 {
		return Addr{}, fmt.Errorf("inet6 without an address")
	}
	addr, _, _ := strings.Cut(f[1], "%")
	a := Addr{Addr: addr, PrefixLen: 128}
	for i := 2; i+1 < len(f); i++ {
		if f[i] != "prefixlen" {
			continue
		}
		n, err := strconv.Atoi(f[i+1])
		if err != nil || n < 0 || n > 128 {
			return Addr{}, fmt.Errorf("bad prefixlen %q", f[i+1])
		}
		a.PrefixLen = n
	}
	return a, nil
}

// parsePort reads `laggport: hn0 flags=5<MASTER,ACTIVE>`.
func parsePort(f []string) (Port, error) {
	if len(f) < 3 || !strings.HasPrefix(f[2], "flags=") {
		return Port{}, fmt.Errorf("want \"laggport: IF flags=…\", got %q", strings.Join(f, " "))
	}
	v, _, err := parseBits(strings.TrimPrefix(f[2], "flags="))
	if err != nil {
		return Port{}, err
	}
	return Port{Name: f[1], Flags: v, Master: v&PortMaster != 0, Active: v&PortActive != 0}, nil
}

// ErrNoInterface is returned (wrapped) by Show for an interface that does
// not exist; test with errors.Is.
var ErrNoInterface = errors.New("interface does not exist")

// Show returns the parsed `ifconfig NAME`. A missing interface is
// (nil, an error wrapping ErrNoInterface): ifconfig then exits 1 with
// "ifconfig: interface NAME does not exist" (sbin/ifconfig/ifconfig.c).
func Show(ctx context.Context, r Runner, name string) (*Interface, error) {
	out, err := r.Run(ctx, Ifconfig, name)
	if err != nil {
		var ce *CmdError
		if errors.As(err, &ce) && ce.ExitCode == 1 &&
			strings.Contains(ce.Stderr, "interface "+name+" does not exist") {
			return nil, fmt.Errorf("%s: %w", name, ErrNoInterface)
		}
		return nil, err
	}
	ifc, err := parseIfconfig(out)
	if err != nil {
		// Output hvnetconf cannot read is a command answering something
		// unexpected: the run fails (exit 1), the input was fine.
		return nil, sysexits.New(sysexits.Failure, fmt.Errorf("%s %s: %w", Ifconfig, name, err))
	}
	if ifc.Name != name {
		return nil, fmt.Errorf("%s %s: output is about %q", Ifconfig, name, ifc.Name)
	}
	return ifc, nil
}
