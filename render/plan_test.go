package render

import (
	"reflect"
	"testing"
)

// Runtime: apply, check and the handlers converge these laggs and nothing
// else; a plan that waits for a reboot, or a transparent one, has none.
func TestPlanRuntime(t *testing.T) {
	laggs := []Lagg{{Name: "lagg0", HN: "hn0"}, {Name: "lagg7", HN: "hn1"}}
	for _, tt := range []struct {
		name string
		mode Decision
		want []Lagg
	}{
		{"lagg", Decision{Mode: ModeLagg, Kernel: ModeLagg}, laggs},
		{"reboot", Decision{Mode: ModeLagg, Kernel: ModeTransparent, Reboot: true}, nil},
		{"transparent", Decision{Mode: ModeTransparent, Kernel: ModeTransparent}, nil},
	} {
		p := &Plan{Mode: tt.mode, Laggs: laggs}
		if got := p.Runtime(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: Runtime() = %v, want %v", tt.name, got, tt.want)
		}
		l, ok := p.RuntimeLagg("hn1")
		if wantOK := tt.want != nil; ok != wantOK || (ok && l.Name != "lagg7") {
			t.Errorf("%s: RuntimeLagg(hn1) = %v, %v", tt.name, l, ok)
		}
	}
}
