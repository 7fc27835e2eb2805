//go:build freebsd

package live

import (
	"context"
	"slices"
	"testing"

	"github.com/hvnetconf/hvnetconf/hn"
)

// TestKernel executes the live path on the FreeBSD it runs on
// (.cirrus.yml: FreeBSD 14 and 15 VMs, which need not be Hyper-V guests,
// so the hn sysctls may well be absent): sysctl(3) reads through
// x/sys/unix, "absent" told from a failure, the NET_RT_IFLIST routing
// sysctl decoded into link states, and Snapshot over all of it. Only
// GOOS=freebsd builds it; nowhere else is there a kernel to read.
func TestKernel(t *testing.T) {
	k := New(context.Background())
	if v, ok, err := k.Sysctl("kern.ostype"); v != "FreeBSD" || !ok || err != nil {
		t.Errorf("kern.ostype = %q, ok %v, %v; want FreeBSD", v, ok, err)
	}
	if v, ok, err := k.SysctlInt("kern.osreldate"); v < 1400000 || !ok || err != nil {
		t.Errorf("kern.osreldate = %d, ok %v, %v; want 14.0 (1400000) or later", v, ok, err)
	}
	// hyperv_vfattach reads a failing sysctl as an older kernel: absent is
	// not an error.
	for _, name := range []string{"hw.hn.no_such_sysctl", "dev.hn.4096.vf"} {
		if v, ok, err := k.Sysctl(name); ok || err != nil {
			t.Errorf("%s = %q, ok %v, %v; want absent, no error", name, v, ok, err)
		}
	}
	if v, ok, err := k.SysctlInt("hw.hn.no_such_sysctl"); ok || err != nil {
		t.Errorf("hw.hn.no_such_sysctl = %d, ok %v, %v; want absent, no error", v, ok, err)
	}
	ifs, err := k.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	lo := slices.IndexFunc(ifs, func(i hn.NetIf) bool { return i.Name == "lo0" })
	if lo < 0 || ifs[lo].MTU <= 0 {
		t.Errorf("interfaces: no lo0 with an MTU in %+v", ifs)
	}
	// The VM reaches the network: its NIC's link is up (if_vtnet, gve).
	if !slices.ContainsFunc(ifs, func(i hn.NetIf) bool { return i.Link == "up" }) {
		t.Errorf("interfaces: no link up in %+v; NET_RT_IFLIST decoding wrong?", ifs)
	}
	s, err := Snapshot(k)
	if err != nil || s.Source != "live kernel" || !slices.Contains(s.Interfaces, "lo0") {
		t.Errorf("Snapshot() = %+v, %v", s, err)
	}
}
