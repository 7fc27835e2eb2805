package live

import (
	"encoding/binary"
	"fmt"
)

// Routing-socket constants from FreeBSD's net/route.h and net/if.h, used to
// read each interface's link state (which net.Interfaces does not expose)
// from the NET_RT_IFLIST sysctl.
const (
	rtmVersion      = 5   // RTM_VERSION
	rtmIfinfo       = 0xe // RTM_IFINFO
	ifmIndexOff     = 12  // struct if_msghdr: ifm_index
	ifmLinkStateOff = 20  // ifm_data.ifi_link_state (if_data starts at 16)
	linkStateDown   = 1   // LINK_STATE_DOWN
	linkStateUp     = 2   // LINK_STATE_UP
)

// parseLinkStates reads a NET_RT_IFLIST buffer: a sequence of messages,
// each starting with its length (u_short), version and type (u_char each).
// It returns interface index -> "up"/"down"; unknown states are left out.
func parseLinkStates(buf []byte) (map[int]string, error) {
	states := map[int]string{}
	for len(buf) >= 4 {
		n := int(binary.NativeEndian.Uint16(buf))
		if n < 4 || n > len(buf) {
			return nil, fmt.Errorf("routing message length %d, %d bytes left", n, len(buf))
		}
		msg := buf[:n]
		buf = buf[n:]
		if msg[2] != rtmVersion || msg[3] != rtmIfinfo || n <= ifmLinkStateOff {
			continue
		}
		idx := int(binary.NativeEndian.Uint16(msg[ifmIndexOff:]))
		switch msg[ifmLinkStateOff] {
		case linkStateUp:
			states[idx] = "up"
		case linkStateDown:
			states[idx] = "down"
		}
	}
	return states, nil
}
