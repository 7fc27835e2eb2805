package live

import (
	"reflect"
	"testing"
)

// Both formats pciconf -l has printed: the current one (vendor= device=)
// and the older chip=0xDDDDVVVV; a function no driver claimed is none<N>,
// detail lines of -v are skipped.
func TestParsePciconf(t *testing.T) {
	out := "hostb0@pci0:0:0:0:\tclass=0x060000 rev=0x03 hdr=0x00 vendor=0x8086 device=0x7192 subvendor=0x0000 subdevice=0x0000\n" +
		"mlx5_core0@pci1:0:2:0:\tclass=0x020000 rev=0x80 hdr=0x00 vendor=0x15b3 device=0x1016 subvendor=0x15b3 subdevice=0x0190\n" +
		"    vendor     = 'Mellanox Technologies'\n" +
		"none0@pci2:0:2:0:\tclass=0x020000 card=0x00001414 chip=0x00ba1414 rev=0x00 hdr=0x00\n"
	got, err := ParsePciconf([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	want := []PCIFunc{
		{Driver: "hostb", Selector: "pci0:0:0:0", Class: 0x060000, Vendor: 0x8086, Device: 0x7192},
		{Driver: "mlx5_core", Selector: "pci1:0:2:0", Class: 0x020000, Vendor: 0x15b3, Device: 0x1016},
		{Driver: "none", Selector: "pci2:0:2:0", Class: 0x020000, Vendor: 0x1414, Device: 0x00ba},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if got[2].Attached() || !got[1].Attached() || !got[2].Network() || got[0].Network() {
		t.Errorf("Attached/Network wrong: %+v", got)
	}
	for _, bad := range []string{"garbage\n", "@pci0:0:0:0:\tclass=0x0\n", "x0@bus0:\tclass=0\n"} {
		if _, err := ParsePciconf([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestParseBootTime(t *testing.T) {
	got, err := parseBootTime("{ sec = 1765065600, usec = 250000 } Sun Dec  7 00:00:00 2025")
	if err != nil || got.Unix() != 1765065600 || got.Nanosecond() != 250000000 {
		t.Errorf("got %v, %v", got, err)
	}
	if _, err := parseBootTime("1765065600"); err == nil {
		t.Error("a bare number: no error")
	}
}
