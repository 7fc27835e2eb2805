package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
)

// A run and the signals its session can deliver.
//
// Every command: SIGINT and SIGTERM cancel the run's context, as someone
// asking it to stop: an evaluation ends (exit 75, nothing written), an
// apply starts no further command and rolls back what it changed.
//
// A command that changes the running system (apply, vf-up, vf-attach)
// holds on from before it touches anything (holdOn), so that from its
// first change it either finishes or rolls back whatever happens to its
// terminal, its standard streams or its parent:
//
//   - SIGQUIT (^\) is a stop like SIGINT (Go's default would end the
//     process with a stack dump, half-way).
//   - SIGHUP (the terminal or SSH session is gone, the session leader
//     died) is ignored: the run goes on to its end, verifies, and rolls
//     back only on its own failure. Not a rollback: a hangup during an
//     apply is often the apply's own doing (hn0's address moving to the
//     lagg stalls the SSH session that started it), and undoing the change
//     whenever the admin's session drops would make it impossible to
//     make remotely.
//   - SIGPIPE is ignored: a write to a closed pipe fails with EPIPE
//     instead of ending the process (os/signal: "SIGPIPE"), and what could
//     not be printed goes to syslog (outbox).
//   - SIGTSTP (^Z), SIGTTIN and SIGTTOU (a background job touching its
//     terminal) are ignored: a stopped apply would hold the lock and a
//     half-changed system until someone continues it. SIGTTIN and SIGTTOU
//     are set to SIG_IGN, not caught: for a caught (or default) SIGTTOU
//     the terminal driver signals the group and puts the writer to sleep
//     until its group is in the foreground again, which after a dying
//     shell may be never; an ignored one lets the write through (FreeBSD
//     sys/kern/tty.c tty_wait_background, 14.x).
//
// The commands hvnetconf runs are in a process group of their own
// (live.ExecRunner), so that what the terminal sends to the foreground
// group reaches hvnetconf alone, and hvnetconf decides.
type session struct {
	cancel context.CancelCauseFunc
	sigs   chan os.Signal
	mu     sync.Mutex
	notes  io.Writer // set by holdOn: where an ignored signal is noted
	noted  map[os.Signal]bool
}

type sessionKey struct{}

// watchSignals returns the run's context, cancelled by SIGINT and SIGTERM
// (and, once a command holds on, SIGQUIT), and the function that stops
// watching.
func watchSignals(parent context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	s := &session{cancel: cancel, sigs: make(chan os.Signal, 8), noted: map[os.Signal]bool{}}
	signal.Notify(s.sigs, os.Interrupt, syscall.SIGTERM)
	go s.loop()
	return context.WithValue(ctx, sessionKey{}, s), func() {
		signal.Stop(s.sigs)
		cancel(nil)
	}
}

func (s *session) loop() {
	for sig := range s.sigs {
		s.mu.Lock()
		holding := s.notes != nil
		if holding && ignoredWhileHolding(sig) {
			if !s.noted[sig] {
				s.noted[sig] = true
				fmt.Fprintf(s.notes, "hvnetconf: %s ignored: this run goes on to its end (verified, or rolled back on its own failure)\n", signalName(sig))
			}
			s.mu.Unlock()
			continue
		}
		s.mu.Unlock()
		s.cancel(fmt.Errorf("%s received", signalName(sig)))
	}
}

func ignoredWhileHolding(sig os.Signal) bool {
	return sig == syscall.SIGHUP || sig == syscall.SIGPIPE || sig == syscall.SIGTSTP
}

// signalName is "SIGHUP" for syscall.SIGHUP.
func signalName(sig os.Signal) string {
	if s, ok := sig.(syscall.Signal); ok {
		for _, n := range []struct {
			sig  syscall.Signal
			name string
		}{{syscall.SIGHUP, "SIGHUP"}, {syscall.SIGINT, "SIGINT"}, {syscall.SIGQUIT, "SIGQUIT"},
			{syscall.SIGPIPE, "SIGPIPE"}, {syscall.SIGTERM, "SIGTERM"}, {syscall.SIGTSTP, "SIGTSTP"}} {
			if n.sig == s {
				return n.name
			}
		}
	}
	return strings.ToUpper(sig.String())
}

// holdOn makes the run hold on through its session's end (see session);
// notes is where an ignored signal is noted once. Without watchSignals
// (tests driving run in-process) it does nothing.
func holdOn(ctx context.Context, notes io.Writer) {
	s, ok := ctx.Value(sessionKey{}).(*session)
	if !ok {
		return
	}
	s.mu.Lock()
	s.notes = notes
	s.mu.Unlock()
	signal.Ignore(syscall.SIGTTIN, syscall.SIGTTOU)
	signal.Notify(s.sigs, syscall.SIGHUP, syscall.SIGPIPE, syscall.SIGQUIT, syscall.SIGTSTP)
}
