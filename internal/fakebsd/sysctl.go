package fakebsd

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// sysctls derives the hn(4) sysctls from the state (if_hn.c:
// hn_vflist_sysctl, hn_vfmap_sysctl, hn_vf_sysctl, hn_rxvf_sysctl), then
// applies State.Sysctls on top. Ints are stored in decimal.
func (s *State) sysctls() map[string]string {
	m := map[string]string{"hw.hn.vf_xpnt_attwait": "2"}
	if !s.Kernel.NoVFTransparent {
		m["hw.hn.vf_transparent"] = strconv.Itoa(b2i(s.Transparent))
	}
	var vfs, pairs []string
	for _, hn := range s.hns() {
		u, _ := unit(hn.Name, "hn")
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
		ua, _ := unit(out[a].Name, "hn")
		ub, _ := unit(out[b].Name, "hn")
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

// Sysctls implements host.Sysctls from the state file.
type Sysctls struct{ path string }

// String implements host.Sysctls.
func (x Sysctls) String(name string) (string, bool, error) {
	s, err := read(x.path)
	if err != nil {
		return "", false, err
	}
	v, ok := s.sysctls()[name]
	return v, ok, nil
}

// Int implements host.Sysctls.
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
	if len(names) == 0 || strings.HasPrefix(names[0], "-") || strings.ContainsRune(strings.Join(names, ""), '=') {
		return s.usage(stderr, "sysctl", args)
	}
	m, code := s.sysctls(), 0
	for _, name := range names {
		v, ok := m[name]
		switch {
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
