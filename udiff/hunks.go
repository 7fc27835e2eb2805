package udiff

import "strings"

// change is one run of deleted and/or inserted lines: del lines of old from
// line a, replaced by ins lines of new from line b (0-based).
type change struct{ a, b, del, ins int }

// hunk is a run of changes close enough to share their context, and the
// line ranges [from, to) it covers on each side.
type hunk struct {
	changes  []change
	from, to [2]int
}

// changes lists the edit script's runs in order.
func (s *script) changes() []change {
	c0, c1 := s.changed[0], s.changed[1]
	var out []change
	for i, j := 0, 0; i < len(c0) || j < len(c1); i, j = i+1, j+1 {
		if (i < len(c0) && c0[i]) || (j < len(c1) && c1[j]) {
			c := change{a: i, b: j}
			for i < len(c0) && c0[i] {
				i++
			}
			for j < len(c1) && c1[j] {
				j++
			}
			c.del, c.ins = i-c.a, j-c.b
			out = append(out, c)
		}
	}
	return out
}

// hunks groups the changes: two changes share a hunk when no more than
// 2*ctx unchanged lines separate them, so that their contexts would touch
// or overlap (GNU diff's find_hunk rule).
func (s *script) hunks(ctx int) []hunk {
	var out []hunk
	for _, c := range s.changes() {
		if n := len(out); n > 0 && c.a-out[n-1].to[0] <= 2*ctx {
			h := &out[n-1]
			h.changes = append(h.changes, c)
			h.to = [2]int{c.a + c.del, c.b + c.ins}
			continue
		}
		out = append(out, hunk{changes: []change{c}, to: [2]int{c.a + c.del, c.b + c.ins}})
	}
	// Until here to held the end of the last change; widen both ends by
	// the context. Unchanged lines pair up, so both sides widen equally.
	for k := range out {
		h := &out[k]
		first := h.changes[0]
		before := min(ctx, first.a)
		h.from = [2]int{first.a - before, first.b - before}
		after := min(ctx, len(s.lines[0])-h.to[0])
		h.to[0] += after
		h.to[1] += after
	}
	return out
}

func (s *script) writeHunk(b *strings.Builder, h hunk) {
	b.WriteString("@@ -" + rangeText(h.from[0], h.to[0]-h.from[0]) +
		" +" + rangeText(h.from[1], h.to[1]-h.from[1]) + " @@\n")
	old, new := s.lines[0], s.lines[1]
	at := h.from[0]
	for _, c := range h.changes {
		writeLines(b, ' ', old[at:c.a])
		writeLines(b, '-', old[c.a:c.a+c.del])
		writeLines(b, '+', new[c.b:c.b+c.ins])
		at = c.a + c.del
	}
	writeLines(b, ' ', old[at:h.to[0]])
}

// writeLines writes lines with their prefix. A line without its "\n" can
// only be a file's last; diff marks it so patch restores it exactly.
func writeLines(b *strings.Builder, prefix byte, lines []string) {
	for _, l := range lines {
		b.WriteByte(prefix)
		b.WriteString(l)
		if !strings.HasSuffix(l, "\n") {
			b.WriteString("\n\\ No newline at end of file\n")
		}
	}
}
