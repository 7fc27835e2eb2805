package golden

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"github.com/hvnetconf/hvnetconf/internal/testtool"
	"github.com/hvnetconf/hvnetconf/plan"
)

// TestRuntimeOnlyPlan: the devd handlers' fast path (PrepareRuntime: no other
// services, no self-check) decides the same runtime as a full render, in
// every scenario: the same mode, laggs and VF delay, and the same refusal
// where the full render refuses for bad input.
func TestRuntimeOnlyPlan(t *testing.T) {
	for _, sc := range scenarios(t) {
		t.Run(sc.name, func(t *testing.T) {
			dir := sc.root(t)
			s, err := plan.ReadState(filepath.Join(sc.dir, "state.toml"), false)
			if err != nil {
				// Read once, before either path: both would refuse alike.
				if !strings.HasPrefix(sc.name, "bad-") {
					t.Fatal(err)
				}
				return
			}
			root := testtool.OpenRoot(t, dir)
			full, ferr := plan.Prepare(context.Background(), plan.Options{Root: root, Snapshot: s})
			fast, err := plan.PrepareRuntime(context.Background(), plan.RuntimeOptions{Root: root, Snapshot: s})
			if ferr != nil {
				// A refused full render may pass the fast path only where
				// what refused it is not read there (a file conflict, a
				// finding of the reference accounting); bad input of what
				// both read is refused by both.
				bad := strings.HasPrefix(sc.name, "bad-")
				if (bad || err != nil) && sysexits.Code(err) != sysexits.Code(ferr) {
					t.Fatalf("full render refused (%v, exit %d), fast path: %v (exit %d)", ferr, sysexits.Code(ferr), err, sysexits.Code(err))
				}
				return
			}
			if err != nil {
				t.Fatalf("full render passed, fast path: %v", err)
			}
			if !reflect.DeepEqual(fast.Plan.Mode, full.Plan.Mode) || !reflect.DeepEqual(fast.Plan.Runtime(), full.Plan.Runtime()) ||
				fast.Plan.VFDelay != full.Plan.VFDelay {
				t.Errorf("fast plan: %+v %+v delay %d\nfull plan: %+v %+v delay %d",
					fast.Plan.Mode, fast.Plan.Runtime(), fast.Plan.VFDelay, full.Plan.Mode, full.Plan.Runtime(), full.Plan.VFDelay)
			}
		})
	}
}
