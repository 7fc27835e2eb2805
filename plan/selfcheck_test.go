package plan

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/testtool"
)

// exampleDir copies examples/azure into a new directory.
func exampleDir(t *testing.T) string {
	t.Helper()
	return testtool.CopyRoot(t, "../examples/azure", "") // it has its own defaults
}

// prepareExample renders dir with the example snapshot.
func prepareExample(t *testing.T, dir string) *Result {
	t.Helper()
	s, err := ReadState("../examples/azure-state.toml", false)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Prepare(context.Background(), Options{Root: testtool.OpenRoot(t, dir), Snapshot: s})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestSelfCheckOwnerTests: an rc.conf testing the owner of a file that the
// self-check overlays (it exists only in memory) evaluates instead of
// panicking in the interpreter's test -O / -G.
func TestSelfCheckOwnerTests(t *testing.T) {
	dir := exampleDir(t)
	rc := filepath.Join(dir, "etc", "rc.conf")
	data, err := os.ReadFile(rc)
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, "[ -O /usr/local/etc/rc.conf.d/network ] && owned=YES\n[ -G /usr/local/etc/rc.conf.d/network ] && grouped=YES\n"...)
	if err := os.WriteFile(rc, data, 0o644); err != nil {
		t.Fatal(err)
	}
	prepareExample(t, dir)
}

// TestForeignTargetNotPlannedIsLeftAlone: an admin's rc.conf.d/dhcpd
// directory (a layout rc.subr reads) sits at a target path the plan does
// not write: the render goes on and the directory stays.
func TestForeignTargetNotPlannedIsLeftAlone(t *testing.T) {
	dir := exampleDir(t)
	if err := os.MkdirAll(filepath.Join(dir, "usr/local/etc/rc.conf.d/dhcpd"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range prepareExample(t, dir).Changes {
		if strings.Contains(c.Path, "dhcpd") {
			t.Errorf("plans to change %s", c.Path)
		}
	}
}

// TestServicesAreBounded: a root with hundreds of rc.conf.d entries costs
// at most maxServices evaluations, and says so.
func TestServicesAreBounded(t *testing.T) {
	dir := exampleDir(t)
	d := filepath.Join(dir, "etc/rc.conf.d")
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range 300 {
		if err := os.WriteFile(filepath.Join(d, fmt.Sprintf("svc%03d", i)), []byte("x=1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res := prepareExample(t, dir)
	found := false
	for _, f := range res.Findings {
		found = found || strings.Contains(f.Message, fmt.Sprintf("only the first %d", maxServices))
	}
	if !found {
		t.Errorf("no finding about the services left unchecked: %v", res.Findings)
	}
}

// TestVFDelayBounds: the plan's VF delay (what vf-attach waits) is
// rc.conf's hyperv_vf_delay between FreeBSD's floor of 2 and
// config.MaxDelay, with a warning naming the line when it is outside.
func TestVFDelayBounds(t *testing.T) {
	for _, tt := range []struct {
		value string
		want  int
		warn  string
	}{
		{"120", 120, ""},
		{"1", 2, `hyperv_vf_delay="1" is not a number of seconds >= 2; using 2`},
		{"10000000000", 3600, `hyperv_vf_delay="10000000000" is over 3600 seconds; using 3600`},
	} {
		dir := exampleDir(t)
		rc := filepath.Join(dir, "etc", "rc.conf")
		data, err := os.ReadFile(rc)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(rc, append(data, fmt.Sprintf("hyperv_vf_delay=%q\n", tt.value)...), 0o644); err != nil {
			t.Fatal(err)
		}
		res := prepareExample(t, dir)
		warned := ""
		for _, f := range res.Findings {
			if strings.Contains(f.String(), "hyperv_vf_delay=") {
				warned = f.String()
			}
		}
		if res.Plan.VFDelay != tt.want || !strings.Contains(warned, tt.warn) || (tt.warn == "") != (warned == "") {
			t.Errorf("hyperv_vf_delay=%s: plan waits %d s, finding %q; want %d s, %q", tt.value, res.Plan.VFDelay, warned, tt.want, tt.warn)
		}
	}
}
