package render

import (
	"os"
	"slices"
	"testing"
)

// TestDevdGuardsFromTheBaseRule: the rendered attach rule carries what
// each FreeBSD tree's own hyperv.conf matches besides system and type.
func TestDevdGuardsFromTheBaseRule(t *testing.T) {
	for tree, want := range map[string][]Guard{
		"main": {{"vm_guest", "hv"}},
		"12.1": nil,
	} {
		base, err := os.ReadFile("../../shared/freebsd-rc/" + tree + "/etc/devd/hyperv.conf")
		if err != nil && os.Getenv("CI") == "" {
			t.Skipf("no FreeBSD tree: %v", err)
		} else if err != nil {
			t.Fatal(err)
		}
		if got := devdGuards(base); !slices.Equal(got, want) {
			t.Errorf("%s: guards %v, want %v", tree, got, want)
		}
	}
	// A guard that could break out of the rendered string is not copied.
	bad := []byte("notify 10 {\n\tmatch \"system\" \"ETHERNET\";\n\tmatch \"type\" \"IFATTACH\";\n\tmatch \"x\" \"a;b\";\n\taction \"/usr/libexec/hyperv/hyperv_vfattach $subsystem 0\";\n};\n")
	if got := devdGuards(bad); len(got) != 0 {
		t.Errorf("unsafe guard copied: %v", got)
	}
}
