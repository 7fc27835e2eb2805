package apply

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// TestApplyExitCodes: any failure of the live path exits 1 and names the
// command; an error that carries its own code keeps it.
func TestApplyExitCodes(t *testing.T) {
	plan := laggPlan(false, true)
	tests := []struct {
		name     string
		failAt   int   // the command that fails (0: none)
		writeErr error // what writing the files returns
		dryRun   bool
		code     int
		names    string
	}{
		{"first read fails", 1, nil, false, sysexits.Failure, "ifconfig hn0: exit status 1"},
		{"dry run read fails", 2, nil, true, sysexits.Failure, "ifconfig lagg0: exit status 1"},
		{"dhclient status fails", 3, nil, false, sysexits.Failure, "service dhclient status hn0: exit status 1"},
		{"write conflict keeps 73", 0, sysexits.Errorf(sysexits.CantCreate, "/etc/rc.conf.d/network: changed meanwhile"), false,
			sysexits.CantCreate, "/etc/rc.conf.d/network: changed meanwhile"},
		{"unclassified write error", 0, errors.New("rename: no space left"), false, sysexits.Failure, "write files: rename: no space left"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newFake(t)
			h.Do(t, "service dhclient start hn0")
			before := liveState(h)
			h.FailAt(tt.failAt)
			in := h.input(plan)
			if tt.writeErr != nil {
				in.Write = func() (func() error, error) { return nil, tt.writeErr }
			}
			_, err := Apply(context.Background(), Env{Runner: h}, in, Options{DryRun: tt.dryRun, Retry: Retry{Attempts: 1}})
			if got := sysexits.Code(err); got != tt.code || !strings.Contains(err.Error(), tt.names) {
				t.Errorf("exit %d (%v), want %d naming %q", got, err, tt.code, tt.names)
			}
			if c := h.Changes(); slices.ContainsFunc(c, func(s string) bool { return !strings.HasSuffix(s, " files") }) {
				t.Errorf("ran %q", c)
			}
			if liveState(h) != before {
				t.Errorf("runtime changed:\n%s", h.Dump())
			}
		})
	}
}

// TestDhclientStatus: only rc.subr's "is not running." with exit 1 means
// not running; a status that fails otherwise is an error, not a "no".
func TestDhclientStatus(t *testing.T) {
	tests := []struct {
		name    string
		setup   []string
		failAt  int
		running bool
		err     string
	}{
		{"running", []string{"service dhclient start hn0"}, 0, true, ""},
		{"not running", nil, 0, false, ""},
		{"status fails", []string{"service dhclient start hn0"}, 1, false, "service dhclient status hn0: exit status 1: service: injected failure"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newFake(t)
			h.Do(t, tt.setup...)
			h.FailAt(tt.failAt)
			got, err := dhclientRunning(context.Background(), h, "hn0")
			if got != tt.running || (err == nil) != (tt.err == "") || err != nil && !strings.Contains(err.Error(), tt.err) {
				t.Errorf("running %v, err %v; want %v, %q", got, err, tt.running, tt.err)
			}
			if want := []string{"service dhclient status hn0"}; !slices.Equal(h.Log(), want) {
				t.Errorf("ran %q, want %q", h.Log(), want)
			}
		})
	}
}
