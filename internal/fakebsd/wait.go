package fakebsd

import (
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/hvnetconf/hvnetconf/live"
)

// sleep is sleep(1) as FreeBSD's scripts call it (`sleep 1`, `sleep
// $hyperv_vf_delay`; bin/sleep/sleep.c main, 12.x: one operand, a decimal
// number of seconds, nothing for zero or less), on the emulated clock:
// the wait is divided by live.EnvTimeScale as the emulated build of
// hvnetconf divides its own (live.TimeScaled). The emulated kernel has no
// wait the scripts' sleeps could be for: attach is complete at once and
// IPv6 addresses are never tentative (no DAD), so netif's DAD wait,
// rc.subr's wait_for_pids polling and the base hyperv_vfattach's VF delay
// only take longer, in the same order of events.
func sleep(argv []string, _, stderr io.Writer, getenv func(string) string) int {
	if len(argv) != 2 {
		fmt.Fprintln(stderr, "usage: sleep seconds")
		return 1
	}
	secs, err := strconv.ParseFloat(argv[1], 64)
	if err != nil || math.IsNaN(secs) || secs > float64(1<<31-1) {
		fmt.Fprintln(stderr, "usage: sleep seconds")
		return 1
	}
	if secs <= 0 {
		return 0
	}
	time.Sleep(live.TimeScaled(time.Duration(secs*float64(time.Second)), getenv(live.EnvTimeScale)))
	return 0
}

// waitTerm returns on SIGTERM, SIGINT or SIGHUP, or once done reports
// true. done (nil for never) is asked at the start and whenever the state
// file at path changes (stateChanges), so an idle daemon costs nothing.
func waitTerm(path string, done func() bool) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	if done == nil {
		<-sig
		return
	}
	changed, stop := stateChanges(path)
	defer func() { stop() }()
	for !done() {
		select {
		case <-sig:
			return
		case _, ok := <-changed:
			if !ok { // the watch ended: poll from now on
				stop()
				changed, stop = tickChanges()
			}
		}
	}
}

// pollInterval is how often a daemon looks at the state where it cannot
// be told of changes.
const pollInterval = 20 * time.Millisecond

// tickChanges reports a possible change every pollInterval.
func tickChanges() (<-chan struct{}, func()) {
	tick := time.NewTicker(pollInterval)
	ch := make(chan struct{})
	quit := make(chan struct{})
	go func() {
		for {
			select {
			case <-quit:
				return
			case <-tick.C:
				select {
				case ch <- struct{}{}:
				case <-quit:
					return
				}
			}
		}
	}()
	return ch, func() { tick.Stop(); close(quit) }
}
