package vfhistory

import (
	"time"
)

// Summary is one hn's VF history since boot, as status shows it.
type Summary struct {
	Arrivals   int     `json:"arrivals"`
	Departures int     `json:"departures"`
	Events     []Event `json:"events"`
	// LastJoinSeconds is how long the last join took, from the VF's
	// arrival to its joining the lagg (hyperv_vf_delay included); nil
	// when no join since boot followed a recorded arrival.
	LastJoinSeconds *float64 `json:"last_join_seconds"`
	// WithoutVFSeconds is the time since boot the hn had no VF: before
	// the first arrival, between each departure and the next arrival,
	// and since the last departure.
	WithoutVFSeconds float64 `json:"without_vf_seconds"`
}

// Summarize is hn's history since boot, at now; vfNow says whether the
// kernel pairs a VF with hn now (dev.hn.N.vf), which settles a history
// that missed an event (a departure while hvnetconf was not installed).
func Summarize(events []Event, hn string, boot, now time.Time, vfNow bool) Summary {
	s := Summary{Events: []Event{}}
	with, since := false, boot // whether a VF is here, and since when
	var without time.Duration
	var arrived *time.Time
	for _, e := range events {
		if e.HN != hn || e.Time.Before(boot) || e.Time.After(now) {
			continue
		}
		s.Events = append(s.Events, e)
		switch e.Kind {
		case Arrive:
			s.Arrivals++
			if !with {
				without += e.Time.Sub(since)
			}
			with, since = true, e.Time
			t := e.Time
			arrived = &t
		case Join:
			if arrived != nil {
				d := e.Time.Sub(*arrived).Seconds()
				s.LastJoinSeconds, arrived = &d, nil
			}
		case Depart:
			s.Departures++
			if with {
				with, since = false, e.Time
			}
			arrived = nil
		}
	}
	switch {
	case !with && !vfNow:
		without += now.Sub(since)
	case with && !vfNow:
		// It left unrecorded: count from the last thing known of it.
		without += now.Sub(s.Events[len(s.Events)-1].Time)
	}
	// A VF here that the history does not show arriving came with the
	// boot (before any handler ran) or arrived unrecorded: nothing after
	// the last event is counted without it.
	s.WithoutVFSeconds = without.Seconds()
	return s
}
