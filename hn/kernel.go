package hn

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// kernel is what Live needs from the running system. live_freebsd.go
// implements it with raw sysctl calls; tests use a map. Everything that
// interprets the answers lives here so that it is tested on any OS.
type kernel interface {
	// sysctlString returns a string sysctl; ok=false if it does not exist.
	sysctlString(name string) (v string, ok bool, err error)
	// sysctlInt returns an integer sysctl; ok=false if it does not exist.
	sysctlInt(name string) (v uint32, ok bool, err error)
	// interfaces lists the host's interfaces.
	interfaces() ([]netIf, error)
}

// netIf is what the kernel tells about one interface.
type netIf struct {
	Name string
	MAC  string
	MTU  int
	Link string // "up", "down", ""
}

// Probing dev.hn.N stops after this many missing units in a row: units may
// have gaps after a NIC is removed, and Hyper-V offers far fewer NICs than
// this per VM.
const (
	unitGap  = 16
	maxUnits = 1024
	// Live re-reads when the sysctls disagree: a VF can attach or detach
	// between two reads (live migration), and the pairings then settle.
	readAttempts = 3
	retryDelay   = 200 * time.Millisecond
)

// readKernel builds a Snapshot from k, re-reading while the sysctls
// contradict each other, and fails with exit 65 if they keep doing so.
func readKernel(k kernel, sleep func(time.Duration)) (*Snapshot, error) {
	for attempt := 1; ; attempt++ {
		s, err := fromKernel(k)
		if err != nil {
			return nil, err
		}
		is := s.check()
		if is == nil {
			return s, nil
		}
		if attempt == readAttempts {
			return nil, sysexits.Errorf(sysexits.DataErr, "live kernel: %s: %s", sysctlName(is.key), is.msg)
		}
		sleep(retryDelay)
	}
}

func fromKernel(k kernel) (*Snapshot, error) {
	s := &Snapshot{Source: "live kernel"}
	xp, ok, err := k.sysctlInt("hw.hn.vf_transparent")
	if err != nil {
		return nil, err
	}
	s.Transparent, s.TransparentKnown = ok && xp != 0, ok
	list, ok, err := k.sysctlString("hw.hn.vflist")
	if err != nil {
		return nil, err
	}
	s.VFList, s.VFListKnown = strings.Fields(list), ok
	vfmap, _, err := k.sysctlString("hw.hn.vfmap")
	if err != nil {
		return nil, err
	}
	if s.VFMap, err = parseVFMap(vfmap); err != nil {
		return nil, err
	}
	ifs, err := k.interfaces()
	if err != nil {
		return nil, err
	}
	if s.HN, err = probeHN(k, ifs); err != nil {
		return nil, err
	}
	s.Interfaces = []string{}
	for _, i := range ifs {
		s.Interfaces = append(s.Interfaces, i.Name)
	}
	s.normalize()
	return s, nil
}

// parseVFMap splits hw.hn.vfmap, "mce0:hn0 mce1:hn1" (if_hn.c
// hn_vfmap_sysctl), into VF -> hn.
func parseVFMap(v string) (map[string]string, error) {
	m := map[string]string{}
	for _, pair := range strings.Fields(v) {
		vf, hn, ok := strings.Cut(pair, ":")
		if !ok || vf == "" || hn == "" {
			return nil, sysexits.Errorf(sysexits.DataErr, "live kernel: hw.hn.vfmap: %q is not VF:HN", pair)
		}
		m[vf] = hn
	}
	return m, nil
}

// probeHN finds the hn units by their dev.hn.N.vf sysctl, which if_hn.c
// creates for every attached hn device, and adds what the interface list
// says about each.
func probeHN(k kernel, ifs []netIf) ([]Iface, error) {
	byName := map[string]netIf{}
	for _, i := range ifs {
		byName[i.Name] = i
	}
	var out []Iface
	for unit, missing := 0, 0; unit < maxUnits && missing < unitGap; unit++ {
		vf, ok, err := k.sysctlString(fmt.Sprintf("dev.hn.%d.vf", unit))
		if err != nil {
			return nil, err
		}
		if !ok {
			missing++
			continue
		}
		missing = 0
		name := "hn" + strconv.Itoa(unit)
		n := byName[name]
		out = append(out, Iface{Name: name, Unit: unit, VF: strings.TrimSpace(vf), MAC: n.MAC, MTU: n.MTU, Link: n.Link})
	}
	return out, nil
}

// sysctlName says which sysctl a snapshot key came from, for messages about
// the live kernel.
func sysctlName(key []string) string {
	switch {
	case len(key) == 0:
		return "?"
	case key[0] == "hn" && len(key) >= 3 && key[2] == "vf":
		return "dev.hn." + strings.TrimPrefix(key[1], "hn") + ".vf"
	case key[0] == "hn" && len(key) >= 2:
		return key[1]
	case key[0] == "interfaces":
		return "interface list"
	}
	return "hw.hn." + key[0]
}

// Routing-socket constants from FreeBSD's net/route.h and net/if.h, used to
// read each interface's link state (which net.Interfaces does not expose)
// from the NET_RT_IFLIST sysctl.
const (
	rtmVersion      = 5   // RTM_VERSION
	rtmIfinfo       = 0xe // RTM_IFINFO
	ifmIndexOff     = 12  // struct if_msghdr: ifm_index
	ifmLinkStateOff = 20  // ifm_data.ifi_link_state (if_data starts at 16)
	linkStateDown   = 1   // LINK_STATE_DOWN
	linkStateUp     = 2   // LINK_STATE_UP
)

// parseLinkStates reads a NET_RT_IFLIST buffer: a sequence of messages,
// each starting with its length (u_short), version and type (u_char each).
// It returns interface index -> "up"/"down"; unknown states are left out.
func parseLinkStates(buf []byte) (map[int]string, error) {
	states := map[int]string{}
	for len(buf) >= 4 {
		n := int(binary.NativeEndian.Uint16(buf))
		if n < 4 || n > len(buf) {
			return nil, fmt.Errorf("routing message length %d, %d bytes left", n, len(buf))
		}
		msg := buf[:n]
		buf = buf[n:]
		if msg[2] != rtmVersion || msg[3] != rtmIfinfo || n <= ifmLinkStateOff {
			continue
		}
		idx := int(binary.NativeEndian.Uint16(msg[ifmIndexOff:]))
		switch msg[ifmLinkStateOff] {
		case linkStateUp:
			states[idx] = "up"
		case linkStateDown:
			states[idx] = "down"
		}
	}
	return states, nil
}
