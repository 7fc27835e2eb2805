package hn

import (
	"strings"

	"github.com/hvnetconf/hvnetconf/fsys"
	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"github.com/hvnetconf/hvnetconf/internal/tomlpos"
)

// ReadFile reads a snapshot file (format: package doc). A missing file is
// exit 66, a bad one exit 65, each naming the file.
func ReadFile(path string) (*Snapshot, error) {
	data, err := fsys.ReadHostFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse reads a snapshot from data; name is the file name for messages.
func Parse(name string, data []byte) (*Snapshot, error) {
	doc, root, err := tomlpos.Parse(name, data, sysexits.DataErr)
	if err != nil {
		return nil, err
	}
	s := &Snapshot{Source: name}
	if err := s.decodeTop(root); err != nil {
		return nil, err
	}
	if err := s.decodeHN(root); err != nil {
		return nil, err
	}
	s.normalize()
	if is := s.check(); is != nil {
		return nil, doc.Errorf(is.key, "%s", is.msg)
	}
	return s, nil
}

func (s *Snapshot) decodeTop(root tomlpos.Table) error {
	if err := root.Only("vf_transparent", "vflist", "vfmap", "interfaces", "hn"); err != nil {
		return err
	}
	xp, ok, err := root.Int("vf_transparent")
	if err != nil {
		return err
	}
	if ok && xp != 0 && xp != 1 {
		return root.Errorf("vf_transparent", "%d: want 0 or 1", xp)
	}
	s.Transparent, s.TransparentKnown = xp == 1, ok
	if s.VFList, s.VFListKnown, err = root.Strings("vflist"); err != nil {
		return err
	}
	if s.Interfaces, _, err = root.Strings("interfaces"); err != nil {
		return err
	}
	vfmap, _, err := root.Table("vfmap")
	if err != nil {
		return err
	}
	s.VFMap = map[string]string{}
	for _, vf := range vfmap.Keys() {
		if s.VFMap[vf], _, err = vfmap.String(vf); err != nil {
			return err
		}
	}
	return nil
}

func (s *Snapshot) decodeHN(root tomlpos.Table) error {
	hns, _, err := root.Table("hn")
	if err != nil {
		return err
	}
	for _, name := range hns.Keys() {
		unit, err := HNUnit(name)
		if err != nil {
			return hns.Errorf(name, "%v", err)
		}
		t, _, err := hns.Table(name)
		if err != nil {
			return err
		}
		i, err := decodeIface(t)
		if err != nil {
			return err
		}
		i.Name, i.Unit = name, unit
		s.HN = append(s.HN, i)
	}
	return nil
}

func decodeIface(t tomlpos.Table) (Iface, error) {
	var i Iface
	if err := t.Only("vf", "mac", "mtu", "link"); err != nil {
		return i, err
	}
	var err error
	if i.VF, _, err = t.String("vf"); err != nil {
		return i, err
	}
	if i.MAC, _, err = t.String("mac"); err != nil {
		return i, err
	}
	i.MAC = strings.ToLower(i.MAC)
	if i.Link, _, err = t.String("link"); err != nil {
		return i, err
	}
	mtu, ok, err := t.Int("mtu")
	if err != nil {
		return i, err
	}
	if ok && (mtu < 68 || mtu > 65535) {
		return i, t.Errorf("mtu", "%d is out of range 68..65535", mtu)
	}
	i.MTU = int(mtu)
	return i, nil
}
