package main

import (
	"bytes"
	"io"
	"sync"
	"time"
)

// outbox carries what a run that holds on (see session) prints on its
// standard output and error. One goroutine writes it, line by line and in
// order, so that a terminal or pipe that stops reading (^S, a reader that
// hangs, a stalled SSH session) never holds the run up half-way through
// its change. Once a write fails (EPIPE: the reading end of a pipe is
// gone; EIO: a terminal hung up), that line and every later one of that
// stream go to syslog instead, so that what an apply did and how it ended
// outlive the session that started it; so do the lines that find the
// queue full, and those still waiting when the run ends with the writer
// stuck (close).
type outbox struct {
	log   io.Writer // syslog
	queue chan outLine
	done  chan struct{} // the writer has ended

	streams []*stream

	mu       sync.Mutex // everything below, and log
	closed   bool
	giveUp   bool // close waited long enough: all to syslog
	broken   map[io.Writer]bool
	inflight *outLine // the line being written
}

type outLine struct {
	w io.Writer
	b []byte
}

// outboxLines is how many lines may wait for a slow stream.
const outboxLines = 4096

// outboxWait is how long a run that has ended waits for its lines to be
// written (a 9600 baud serial console prints about 1 KB a second).
const outboxWait = 10 * time.Second

// newOutbox starts the writer of the run's two streams.
func newOutbox(stdout, stderr, log io.Writer) *outbox {
	o := &outbox{log: log, queue: make(chan outLine, outboxLines), done: make(chan struct{}), broken: map[io.Writer]bool{}}
	o.streams = []*stream{{o: o, w: stdout}, {o: o, w: stderr}}
	go o.write()
	return o
}

// stdout and stderr are the run's streams.
func (o *outbox) stdout() io.Writer { return o.streams[0] }
func (o *outbox) stderr() io.Writer { return o.streams[1] }

func (o *outbox) write() {
	defer close(o.done)
	for l := range o.queue {
		o.mu.Lock()
		broken := o.giveUp || o.broken[l.w]
		if !broken {
			o.inflight = &l
		}
		o.mu.Unlock()
		if !broken {
			_, err := l.w.Write(l.b)
			o.mu.Lock()
			o.inflight = nil
			if err != nil {
				o.broken[l.w] = true
			}
			o.mu.Unlock()
			if err == nil {
				continue
			}
		}
		o.toLog(l.b)
	}
}

// put queues a line, or logs it when the queue is full or closed.
func (o *outbox) put(w io.Writer, b []byte) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.closed {
		select {
		case o.queue <- outLine{w, b}:
			return
		default:
		}
	}
	_, _ = o.log.Write(b)
}

func (o *outbox) toLog(b []byte) {
	o.mu.Lock()
	defer o.mu.Unlock()
	_, _ = o.log.Write(b) // syslog(3) drops what it cannot send, too
}

// close waits at most wait for the lines to be written; what the writer
// has not written by then (the line it is stuck on included) goes to
// syslog. Later lines (a late signal's note) go to syslog at once.
func (o *outbox) close(wait time.Duration) {
	for _, s := range o.streams {
		s.flush()
	}
	o.mu.Lock()
	o.closed = true
	close(o.queue)
	o.mu.Unlock()
	select {
	case <-o.done:
		return
	case <-time.After(wait):
	}
	o.mu.Lock()
	o.giveUp = true
	stuck := o.inflight
	o.mu.Unlock()
	if stuck != nil {
		o.toLog(stuck.b)
	}
	for l := range o.queue {
		o.toLog(l.b)
	}
}

// stream is one of the outbox's streams: it cuts what it is given into
// lines and never fails.
type stream struct {
	o    *outbox
	w    io.Writer
	mu   sync.Mutex
	part []byte // the start of a line not yet ended
}

func (s *stream) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.part = append(s.part, p...)
	for {
		i := bytes.IndexByte(s.part, '\n')
		if i < 0 {
			return len(p), nil
		}
		s.o.put(s.w, bytes.Clone(s.part[:i+1]))
		s.part = s.part[i+1:]
	}
}

func (s *stream) flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.part) > 0 {
		s.o.put(s.w, s.part)
		s.part = nil
	}
}
