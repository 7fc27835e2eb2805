package hn

import "testing"

func TestVFFamily(t *testing.T) {
	for name, want := range map[string]string{"mce0": "mlx5", "mce12": "mlx5", "mlxen1": "mlx4", "mana0": "mana",
		"hn0": "", "mce": "", "mcex0": "", "manage0": "", "lagg0": ""} {
		if got := VFFamily(name); got != want {
			t.Errorf("VFFamily(%q) = %q, want %q", name, got, want)
		}
	}
}
