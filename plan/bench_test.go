package plan

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/testtool"
	"github.com/hvnetconf/hvnetconf/render"
)

// benchRoot writes a root with n hn, each with static IPv4, IPv6 and an
// alias, half of them with a VF attached, and the matching snapshot, over
// FreeBSD's own defaults/rc.conf (main's, 789 lines): what a real root
// costs, not the trimmed defaults of the golden scenarios.
func benchRoot(b *testing.B, n int) (root, state string) {
	b.Helper()
	root = b.TempDir()
	defaults := testtool.FreeBSDDefaults(b, "main")
	var rc, st strings.Builder
	st.WriteString("vf_transparent = 0\n")
	var vfs []string
	for i := range n {
		fmt.Fprintf(&rc, "ifconfig_hn%d=\"inet 10.%d.%d.4/24\"\n", i, i/256, i%256)
		fmt.Fprintf(&rc, "ifconfig_hn%d_ipv6=\"inet6 2001:db8:%x::4/64\"\n", i, i)
		fmt.Fprintf(&rc, "ifconfig_hn%d_alias0=\"inet 10.%d.%d.5/32\"\n", i, i/256, i%256)
		if i%2 == 0 {
			vfs = append(vfs, fmt.Sprintf("%q", fmt.Sprintf("mce%d", i)))
		}
	}
	fmt.Fprintf(&st, "vflist = [%s]\n", strings.Join(vfs, ", "))
	for i := range n {
		fmt.Fprintf(&st, "[hn.hn%d]\n", i)
		if i%2 == 0 {
			fmt.Fprintf(&st, "vf = \"mce%d\"\n", i)
		}
	}
	for path, data := range map[string]string{
		"etc/defaults/rc.conf": string(defaults), "etc/rc.conf": rc.String(), "state.toml": st.String(),
	} {
		p := filepath.Join(root, path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return root, filepath.Join(root, "state.toml")
}

// BenchmarkRender measures the whole main job short of writing: read the
// inputs, evaluate rc.conf twice, render, self-check (three more
// evaluations) and compare with the disk.
func BenchmarkRender(b *testing.B) {
	benchPrepare(b, false)
}

// BenchmarkRuntimeOnly is the devd handlers' fast path: the runtime part
// of the plan only (no reference accounting, no self-check).
func BenchmarkRuntimeOnly(b *testing.B) {
	benchPrepare(b, true)
}

func benchPrepare(b *testing.B, runtimeOnly bool) {
	for _, n := range []int{1, 8, 64} {
		b.Run(fmt.Sprintf("hn=%d", n), func(b *testing.B) {
			dir, state := benchRoot(b, n)
			root := testtool.OpenRoot(b, dir)
			b.ReportAllocs()
			for b.Loop() {
				s, err := ReadState(state, false)
				if err != nil {
					b.Fatal(err)
				}
				var p *render.Plan
				if runtimeOnly {
					var res *Runtime
					res, err = PrepareRuntime(context.Background(), RuntimeOptions{Root: root, Snapshot: s})
					if res != nil {
						p = res.Plan
					}
				} else {
					var res *Result
					res, err = Prepare(context.Background(), Options{Root: root, Snapshot: s})
					if res != nil {
						p = res.Plan
					}
				}
				if err != nil {
					b.Fatal(err)
				}
				if len(p.Laggs) != n {
					b.Fatalf("%d laggs, want %d", len(p.Laggs), n)
				}
			}
		})
	}
}
