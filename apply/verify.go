package apply

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hvnetconf/hvnetconf/render"
)

// Retry bounds verification: interfaces settle within milliseconds after
// ifconfig returns (lagg port flags, dhclient's pidfile), so a few short
// retries suffice. It never waits for a DHCP lease: dhclient running on the
// lagg is what is checked, not an address from the server.
type Retry struct {
	Attempts int
	Delay    time.Duration
}

// DefaultRetry is what apply uses: at most ~1 s.
var DefaultRetry = Retry{Attempts: 5, Delay: 200 * time.Millisecond}

// Verify checks every lagg against the plan, retrying while something
// fails, and returns each expectation that still does not hold.
func Verify(ctx context.Context, env Env, laggs []render.Lagg, rt Retry) ([]string, error) {
	var failed []string
	for attempt := 1; ; attempt++ {
		failed = failed[:0]
		for _, l := range laggs {
			o, err := observe(ctx, env.Runner, l)
			if err != nil {
				return nil, err
			}
			failed = append(failed, expect(l, o)...)
		}
		if len(failed) == 0 || attempt >= rt.Attempts {
			return failed, nil
		}
		select {
		case <-ctx.Done():
			return failed, ctx.Err()
		case <-time.After(rt.Delay):
		}
	}
}

// expect lists, for each expectation of l that o does not meet, what was
// observed instead: "hn0: dhclient is running", never the expectation
// ("dhclient is not running"), which reads as the fact it contradicts.
func expect(l render.Lagg, o *observed) []string {
	var out []string
	fail := func(format string, a ...any) { out = append(out, fmt.Sprintf(format, a...)) }
	if o.lagg == nil {
		fail("%s: does not exist", l.Name)
	} else {
		out = append(out, expectLagg(l, o)...)
	}
	inet, inet6 := routable(o.hn)
	for _, a := range append(inet, inet6...) {
		fail("%s: has address %s (it belongs on %s)", l.HN, a, l.Name)
	}
	if o.dhcpHN {
		fail("%s: dhclient is running (it belongs on %s)", l.HN, l.Name)
	}
	return out
}

// expectLagg checks an existing lagg: protocol, master, VF, addresses.
func expectLagg(l render.Lagg, o *observed) []string {
	var out []string
	fail := func(format string, a ...any) { out = append(out, fmt.Sprintf(format, a...)) }
	have := ports(o.lagg)
	if o.lagg.Lagg == nil || o.lagg.Lagg.Proto != "failover" {
		proto := "none"
		if o.lagg.Lagg != nil && o.lagg.Lagg.Proto != "" {
			proto = o.lagg.Lagg.Proto
		}
		fail("%s: laggproto is %s, not failover", l.Name, proto)
	}
	if m := master(o.lagg); m != l.HN {
		fail("%s: %s is not the master port (master: %s; ports: %s)", l.Name, l.HN, list(strings.Fields(m)), list(have))
	}
	if o.vf != nil && !slices.Contains(have, l.VF) {
		fail("%s: VF %s is not a port (ports: %s)", l.Name, l.VF, list(have))
	}
	for _, s := range l.Static {
		if !hasAddr(o.lagg, s) {
			fail("%s: does not have address %s", l.Name, s.Host())
		}
	}
	if l.DHCP && !o.dhcpLagg {
		fail("%s: dhclient is not running", l.Name)
	}
	return out
}

func list(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, " ")
}
