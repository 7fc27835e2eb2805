// Package ifname says which interface names hvnetconf accepts: names that
// reach an argv, a rendered file or a message come from devd, rc.conf, a
// snapshot or a policy file, and pass through here first.
package ifname

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// maxIfName is IFNAMSIZ (16, sys/net/if.h) less the terminating NUL.
const maxIfName = 15

// Valid accepts the interface names hvnetconf itself handles (hn, VF
// and lagg devices): ASCII letters followed by a unit number, as the kernel
// names a device (driver name + unit), at most 15 bytes. The unit has no
// leading zero: the kernel never prints one and if_clone's ifc_name2unit
// refuses one. Names from devd or a file pass through here before they reach
// an argv or a rendered file.
func Valid(name string) error {
	if name == "" {
		return fmt.Errorf("empty interface name")
	}
	if len(name) > maxIfName {
		return fmt.Errorf("invalid interface name %q: %d bytes, more than %d", name, len(name), maxIfName)
	}
	i := strings.IndexFunc(name, func(r rune) bool { return !isLetter(r) })
	switch {
	case i == 0:
		return fmt.Errorf("invalid interface name %q: want a letter first, got %s", name, charName(name))
	case i < 0:
		return fmt.Errorf("invalid interface name %q: no unit number", name)
	}
	unit := name[i:]
	if j := strings.IndexFunc(unit, func(r rune) bool { return r < '0' || r > '9' }); j >= 0 {
		return fmt.Errorf("invalid interface name %q: %s is not allowed", name, charName(unit[j:]))
	}
	if len(unit) > 1 && unit[0] == '0' {
		return fmt.Errorf("invalid interface name %q: unit number has a leading zero", name)
	}
	return nil
}

func isLetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

// charName quotes the first character of s for a message: '-' or U+00E9.
func charName(s string) string {
	r := []rune(s)[0]
	if r < 0x80 {
		return strconv.QuoteRune(r)
	}
	return fmt.Sprintf("%U", r)
}

// ValidHost is the looser check for the host's full interface list,
// which holds names hvnetconf never acts on and which need not follow the
// driver+unit pattern: epair0a, vlan0.100, renamed "wan". They are only
// compared against, so printable ASCII without blanks or '/' is enough.
func ValidHost(name string) error {
	if name == "" || len(name) > maxIfName {
		return fmt.Errorf("invalid interface name %q: want 1 to %d bytes", name, maxIfName)
	}
	for _, r := range name {
		if r <= ' ' || r > '~' || r == '/' {
			return fmt.Errorf("invalid interface name %q: %s is not allowed", name, charName(string(r)))
		}
	}
	return nil
}

// ValidAttach accepts the name of any interface that attaches (devd's
// ETHERNET/IFATTACH): a driver or clone name as the kernel gives it,
// epair0a and vlan0.100 as well as a VF. It is ValidHost's length and
// bytes, narrowed to a letter, then letters, digits, '.' or '_', so that
// nothing in it could be taken for more than a name.
func ValidAttach(name string) error {
	if err := ValidHost(name); err != nil {
		return err
	}
	if !attachName.MatchString(name) {
		return fmt.Errorf("invalid interface name %q: want a letter, then letters, digits, '.' or '_'", name)
	}
	return nil
}

var attachName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9._]*$`)
