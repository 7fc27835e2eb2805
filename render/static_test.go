package render

import (
	"encoding/json"
	"slices"
	"testing"
)

// TestStaticAddrs: every address word after inet/inet6 is kept as written
// (the plan's JSON shows it so), read by netip where netip can.
func TestStaticAddrs(t *testing.T) {
	words := fields("inet 10.0.0.4 netmask 0xffffff00 inet6 fe80::1%lagg0/64 inet gw.example inet6 2001:DB8::4/64")
	got := staticAddrs(words)
	want := []struct{ text, host, addr string }{
		{"inet 10.0.0.4", "10.0.0.4", "10.0.0.4"},
		{"inet6 fe80::1%lagg0/64", "fe80::1%lagg0", "fe80::1%lagg0"},
		{"inet gw.example", "gw.example", "invalid IP"},
		{"inet6 2001:DB8::4/64", "2001:DB8::4", "2001:db8::4"},
	}
	if len(got) != len(want) {
		t.Fatalf("staticAddrs = %v, want %d addresses", got, len(want))
	}
	// ifconfig commands after the family are no address: none to verify.
	for _, value := range []string{"inet6 -ifdisabled accept_rtadv", "inet6 accept_rtadv", "inet6 ifdisabled", "inet alias", "inet6 auto_linklocal -no_dad"} {
		if got := staticAddrs(fields(value)); len(got) != 0 {
			t.Errorf("staticAddrs(%q) = %v, want none", value, got)
		}
	}
	for i, w := range want {
		text, _ := got[i].MarshalText()
		if string(text) != w.text || got[i].Host() != w.host || got[i].Addr.String() != w.addr {
			t.Errorf("address %d: %q host %q addr %q; want %q host %q addr %q", i, text, got[i].Host(), got[i].Addr, w.text, w.host, w.addr)
		}
	}
	data, err := json.Marshal(Lagg{Name: "lagg0", HN: "hn0", Static: got[:2]})
	if err != nil {
		t.Fatal(err)
	}
	if w := `{"name":"lagg0","hn":"hn0","dhcp":false,"ifconfig":"","static":["inet 10.0.0.4","inet6 fe80::1%lagg0/64"]}`; string(data) != w {
		t.Errorf("JSON %s\nwant %s", data, w)
	}
	var back Lagg
	if err := json.Unmarshal(data, &back); err != nil || !slices.Equal(back.Static, got[:2]) {
		t.Errorf("read back %v, %v; want %v", back.Static, err, got[:2])
	}
	if err := json.Unmarshal([]byte(`{"static":["inet"]}`), &back); err == nil {
		t.Error("a family without an address was read")
	}
}
