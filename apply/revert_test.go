package apply

import (
	"context"
	"slices"
	"testing"

	"github.com/hvnetconf/hvnetconf/render"
)

// TestRevertStacked (no address for netif to add: the in-process host
// runs no rc.d): the steps of two applies, recorded in the order they
// ran, are undone last first by Revert, with the same undo commands a
// rollback runs, and the host is as before the first; a changed devd
// rules file leaves devd's restart for after the lock.
func TestRevertStacked(t *testing.T) {
	h := newFake(t)
	h.Do(t, "ifconfig hn0 inet 10.0.0.4/24", "ifconfig hn0 up")
	before := h.State().Network()
	first, err := Apply(context.Background(), Env{Runner: h}, h.input(laggPlan(false, false)), Options{NoVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	h.AttachVF("hn0", "mce0")
	second, err := Apply(context.Background(), Env{Runner: h}, h.input(laggPlan(true, false), render.DevdFile), Options{NoVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Steps) == 0 || len(second.Steps) == 0 {
		t.Fatalf("steps: %v, %v", first.Steps, second.Steps)
	}
	h.DetachVF("mce0") // gone before the revert, as a VF may be
	h.AttachVF("hn0", "mce0")
	h.Do(t, "ifconfig lagg0 laggport mce0", "ifconfig mce0 up")
	mark := len(h.Changes())
	res, err := Revert(context.Background(), Env{Runner: h}, append(slices.Clone(first.Steps), second.Steps...), []string{render.DevdFile})
	if err != nil {
		t.Fatalf("revert: %v\n%s", err, h.Dump())
	}
	var want []string
	for _, s := range slices.Backward(append(slices.Clone(first.Steps), second.Steps...)) {
		for _, u := range s.Undo {
			want = append(want, Step{Argv: u}.String())
		}
	}
	if got := h.Changes()[mark:]; !slices.Equal(got, want) {
		t.Errorf("undo ran %q, want %q", got, want)
	}
	if len(res.Deferred) != 1 || res.Deferred[0].String() != "service devd restart" {
		t.Errorf("deferred %v, want the devd restart", res.Deferred)
	}
	h.DetachVF("mce0")
	if got := h.State().Network(); got != before {
		t.Errorf("after the revert:\n%s\nbefore:\n%s", got, before)
	}
}
