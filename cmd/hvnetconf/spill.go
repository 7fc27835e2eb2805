package main

import (
	"bytes"
	"io"
	"sync"
)

// spill is standard output or error of a run that holds on (see
// session): once a write fails (EPIPE: the reading end of a pipe is gone;
// EIO: a terminal hung up), that write and every later one go to syslog
// instead, line by line, so that what an apply did and how it ended
// outlive the session that started it.
type spill struct {
	mu     *sync.Mutex // shared by stdout's and stderr's: one syslog writer
	w, log io.Writer
	broken bool
	part   []byte // the start of a line not yet ended
}

// spillToSyslog wraps stdout and stderr, with log (syslog) behind both.
func spillToSyslog(stdout, stderr, log io.Writer) (io.Writer, io.Writer) {
	mu := new(sync.Mutex)
	return &spill{mu: mu, w: stdout, log: log}, &spill{mu: mu, w: stderr, log: log}
}

func (s *spill) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rest := p
	if !s.broken {
		n, err := s.w.Write(p)
		if err == nil {
			return n, nil
		}
		s.broken = true
		// A line cut by the failure goes to syslog whole.
		rest = p[bytes.LastIndexByte(p[:n], '\n')+1:]
	}
	s.part = append(s.part, rest...)
	for {
		i := bytes.IndexByte(s.part, '\n')
		if i < 0 {
			break
		}
		_, _ = s.log.Write(s.part[:i+1]) // syslog(3) drops what it cannot send, too
		s.part = s.part[i+1:]
	}
	return len(p), nil
}
