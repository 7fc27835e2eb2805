// Package hn is the inventory of Hyper-V synthetic NICs (hn(4)) and their
// SR-IOV virtual functions: a Snapshot read from the live kernel's sysctls
// (FreeBSD only) or from a TOML file, for offline renders. It never changes
// the system and never runs a program.
//
// # Snapshot file format
//
// A snapshot is a TOML file; every key is optional and unknown keys are
// errors. hvnetconf snapshot writes one from the live kernel; see
// testdata/example.toml for a commented example.
//
//	vf_transparent = 0          # hw.hn.vf_transparent, 0 or 1; absent: old kernel (non-transparent)
//	vflist = ["mce0"]           # hw.hn.vflist; absent: old kernel without it
//	vfmap = { mce0 = "hn0" }    # hw.hn.vfmap, VF = "hnN"
//	interfaces = ["hn0", "hn1", "lo0", "mce0"]   # every interface on the host
//
//	[hn.hn0]                    # one table per hn device, named hnN
//	vf = "mce0"                 # dev.hn.0.vf; absent or "": no VF attached
//	mac = "00:15:5d:00:00:01"   # six colon-separated hex octets
//	mtu = 1500                  # 68..65535; absent: unknown
//	link = "up"                 # "up" or "down"; absent: unknown
//
//	[hn.hn1]                    # an hn without a VF and nothing else known
//
// Parse rejects, naming FILE:LINE and the key: syntax errors, unknown keys,
// values of the wrong type or out of range, names that are not interface
// names (ifname.Valid), [hn.X] tables whose X is not hnN, a VF paired with two
// hn, a vfmap entry that contradicts an hn's vf or names an hn not listed,
// and a VF missing from vflist when vflist is given. Before decoding, it
// refuses a file over tomlpos's limits (1 MiB, nesting deeper than 32, more
// than 1024 keys or 4096 array elements, a key over 128 bytes, a string
// over 1024) with "FILE:LINE: what (limit: ...)".
package hn

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hvnetconf/hvnetconf/ifname"
)

// Iface is one hnN device.
type Iface struct {
	Name string // "hn0"
	Unit int    // 0
	VF   string // dev.hn.N.vf; "" if no VF is attached
	MAC  string // lowercase "00:15:5d:00:00:01"; "" if unknown
	MTU  int    // 0 if unknown
	Link string // "up", "down", or "" if unknown
}

// Snapshot is the hn/VF state of one host at one moment.
type Snapshot struct {
	Transparent      bool              // hw.hn.vf_transparent = 1
	TransparentKnown bool              // false when the sysctl is absent (old kernel: non-transparent)
	VFListKnown      bool              // false when hw.hn.vflist is absent (old kernel)
	VFList           []string          // hw.hn.vflist, in kernel order
	VFMap            map[string]string // hw.hn.vfmap: VF -> hnN
	HN               []Iface           // sorted by Unit
	Interfaces       []string          // every interface on the host, sorted; nil if unknown
	Source           string            // for messages: the file read, or "live kernel"
}

// Lookup returns the hn device with that name.
func (s *Snapshot) Lookup(hn string) (Iface, bool) {
	for _, i := range s.HN {
		if i.Name == hn {
			return i, true
		}
	}
	return Iface{}, false
}

// IsVF says whether name is a VF, exactly as FreeBSD's hyperv_vfattach
// decides it: membership of hw.hn.vflist. On a kernel without that sysctl
// the script gives up ("nothing could be done properly") and treats no
// interface as a VF; so does IsVF, even if dev.hn.N.vf names one.
func (s *Snapshot) IsVF(name string) bool {
	return s.VFListKnown && slices.Contains(s.VFList, name)
}

// LaggVF says whether name is a VF that userland must put in a lagg: the
// kernel runs non-transparent (hn(4) drives its VFs itself otherwise, and
// nothing may touch them) and name is a VF (IsVF). devd's vf-attach asks
// this of every Ethernet attach.
func (s *Snapshot) LaggVF(name string) bool { return !s.Transparent && s.IsVF(name) }

// HNForVF returns the hn device a VF belongs to: from hw.hn.vfmap, else from
// the hn whose dev.hn.N.vf names it (the sysctl hyperv_vfup relies on, which
// every kernel with VF support has).
func (s *Snapshot) HNForVF(vf string) (string, bool) {
	if vf == "" {
		return "", false
	}
	if hn, ok := s.VFMap[vf]; ok {
		return hn, true
	}
	for _, i := range s.HN {
		if i.VF == vf {
			return i.Name, true
		}
	}
	return "", false
}

// normalize puts a snapshot in the one form Parse, Read and WriteTOML agree
// on, so that snapshots compare equal whatever produced them.
func (s *Snapshot) normalize() {
	if s.VFMap == nil {
		s.VFMap = map[string]string{}
	}
	if s.VFListKnown && s.VFList == nil {
		s.VFList = []string{}
	}
	slices.SortFunc(s.HN, func(a, b Iface) int { return a.Unit - b.Unit })
	slices.Sort(s.Interfaces)
}

// HNUnit returns N for an "hnN" name and an error for any other name.
func HNUnit(name string) (int, error) {
	if err := ifname.Valid(name); err != nil {
		return 0, err
	}
	rest, ok := strings.CutPrefix(name, "hn")
	unit, err := strconv.Atoi(rest)
	if !ok || err != nil {
		return 0, fmt.Errorf("%q is not an hn(4) interface (want hnN)", name)
	}
	return unit, nil
}
