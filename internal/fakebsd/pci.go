package fakebsd

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// PCIFunc is a PCI function the host offers beyond the VFs' own: a test's
// way to show a function no driver claimed (Driver "none").
type PCIFunc struct {
	Driver string `json:"driver"` // "none": no driver attached
	Vendor uint16 `json:"vendor"`
	Device uint16 `json:"device"`
}

// AddPCI offers a PCI network function of vendor:device with driver
// attached ("none": the image has no driver for it, as on a guest whose
// kernel lacks the VF's module: the function sits on the bus, no
// interface attaches, hn runs on alone).
func (h *Host) AddPCI(driver string, vendor, device uint16) {
	h.Update(func(s *State) { s.PCI = append(s.PCI, PCIFunc{Driver: driver, Vendor: vendor, Device: device}) })
}

// vfDriver is the PCI driver behind a VF interface, by the interface
// name each driver gives its ifnet (mlx5en's mce, mlx4en's mlxen, mana's
// mana), with the vendor and a device ID of that family's VF.
func vfDriver(name string) PCIFunc {
	switch {
	case strings.HasPrefix(name, "mce"):
		return PCIFunc{Driver: "mlx5_core", Vendor: 0x15b3, Device: 0x1016}
	case strings.HasPrefix(name, "mlxen"):
		return PCIFunc{Driver: "mlx4_core", Vendor: 0x15b3, Device: 0x1004}
	}
	return PCIFunc{Driver: "mana", Vendor: 0x1414, Device: 0x00ba}
}

// pciconf is `pciconf -l` in the current format (usr.sbin/pciconf/pciconf.c
// list_devs): one line per function, the attached driver and its unit,
// or "none" and a counter of its own for a function without a driver.
// The functions are each VF interface's (one function per VF) and the
// state's extra ones, on buses of their own.
func (s *State) pciconf(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 || args[0] != "-l" {
		return s.usage(stderr, "pciconf", args)
	}
	var fs []PCIFunc
	for _, n := range s.names() {
		if s.Ifaces[n].Kind == KindVF {
			fs = append(fs, vfDriver(n))
		}
	}
	fs = append(fs, s.PCI...)
	units := map[string]int{}
	for bus, f := range fs {
		fmt.Fprintf(stdout, "%s%d@pci%d:0:2:0:\tclass=0x020000 rev=0x00 hdr=0x00 vendor=0x%04x device=0x%04x subvendor=0x%04x subdevice=0x0000\n",
			f.Driver, units[f.Driver], bus+1, f.Vendor, f.Device, f.Vendor)
		units[f.Driver]++
	}
	return 0
}

// bootTime is kern.boottime as sysctl(8) prints a struct timeval
// (sbin/sysctl/sysctl.c S_timeval): "{ sec = N, usec = M } DATE".
func (s *State) bootTime() string {
	t := time.Unix(s.Boot, 0).UTC()
	return fmt.Sprintf("{ sec = %d, usec = 0 } %s", s.Boot, t.Format("Mon Jan _2 15:04:05 2006"))
}
