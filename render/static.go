package render

import (
	"fmt"
	"net/netip"
	"strings"
)

// StaticAddr is one address ifconfig_laggN gives the lagg: its family word
// and the word after it, as rc.conf writes them ("inet 10.0.0.4/24").
//
// render validates no address: ifconfig(8) itself takes more than netip
// reads (a host name it resolves, "10.1" by inet_aton, sbin/ifconfig
// af_inet.c in_getaddr), and rc.conf's value is passed to it unchanged. So
// the word is kept as written: it is what the plan's JSON shows and what
// apply's commands and messages name; Addr is that word read by netip, the
// zero Addr when netip cannot read it. An address apply cannot read is
// compared as text with what ifconfig reports, which never matches a name:
// it is reported missing (the harsher case), as it always was.
type StaticAddr struct {
	Family string     // "inet" or "inet6"
	Word   string     // as written: "10.0.0.4/24", "fe80::1%lagg0/64", "10.0.0.4" (a netmask follows)
	Addr   netip.Addr // Word's address; invalid when netip cannot read it
}

// NewStaticAddr reads word, the word after family in an ifconfig value.
func NewStaticAddr(family, word string) StaticAddr {
	// Not netip.ParsePrefix: it refuses a zone, which a scoped inet6
	// address has; the length is not needed to find the address.
	a, _ := netip.ParseAddr(hostPart(word))
	return StaticAddr{Family: family, Word: word, Addr: a}
}

// Host is the address as written, without its "/len".
func (s StaticAddr) Host() string { return hostPart(s.Word) }

func hostPart(word string) string {
	host, _, _ := strings.Cut(word, "/")
	return host
}

// MarshalText writes it as rc.conf does ("inet 10.0.0.4/24"): the plan's
// JSON keeps one string per address (docs/hvnetconf.schema.json).
func (s StaticAddr) MarshalText() ([]byte, error) {
	return []byte(s.Family + " " + s.Word), nil
}

// UnmarshalText reads what MarshalText writes, so that the plan's JSON
// reads back into a Plan (the CLI's tests do).
func (s *StaticAddr) UnmarshalText(text []byte) error {
	family, word, ok := strings.Cut(string(text), " ")
	if !ok || word == "" {
		return fmt.Errorf("static address %q: want a family and an address (\"inet 10.0.0.4/24\")", text)
	}
	*s = NewStaticAddr(family, word)
	return nil
}
