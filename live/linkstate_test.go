package live

import (
	"encoding/binary"
	"reflect"
	"testing"
)

// ifMsg builds one FreeBSD struct if_msghdr as NET_RT_IFLIST returns it.
func ifMsg(typ byte, index uint16, link byte) []byte {
	m := make([]byte, 168) // sizeof(struct if_msghdr) on amd64
	binary.NativeEndian.PutUint16(m, uint16(len(m)))
	m[2], m[3] = rtmVersion, typ
	binary.NativeEndian.PutUint16(m[ifmIndexOff:], index)
	m[ifmLinkStateOff] = link
	return m
}

func TestParseLinkStates(t *testing.T) {
	var buf []byte
	buf = append(buf, ifMsg(rtmIfinfo, 1, linkStateUp)...)
	buf = append(buf, ifMsg(0xc, 1, linkStateDown)...) // RTM_NEWADDR: skipped
	buf = append(buf, ifMsg(rtmIfinfo, 2, linkStateDown)...)
	buf = append(buf, ifMsg(rtmIfinfo, 3, 0)...) // LINK_STATE_UNKNOWN
	got, err := parseLinkStates(buf)
	want := map[int]string{1: "up", 2: "down"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, %v; want %v", got, err, want)
	}
	if _, err := parseLinkStates(buf[:len(buf)-1]); err == nil {
		t.Error("truncated buffer accepted")
	}
}
