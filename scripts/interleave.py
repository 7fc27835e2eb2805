#!/usr/bin/env python3
"""interleave.py RUNS BIN... -- ARGS...: run each binary with ARGS in turn,
RUNS rounds (BIN1, BIN2, ..., BIN1, BIN2, ...), so that a busy machine
slows every binary alike, and print per binary the median wall time, the
median user+system CPU time and the largest peak RSS of the process
(wait4's rusage). Output goes to /dev/null; the exit code is ignored
(diff exits 1 when changes are pending)."""
import os, statistics, subprocess, sys, time

def main():
    runs = int(sys.argv[1])
    sep = sys.argv.index("--")
    bins, args = sys.argv[2:sep], sys.argv[sep + 1:]
    res = {b: ([], [], []) for b in bins}
    for _ in range(runs):
        for b in bins:
            t0 = time.perf_counter()
            p = subprocess.Popen([b] + args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            _, _, ru = os.wait4(p.pid, 0)
            wall = time.perf_counter() - t0
            res[b][0].append(wall * 1000)
            res[b][1].append((ru.ru_utime + ru.ru_stime) * 1000)
            res[b][2].append(ru.ru_maxrss / 1024)
    for b in bins:
        w, c, m = res[b]
        print(f"{b}: wall {statistics.median(w):.1f} ms, cpu {statistics.median(c):.1f} ms, max rss {max(m):.1f} MiB ({runs} runs)")

main()
