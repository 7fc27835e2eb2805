package apply

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// TestVFUpUsesPolicyLaggName: with hvnetconf.toml naming lagg5 for hn0, the
// fast path joins the VF to lagg5 (no render, no apply), never to lagg0.
func TestVFUpUsesPolicyLaggName(t *testing.T) {
	for _, tt := range []struct {
		name     string
		laggName func(string) string
		lagg     string
	}{
		{"policy override", func(hn string) string { return map[string]string{"hn0": "lagg5"}[hn] }, "lagg5"},
		{"default", nil, "lagg0"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newFake(t)
			h.AttachVF("hn0", "mce0")
			h.do(t, "ifconfig "+tt.lagg+" create", "ifconfig "+tt.lagg+" laggproto failover laggport hn0", "ifconfig hn0 up")
			var log strings.Builder // what syslog gets in production
			handler := &Handler{
				Env:      Env{Runner: h, Log: &log},
				Sysctls:  h.Sysctls(),
				Lock:     func() (func() error, error) { return func() error { return nil }, nil },
				LaggName: tt.laggName,
				Prepare: func(context.Context) (Input, error) {
					t.Fatal("fast path rendered the configuration")
					return Input{}, nil
				},
			}
			if err := handler.VFUp(context.Background(), "hn0"); err != nil {
				t.Fatal(err)
			}
			if c := h.changes(); !slices.Contains(c, "ifconfig "+tt.lagg+" laggport mce0") {
				t.Errorf("commands %q: want mce0 joined to %s", c, tt.lagg)
			}
			for _, want := range []string{"[started]  ifconfig " + tt.lagg + " laggport mce0", "[finished] ifconfig " + tt.lagg + " laggport mce0"} {
				if !strings.Contains(log.String(), want) {
					t.Errorf("log lacks %q:\n%s", want, log.String())
				}
			}
		})
	}
}

// TestHandlerReadFailureExitsOne: a failed read in a devd handler is the
// handler failing (exit 1, naming the command), not an internal error.
func TestHandlerReadFailureExitsOne(t *testing.T) {
	h := newFake(t)
	h.AttachVF("hn0", "mce0")
	h.do(t)
	h.FailAt(1)
	handler := &Handler{Env: Env{Runner: h}, Sysctls: Sysctls(context.Background(), h),
		Lock: func() (func() error, error) { return func() error { return nil }, nil }}
	err := handler.VFUp(context.Background(), "hn0")
	if code := sysexits.Code(err); code != sysexits.Failure || !strings.Contains(err.Error(), "vf-up hn0: ") {
		t.Errorf("exit %d: %v; want 1 naming vf-up hn0", code, err)
	}
}
