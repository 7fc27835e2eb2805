package udiff

// compact moves the runs of changed lines on side f to where GNU diff puts
// them. Where a run of equal lines makes the position of a change ambiguous
// ("a\nb\n" + "a\n" may be an insertion before or after "b"), any choice is
// minimal; GNU diff (analyze.c, shift_boundaries) first slides each run to
// join neighbouring runs, then as far down as it can go, and finally back up
// to the last place where it meets a change in the other file, so that a
// deletion and an insertion print as one change. Matching that choice makes
// our output byte-for-byte what `diff -u` prints, which tests and users can
// compare against.
//
// i walks side f; j is the line of the other side paired with i (the next
// unchanged line on both sides).
func (s *script) compact(f int) {
	cls, mine, other := s.class[f], s.changed[f], s.changed[1-f]
	n := len(cls)
	at := func(c []bool, k int) bool { return k >= 0 && k < len(c) && c[k] }
	i, j := 0, 0
	for {
		for i < n && !mine[i] {
			for at(other, j) {
				j++
			}
			i++
			j++
		}
		if i == n {
			return
		}
		start := i
		for at(mine, i) {
			i++
		}
		for at(other, j) {
			j++
		}
		corr := n // end of the run where it last met a change in the other side
		for {
			length := i - start
			// Slide up while the line above equals the run's last line,
			// absorbing any run it reaches.
			for start > 0 && cls[start-1] == cls[i-1] {
				start--
				i--
				mine[start], mine[i] = true, false
				for at(mine, start-1) {
					start--
				}
				j = prevUnchanged(other, j)
			}
			corr = n
			if at(other, j-1) {
				corr = i
			}
			// Slide down while the line below equals the run's first line.
			for i < n && cls[start] == cls[i] {
				mine[start], mine[i] = false, true
				start++
				i++
				for at(mine, i) {
					i++
				}
				j++
				for at(other, j) {
					corr = i
					j++
				}
			}
			if i-start == length {
				break
			}
		}
		for corr < i {
			start--
			i--
			mine[start], mine[i] = true, false
			j = prevUnchanged(other, j)
		}
	}
}

// prevUnchanged returns the unchanged line of c before j.
func prevUnchanged(c []bool, j int) int {
	j--
	for j >= 0 && j < len(c) && c[j] {
		j--
	}
	return j
}
