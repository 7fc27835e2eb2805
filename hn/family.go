package hn

import "strings"

// VFFamily is the driver family of an interface by the name its driver
// gives its ifnets: mlx5en "mce" (ConnectX-4 and later), mlx4en "mlxen"
// (ConnectX-3), mana "mana"; "" for any other name. It is for saying
// which driver a VF needs and for display: which hn a VF belongs to is
// the kernel's answer (dev.hn.N.vf, hw.hn.vfmap), never the name's.
func VFFamily(name string) string {
	for _, f := range []struct{ prefix, family string }{{"mce", "mlx5"}, {"mlxen", "mlx4"}, {"mana", "mana"}} {
		if rest, ok := strings.CutPrefix(name, f.prefix); ok && rest != "" && strings.Trim(rest, "0123456789") == "" {
			return f.family
		}
	}
	return ""
}
