package fakebsd

import (
	"bufio"
	"os"
	"path/filepath"
	"syscall"
)

// A paused command (State.PauseAt) and the test meet through two FIFOs
// beside the state file: the command writes a line to "pause" once its
// work is done, then reads a byte from "resume" before it exits. The test
// holds both open read-write, so neither side's open ever blocks and the
// command never waits for a test that has gone.
const (
	pauseFIFO  = "pause"
	resumeFIFO = "resume"
)

// waitForTest is a paused command's side.
func waitForTest(statePath string) {
	dir := filepath.Dir(statePath)
	if f, err := os.OpenFile(filepath.Join(dir, pauseFIFO), os.O_WRONLY, 0); err == nil {
		f.WriteString("paused\n")
		f.Close()
	}
	if f, err := os.OpenFile(filepath.Join(dir, resumeFIFO), os.O_RDONLY, 0); err == nil {
		f.Read(make([]byte, 1))
		f.Close()
	}
}

// Pause is the test's side of one PauseAt.
type Pause struct {
	pause, resume *os.File
	lines         *bufio.Reader
}

// PauseAt makes the k-th command from now (of FailOnly's caller, like
// FailAt) wait, once its work is done and before it exits, until the test
// calls Resume: whatever the test does meanwhile (a signal, a closed pipe,
// a terminal gone) happens while that command is under way.
func (h *Host) PauseAt(k int) *Pause {
	h.tb.Helper()
	dir := filepath.Dir(h.StatePath)
	p := &Pause{}
	for _, f := range []struct {
		name string
		to   **os.File
	}{{pauseFIFO, &p.pause}, {resumeFIFO, &p.resume}} {
		name := filepath.Join(dir, f.name)
		if err := syscall.Mkfifo(name, 0o600); err != nil && !os.IsExist(err) {
			h.tb.Fatal(err)
		}
		file, err := os.OpenFile(name, os.O_RDWR, 0)
		if err != nil {
			h.tb.Fatal(err)
		}
		*f.to = file
		h.tb.Cleanup(func() { file.Close() })
	}
	p.lines = bufio.NewReader(p.pause)
	h.Update(func(s *State) { s.PauseAt = k })
	return p
}

// Wait blocks until the command is paused (true), or until Done says the
// run ended without reaching it (false).
func (p *Pause) Wait() bool {
	line, _ := p.lines.ReadString('\n')
	return line == "paused\n"
}

// Done unblocks Wait once the run has ended.
func (p *Pause) Done() { p.pause.WriteString("done\n") }

// Resume lets the paused command go on (and exit).
func (p *Pause) Resume() { p.resume.Write([]byte{0}) }
