package hn

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// Kernel is what Read needs from the running system: package live
// implements it (sysctl(3) on FreeBSD, the emulated host's programs in
// tests); hn's tests use maps. Everything that interprets the answers lives
// here, so that it is tested on any OS.
type Kernel interface {
	// Sysctl returns a string sysctl; ok=false if it does not exist.
	Sysctl(name string) (v string, ok bool, err error)
	// SysctlInt returns an integer sysctl; ok=false if it does not exist.
	SysctlInt(name string) (v int, ok bool, err error)
	// Interfaces lists the host's interfaces.
	Interfaces() ([]NetIf, error)
}

// NetIf is what the kernel tells about one interface; MAC, MTU and Link
// are zero where the source does not say.
type NetIf struct {
	Name string
	MAC  string
	MTU  int
	Link string // "up", "down", ""
}

// Probing dev.hn.N stops after UnitGap missing units in a row: units may
// have gaps after a NIC is removed, and Hyper-V offers far fewer NICs than
// this per VM. (A reader that asks for every name at once, as the emulated
// host's sysctl(8) batch does, asks up to the highest hn unit + UnitGap.)
const (
	UnitGap  = 16
	maxUnits = 1024
	// Read re-reads when the sysctls disagree: a VF can attach or detach
	// between two reads (live migration), and the pairings then settle.
	readAttempts = 3
	retryDelay   = 200 * time.Millisecond
)

// Read builds a Snapshot from the running system's k, re-reading while the
// sysctls contradict each other (a VF can attach or detach between two
// reads), and fails with exit 65 if they keep doing so.
func Read(k Kernel) (*Snapshot, error) { return readKernel(k, time.Sleep) }

func readKernel(k Kernel, sleep func(time.Duration)) (*Snapshot, error) {
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

// ReadVFs reads only the mode and hw.hn.vflist: two sysctls, what
// Snapshot.LaggVF needs, for a caller that must decide fast (devd's
// vf-attach, run for every Ethernet attach). The rest of the snapshot is
// left empty.
func ReadVFs(k Kernel) (*Snapshot, error) {
	s := &Snapshot{Source: "live kernel"}
	return s, readVFs(k, s)
}

func readVFs(k Kernel, s *Snapshot) error {
	xp, ok, err := k.SysctlInt("hw.hn.vf_transparent")
	if err != nil {
		return err
	}
	s.Transparent, s.TransparentKnown = ok && xp != 0, ok
	list, ok, err := k.Sysctl("hw.hn.vflist")
	if err != nil {
		return err
	}
	s.VFList, s.VFListKnown = strings.Fields(list), ok
	return nil
}

func fromKernel(k Kernel) (*Snapshot, error) {
	s := &Snapshot{Source: "live kernel"}
	if err := readVFs(k, s); err != nil {
		return nil, err
	}
	vfmap, _, err := k.Sysctl("hw.hn.vfmap")
	if err != nil {
		return nil, err
	}
	if s.VFMap, err = parseVFMap(vfmap); err != nil {
		return nil, err
	}
	ifs, err := k.Interfaces()
	if err != nil {
		return nil, err
	}
	if s.HN, err = probeHN(k, ifs); err != nil {
		return nil, err
	}
	s.VFMap = byUnit(s.VFMap, s.HN)
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

// byUnit names each vfmap entry's hn by its unit. hw.hn.vfmap prints the
// hn's current interface name (if_hn.c hn_vfmap_sysctl, if_name), so an hn
// renamed in rc.conf (ifconfig_hn0_name="wan0") appears as "mce0:wan0";
// dev.hn.N.vf, keyed by unit, says which hnN that is. An entry no hn unit
// claims is dropped: the pairing is then dev.hn.N.vf's alone.
func byUnit(vfmap map[string]string, hns []Iface) map[string]string {
	out := map[string]string{}
	for vf, name := range vfmap {
		if _, err := HNUnit(name); err == nil {
			out[vf] = name
			continue
		}
		for _, i := range hns {
			if i.VF == vf {
				out[vf] = i.Name
			}
		}
	}
	return out
}

// probeHN finds the hn units by their dev.hn.N.vf sysctl, which if_hn.c
// creates for every attached hn device, and adds what the interface list
// says about each.
func probeHN(k Kernel, ifs []NetIf) ([]Iface, error) {
	byName := map[string]NetIf{}
	for _, i := range ifs {
		byName[i.Name] = i
	}
	var out []Iface
	for unit, missing := 0, 0; unit < maxUnits && missing < UnitGap; unit++ {
		vf, ok, err := k.Sysctl(fmt.Sprintf("dev.hn.%d.vf", unit))
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
