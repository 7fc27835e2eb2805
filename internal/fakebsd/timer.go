package fakebsd

import (
	"cmp"
	"slices"
	"time"
)

// Timer is work the kernel does later, on its own (a taskqueue, a driver
// bringing a carrier up): due at At (Unix nanoseconds), it ends
// Iface.LinkHeld on Iface.
type Timer struct {
	At    int64  `json:"at"`
	Iface string `json:"iface"`
}

// Delays of the asynchronous link changes, before FAKEBSD_TIME_SCALE.
const (
	// vfCarrierDelay: a VF brought up has no carrier until its port
	// negotiated the link (mlx5en/mana do it asynchronously); meanwhile
	// hn's link is already forced down, so the lagg has no active port.
	vfCarrierDelay = time.Second
	// hnLinkTaskDelay: after its VF leaves, hn asks the host for its link
	// from a taskqueue (if_hn.c hn_rxvf_change → hn_resume_mgmt →
	// hn_update_link_status), not at once.
	hnLinkTaskDelay = 50 * time.Millisecond
	// netchgDelay: hn_netchg_init_taskfunc fakes a link-down of 5 s after
	// a host network change, then hn_netchg_status_taskfunc asks again.
	netchgDelay = 5 * time.Second
)

// now is the kernel's clock (a variable for tests of the model itself).
var now = time.Now

// holdLink takes i's link down until d (scaled) has passed.
func (s *State) holdLink(i *Iface, d time.Duration) {
	s.cancelTimers(i.Name)
	if s.TimeScale > 1 {
		d = time.Duration(float64(d) / s.TimeScale)
	}
	i.LinkHeld = true
	s.Timers = append(s.Timers, Timer{At: now().Add(d).UnixNano(), Iface: i.Name})
}

func (s *State) cancelTimers(name string) {
	s.Timers = slices.DeleteFunc(s.Timers, func(t Timer) bool { return t.Iface == name })
}

// runTimers does the work that is due, in the order it was due.
func (s *State) runTimers() {
	t := now().UnixNano()
	slices.SortStableFunc(s.Timers, func(a, b Timer) int { return cmp.Compare(a.At, b.At) })
	for len(s.Timers) > 0 && s.Timers[0].At <= t {
		tm := s.Timers[0]
		s.Timers = s.Timers[1:]
		if i := s.Ifaces[tm.Iface]; i != nil {
			i.LinkHeld = false
		}
	}
}

// NextTimer is when the next pending kernel work is due (ok false: none).
func (s *State) NextTimer() (time.Time, bool) {
	if len(s.Timers) == 0 {
		return time.Time{}, false
	}
	at := s.Timers[0].At
	for _, t := range s.Timers {
		at = min(at, t.At)
	}
	return time.Unix(0, at), true
}

// RunTimers waits until every pending kernel timer is due and lets the
// kernel run it (with the events and the daemons' reactions it causes),
// until none is left. The outcome never depends on how long it waited.
func (h *Host) RunTimers() {
	h.tb.Helper()
	for {
		at, ok := h.State().NextTimer()
		if !ok {
			return
		}
		time.Sleep(time.Until(at))
		h.Update(func(*State) {})
	}
}
