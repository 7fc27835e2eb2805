package udiff

import (
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/testtool"
)

// gnuHunks runs GNU `diff -u` on the two texts and returns its output
// without the two header lines (they carry file names and dates). The
// texts reach it through pipes (/dev/fd/3 and /dev/fd/4): two files and a
// directory per call cost more system time than the diff itself.
func gnuHunks(t testing.TB, old, new string) string {
	t.Helper()
	cmd := exec.Command("diff", "-u", "/dev/fd/3", "/dev/fd/4")
	var wg sync.WaitGroup
	defer wg.Wait()
	for _, text := range []string{old, new} {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close() // after diff ended: a writer it left blocked then ends
		cmd.ExtraFiles = append(cmd.ExtraFiles, r)
		wg.Go(func() {
			io.WriteString(w, text)
			w.Close()
		})
	}
	out, err := cmd.Output()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		t.Fatalf("diff -u: %v", err)
	}
	return dropHeader(string(out))
}

func dropHeader(diff string) string {
	_, body, _ := strings.Cut(diff, "\n")
	_, body, _ = strings.Cut(body, "\n")
	return body
}

func needTool(t testing.TB, name string) { testtool.Need(t, name) }

func ourHunks(old, new string) string {
	return dropHeader(Unified("a", "b", []byte(old), []byte(new), true, true))
}

// changedLines counts the - and + lines of a diff body: the size of the edit.
func changedLines(body string) int {
	n := 0
	for l := range strings.Lines(body) {
		if l[0] == '-' || l[0] == '+' {
			n++
		}
	}
	return n
}

// TestMatchesGNUDiff compares our hunks byte for byte with GNU diff's for
// the edge cases and for random edits of texts whose lines are all
// distinct, where only one diff is right.
func TestMatchesGNUDiff(t *testing.T) {
	t.Parallel()
	needTool(t, "diff")
	cases := fixedPairs()
	r := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		cases = append(cases, randomPair(r, unique))
	}
	for i, c := range cases {
		if got, want := ourHunks(c.old, c.new), gnuHunks(t, c.old, c.new); got != want {
			t.Errorf("case %d (%s): old %q new %q\n--- ours\n%s--- GNU diff -u\n%s", i, c.name, c.old, c.new, got, want)
		}
	}
}

// TestAmbiguousAsSmallAsGNU covers texts with many equal lines. There,
// several diffs of the same size are right, and go-diff's Myers search may
// pick another one than GNU diff's (diffseq.h chooses its middle snake and
// discards "confusing" lines its own way), so only the size is compared;
// TestPatchAppliesRandom shows such diffs still rebuild the new file.
func TestAmbiguousAsSmallAsGNU(t *testing.T) {
	t.Parallel()
	needTool(t, "diff")
	r := rand.New(rand.NewPCG(5, 6))
	same := 0
	for i := range 1200 {
		c := randomPair(r, []int{2, 3, 8, 20}[i%4])
		got, want := ourHunks(c.old, c.new), gnuHunks(t, c.old, c.new)
		if got == want {
			same++
		} else if changedLines(got) != changedLines(want) {
			t.Errorf("case %d (%s): %d changed lines, GNU diff %d\n--- ours\n%s--- GNU diff -u\n%s",
				i, c.name, changedLines(got), changedLines(want), got, want)
		}
	}
	t.Logf("%d of 1200 byte-identical to GNU diff -u", same)
}
