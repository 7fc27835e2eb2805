package hn

import (
	"reflect"
	"testing"
)

// mapSysctls is host.Sysctls over two maps.
type mapSysctls struct {
	strs map[string]string
	ints map[string]int
}

func (m mapSysctls) String(name string) (string, bool, error) {
	v, ok := m.strs[name]
	return v, ok, nil
}

func (m mapSysctls) Int(name string) (int, bool, error) {
	v, ok := m.ints[name]
	return v, ok, nil
}

func TestFromSysctls(t *testing.T) {
	s, err := FromSysctls(mapSysctls{
		ints: map[string]int{"hw.hn.vf_transparent": 0},
		strs: map[string]string{"hw.hn.vflist": "mce1", "hw.hn.vfmap": "mce1:hn0", "dev.hn.0.vf": "mce1", "dev.hn.1.vf": ""},
	}, []string{"lo0", "hn1", "hn0", "mce1"})
	if err != nil {
		t.Fatal(err)
	}
	want := []Iface{{Name: "hn0", Unit: 0, VF: "mce1"}, {Name: "hn1", Unit: 1}}
	if !reflect.DeepEqual(s.HN, want) || s.Transparent || !s.TransparentKnown || !s.IsVF("mce1") || s.IsVF("mce10") {
		t.Errorf("snapshot = %+v", s)
	}
	if !reflect.DeepEqual(s.Interfaces, []string{"hn0", "hn1", "lo0", "mce1"}) {
		t.Errorf("interfaces = %v", s.Interfaces)
	}
}
