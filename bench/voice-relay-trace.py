#!/usr/bin/env python3
"""Tell a steady queue from spikes in a relay run's latency trace.

Record: BENCH_TRACE=/tmp/trace node bench/voice-relay-node/run.mjs ... (one file per level, named
<file>.<server variant or direct>.<sessions>; a first line "# wall <ms> hrtime <ns>" ties the monotonic
clock to the wall clock, for a JFR timeline; then a line per round trip: send time in ns, latency in
ms, browser), then: bench/voice-relay-trace.py /tmp/trace.dockerfile.500 [threshold ms, 5 by default]

Prints the share of the round trips over 5 ms and how they cluster in time: per 100 ms of send time,
the buckets with the worst latency, and the gaps between slow buckets (a fixed gap is a periodic
cause: a timer, a flush, a collection).
"""
import collections
import sys

BUCKET_MS = 100


def main(path, slow_ms=5.0):
    rows = []
    with open(path) as f:
        for line in f:
            if line.startswith('#'):
                continue
            t, lat = line.split()[:2]
            rows.append((int(t), float(lat)))
    rows.sort()
    t0 = rows[0][0]
    buckets = collections.defaultdict(list)
    for t, lat in rows:
        buckets[(t - t0) // (BUCKET_MS * 1_000_000)].append(lat)
    lats = sorted(lat for _, lat in rows)
    n = len(lats)
    slow = [lat for lat in lats if lat > slow_ms]
    print(f'{n} round trips; p50 {lats[n // 2]:.2f} p99 {lats[int(n * 0.99)]:.2f} max {lats[-1]:.2f} ms; '
          f'{len(slow)} ({100 * len(slow) / n:.2f} %) over {slow_ms} ms')
    slow_buckets = sorted(b for b, l in buckets.items() if max(l) > slow_ms)
    print(f'{len(slow_buckets)} of {len(buckets)} buckets of {BUCKET_MS} ms hold a round trip over {slow_ms} ms; '
          f'round trips over {slow_ms} ms in the worst 10 % of buckets: '
          f'{share_in_worst(buckets, slow_ms, 0.1):.0f} %')
    print('worst buckets (start ms: count, p50, max, share over the threshold):')
    worst = sorted(buckets.items(), key=lambda kv: -max(kv[1]))[:15]
    for b, l in sorted(worst):
        l = sorted(l)
        print(f'  {b * BUCKET_MS:6d}: {len(l):4d} {l[len(l) // 2]:7.2f} {l[-1]:7.2f} '
              f'{100 * sum(1 for x in l if x > slow_ms) / len(l):5.1f} %')
    gaps = collections.Counter(b - a for a, b in zip(slow_buckets, slow_buckets[1:]))
    print('gaps between slow buckets (x 100 ms: times):', ', '.join(f'{g}: {c}' for g, c in sorted(gaps.items())[:20]))


def share_in_worst(buckets, slow_ms, fraction):
    ranked = sorted(buckets.values(), key=lambda l: -sum(1 for x in l if x > slow_ms))
    top = ranked[:max(1, int(len(ranked) * fraction))]
    total = sum(sum(1 for x in l if x > slow_ms) for l in buckets.values())
    return 100 * sum(sum(1 for x in l if x > slow_ms) for l in top) / total if total else 0


if __name__ == '__main__':
    main(sys.argv[1], *(float(a) for a in sys.argv[2:]))
