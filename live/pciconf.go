package live

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// Pciconf lists the PCI functions: pciconf(8).
var Pciconf = "pciconf"

// PCIFunc is one line of `pciconf -l`: a PCI function and the driver
// attached to it ("none" when no driver claimed it).
type PCIFunc struct {
	Driver   string // "mlx5_core", "mana", or "none"
	Unit     int
	Selector string // "pci0:0:2:0", what pciconf -a and devinfo name
	Class    uint32 // class<<16 | subclass<<8 | progif
	Vendor   uint16
	Device   uint16
}

// Attached says whether a driver claimed the function.
func (f PCIFunc) Attached() bool { return f.Driver != "none" }

// Network says whether the function is a network controller (PCI base
// class 0x02, sys/dev/pci/pcireg.h PCIC_NETWORK).
func (f PCIFunc) Network() bool { return f.Class>>16 == 0x02 }

// PCI reads `pciconf -l`.
func PCI(ctx context.Context, r Runner) ([]PCIFunc, error) {
	out, err := r.Run(ctx, Pciconf, "-l")
	if err != nil {
		return nil, err
	}
	fs, err := ParsePciconf(out)
	if err != nil {
		return nil, sysexits.New(sysexits.Failure, fmt.Errorf("%s -l: %w", Pciconf, err))
	}
	return fs, nil
}

// ParsePciconf reads what `pciconf -l` prints (usr.sbin/pciconf/pciconf.c
// list_devs): one line per function, "NAMEUNIT@pciD:B:S:F:" then
// key=value words. NAME is the driver of the attached device, or "none"
// (numbered by a counter of its own) for a function no driver claimed:
// the orphaned VF this package is asked about. The vendor is "vendor=0x…"
// in current releases and the low half of "chip=0xDDDDVVVV" in the older
// format (pciconf.c as stored at freebsd-src 039ea811); both are read.
func ParsePciconf(out []byte) ([]PCIFunc, error) {
	var fs []PCIFunc
	for n, line := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if line == "" || line[0] == ' ' || line[0] == '\t' {
			continue // -v, -b and -c detail lines
		}
		f, err := parsePCILine(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", n+1, err)
		}
		fs = append(fs, f)
	}
	return fs, nil
}

func parsePCILine(line string) (PCIFunc, error) {
	var f PCIFunc
	head, rest, ok := strings.Cut(line, "@")
	sel, rest, ok2 := strings.Cut(rest, ":\t")
	if !ok || !ok2 || !strings.HasPrefix(sel, "pci") {
		return f, fmt.Errorf("not a pciconf -l line (NAME@pciD:B:S:F, then a tab): %q", line)
	}
	i := strings.LastIndexFunc(head, func(r rune) bool { return r < '0' || r > '9' }) + 1
	unit, err := strconv.Atoi(head[i:])
	if err != nil || i == 0 {
		return f, fmt.Errorf("%q: no driver name and unit", head)
	}
	f.Driver, f.Unit, f.Selector = head[:i], unit, sel
	for _, w := range strings.Fields(rest) {
		k, v, _ := strings.Cut(w, "=")
		n, err := strconv.ParseUint(strings.TrimPrefix(v, "0x"), 16, 32)
		if err != nil {
			continue
		}
		switch k {
		case "class":
			f.Class = uint32(n)
		case "vendor":
			f.Vendor = uint16(n)
		case "device":
			f.Device = uint16(n)
		case "chip":
			f.Vendor, f.Device = uint16(n), uint16(n>>16)
		}
	}
	return f, nil
}
