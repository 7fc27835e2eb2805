package render

import (
	"fmt"
	"strings"

	"github.com/hvnetconf/hvnetconf/hn"
	"github.com/hvnetconf/hvnetconf/ifname"
	"github.com/hvnetconf/hvnetconf/internal/finding"
	"github.com/hvnetconf/hvnetconf/rcconf"
)

// A chosen name is the name the admin gave hnN's traffic: ifconfig_hnN_name
// (the NIC renamed, configured as ifconfig_NEW) or ifconfig_laggN_name (the
// lagg hvnetconf creates for hnN, renamed). rc.d/netif netif_start runs
// clone_up, then network.subr ifnet_rename (ifconfig IF name NEW for every
// interface with ifconfig_IF_name), then ifn_start, in 12.1 and main alike:
// so FreeBSD configures a renamed NIC from ifconfig_NEW, never from
// ifconfig_hnN, and a renamed clone likewise.
//
// hvnetconf gives the chosen name to the lagg, so that everything naming it
// (pf.conf, ifconfig_NEW_aliasK, vlans_NEW, routes, scripts) reaches the
// interface that carries the addresses; the NIC keeps its driver name hnN,
// which says what it is and which the kernel's own reports (dev.hn.N,
// hw.hn.vfmap, devd's HYPERV_NIC_VF subsystem) use. netif creates laggN
// (clone_up) and then renames it (ifnet_rename), the order it supports.
type chosen struct {
	Name   string      // the lagg's name once netif has run; "" when nothing is renamed
	Clone  string      // laggN: what netif creates before renaming it
	HNVar  *rcconf.Var // ifconfig_hnN_name, cancelled in the rendered file
	Lagg   *rcconf.Var // ifconfig_laggN_name, kept
	Source string      // the interface whose ifconfig_IF netif applies to the NIC
}

// chosenName reads the renames that concern hn and its lagg clone. ok is
// false when a rename cannot be followed; the error finding says why
// (exit 65, nothing written).
func (b *builder) chosenName(h hn.Iface, clone string) (chosen, bool) {
	c := chosen{Clone: clone, Source: h.Name}
	env := b.in.Netif
	if v, ok := env.IfVar(h.Name, "ifconfig_IF_name"); ok && v.Value != "" {
		c.HNVar, c.Name, c.Source = &v, v.Value, v.Value
	}
	if v, ok := env.IfVar(clone, "ifconfig_IF_name"); ok && v.Value != "" {
		if c.HNVar != nil && v.Value != c.Name {
			b.finding(finding.Error, v.Origin, "%s renames %s to %q but %s (%s) renames %s, whose traffic %s carries, to %q: keep one of them",
				v.Name, clone, v.Value, c.HNVar.Name, c.HNVar.Origin, h.Name, clone, c.Name)
			return c, false
		}
		c.Lagg, c.Name = &v, v.Value
	}
	if c.Name == "" || c.Name == clone {
		c.Name = "" // ifconfig_hn0_name="lagg0": the lagg has that name already
		return c, true
	}
	v := c.HNVar
	if v == nil {
		v = c.Lagg
	}
	if err := ifname.ValidAttach(c.Name); err != nil {
		b.finding(finding.Error, v.Origin, "%s: %v", v.Name, err)
		return c, false
	}
	if other := b.nameTaken(c.Name, h, v); other != "" {
		b.finding(finding.Error, v.Origin, "%s renames to %q, which is already %s: two interfaces cannot have one name (ifconfig name fails with EEXIST)", v.Name, c.Name, other)
		return c, false
	}
	return c, true
}

// nameTaken says which other interface already has, or is given, name.
func (b *builder) nameTaken(name string, h hn.Iface, self *rcconf.Var) string {
	for _, o := range b.in.Snapshot.HN {
		if o.Name == name {
			return "the name of the NIC " + o.Name
		}
		if o.Name != h.Name && b.in.Config.Interface(o.Name).LaggName(o.Unit) == name {
			return "the lagg hvnetconf creates for " + o.Name
		}
	}
	for _, vf := range b.knownVFs() {
		if vf == name {
			return "the name of a VF"
		}
	}
	if v, ok := b.in.Netif.Lookup("cloned_interfaces"); ok {
		for _, w := range fields(v.Value) {
			if strings.SplitN(w, ":", 2)[0] == name {
				return fmt.Sprintf("an interface netif creates (%s cloned_interfaces)", v.Origin)
			}
		}
	}
	for _, v := range b.in.Netif.Vars() {
		if strings.HasPrefix(v.Name, "ifconfig_") && strings.HasSuffix(v.Name, "_name") && v.Value == name && v.Origin != self.Origin {
			return fmt.Sprintf("the new name %s gives (%s)", v.Name, v.Origin)
		}
	}
	return ""
}

// renameAssigns keeps hnN's driver name and hands the chosen one to the lagg.
func (c chosen) renameAssigns() []assign {
	if c.Name == "" {
		return nil
	}
	why := fmt.Sprintf("netif creates %s, then renames it (rc.d/netif netif_start: clone_up, then ifnet_rename)", c.Clone)
	from := why
	if c.Lagg != nil {
		from = fmt.Sprintf("from %s %s; %s", c.Lagg.Origin, c.Lagg.Name, why)
	}
	out := []assign{{Name: "ifconfig_" + rcconf.MangleIfName(c.Clone) + "_name", Value: c.Name, Comments: []string{from}}}
	if c.HNVar != nil {
		out = append(out, assign{Name: c.HNVar.Name, Value: "", Comments: []string{
			fmt.Sprintf("the NIC keeps its name: %s (%s) now names its lagg", c.Name, c.HNVar.Origin)}})
	}
	return out
}

// deadVars blanks hn's own per-interface variables when netif renamed the
// NIC before configuring it: they were never applied, and with the rename
// cancelled they would suddenly reach the lagg port.
func (b *builder) deadVars(h hn.Iface, c chosen) []assign {
	if c.HNVar == nil {
		return nil
	}
	env := b.in.Netif
	var vars []rcconf.Var
	if v, ok := env.IfVar(h.Name, "ifconfig_IF"); ok && len(fields(v.Value)) > 0 {
		vars = append(vars, v)
	}
	if v, ok := env.IfVar(h.Name, "ifconfig_IF_ipv6"); ok && v.Value != "" {
		vars = append(vars, v)
	}
	vars = append(vars, env.Aliases(h.Name)...)
	for _, p := range append([]string{"vlans_IF"}, movedVars...) {
		if v, ok := env.IfVar(h.Name, p); ok && v.Value != "" {
			vars = append(vars, v)
		}
	}
	var out []assign
	for _, v := range vars {
		b.finding(finding.Warning, v.Origin, "%s was never applied (netif renames %s to %s before configuring it: rc.d/netif netif_start, network.subr ifnet_rename); %s now carries %s's configuration from ifconfig_%s, and %s is dropped",
			v.Name, h.Name, c.Name, c.Name, h.Name, rcconf.MangleIfName(c.Source), v.Name)
		if v.Name == "ifconfig_"+rcconf.MangleIfName(h.Name) {
			continue // rendered as the port's "up" line
		}
		out = append(out, assign{Name: v.Name, Value: "", Comments: []string{"never applied: " + from(v)}})
	}
	return out
}
