#!/usr/bin/env python3
"""Summarise a JFR recording of the relay server under load: where its CPU samples fall.

Record (the server of the independent generator's run, one level, a long window, no baseline):
  BENCH_SERVER_OPTS="-XX:StartFlightRecording:filename=/tmp/relay.jfr,settings=profile,dumponexit=true,jdk.ExecutionSample#period=2ms" \
  BENCH_DIRECT=0 BENCH_PRIMING=50 BENCH_VARIANTS=dockerfile BENCH_MEASURE_MS=30000 \
  node bench/voice-relay-node/run.mjs --jar launcher/target/interviewroom.jar --java "$JAVA_HOME/bin/java" --levels 200
Then, with the measured window's start and end from its log ("relay 200: measuring", "window ends"; UTC, HH:MM:SS):
  bench/voice-relay-profile.py /tmp/relay.jfr 20:53:10 20:53:40
To compare two builds, run the same command with each jar in turn (each in a directory of its own:
the server's log is written beside the jar) and compare "µs per round trip" in the level's line; it
holds when a starved generator sends less than real time, CPU per session-second does not.
jdk.ExecutionSample sees Java code only: the kernel's share (socket reads and writes) is in that
line too, from /proc/<pid>/stat.

Each sample is put in the first bucket whose marker appears anywhere in its stack (so a bucket is
inclusive of what it calls, and the order of BUCKETS decides overlaps); then the top frames by
self time and our own methods by inclusive time.
"""
import collections
import os
import re
import subprocess
import sys

BUCKETS = [
    ('PiiRedactor', 'transcripts: PII redaction (regex)'),
    ('TranscriptBatcher', 'transcripts: batching and storing'),
    ('PgSessionRecords', 'voice: usage and transcript records'),
    ('micrometer', 'metrics (Micrometer, Vert.x byte counters on every read and write)'),
    ('reportBytes', 'metrics (Micrometer, Vert.x byte counters on every read and write)'),
    ('WebSocket08FrameEncoder', 'Netty WebSocket encoder (frame headers; masks every byte sent to the provider)'),
    ('WebSocket08FrameDecoder', 'Netty WebSocket decoder (unmasks every byte from the browser)'),
    ('AudioDeltaScanner', 'voice: audio delta scanned, base64 decoded'),
    ('appendBytes', 'voice: append built (base64)'),
    ('gateway.Outbound', 'gateway: audio and JSON written to the browser (Vert.x write, flush)'),
    ('onParsedMessage', 'voice: other provider events (full JSON parse)'),
    ('OpenAiRealtimeProvider.sendAudio', 'voice: append written to the provider (Vert.x write, flush)'),
    ('OpenAiRealtimeProvider.on', 'voice: provider message in (frame joining, String, dispatch)'),
    ('FrameAggregator', 'voice: provider message in (frame joining, String, dispatch)'),
    ('gateway.Connection', 'gateway: frames in (rate buckets, checks), timers, pings'),
    ('gateway.MessageAssembler', 'gateway: frames in (rate buckets, checks), timers, pings'),
    ('SessionTimer', 'gateway: frames in (rate buckets, checks), timers, pings'),
    ('redis', 'Redis client'),
    ('pgclient', 'Postgres client'),
    ('safeBuffer', 'Vert.x: each read copied to a heap buffer'),
    ('SelectorImpl', 'Netty/NIO: selector'),
    ('NioSocketChannel.doWrite', 'Netty/NIO: socket writes (the Java side)'),
    ('doReadBytes', 'Netty/NIO: socket reads (the Java side)'),
    ('NioIoHandler', 'Netty/Vert.x: the rest of the read and write pipelines'),
    ('SocketChannelImpl', 'Netty/NIO: socket writes (the Java side)'),
]


def main(path, start, end):
    jfr = os.path.join(os.environ.get('JAVA_HOME', '/usr/lib/jvm/temurin-25-jdk-amd64'), 'bin', 'jfr')
    text = subprocess.run([jfr, 'print', '--stack-depth', '48', '--events', 'jdk.ExecutionSample', path],
                          check=True, capture_output=True, text=True).stdout
    buckets, self_time, inclusive, threads = (collections.Counter() for _ in range(4))
    n = 0
    for event in text.split('jdk.ExecutionSample')[1:]:
        at = re.search(r'startTime = (\d\d:\d\d:\d\d)', event)
        if not at or not start <= at.group(1) <= end:
            continue
        frames = re.findall(r'^\s+([\w.$<>]+\.[\w$<>]+)\(', event, re.M)
        if not frames:
            continue
        n += 1
        thread = re.search(r'sampledThread = "([^"]+)"', event)
        threads[re.sub(r'\d+', 'N', thread.group(1)) if thread else '?'] += 1
        stack = ' '.join(frames)
        buckets[next((name for marker, name in BUCKETS if marker in stack), 'other (Vert.x/Netty plumbing, JDK)')] += 1
        self_time[frames[0]] += 1
        for frame in set(frames):
            inclusive[frame] += 1
    if n == 0:
        sys.exit('no samples in the window')
    print(f'{n} samples; threads: {threads.most_common(4)}')
    print('\nwhere the samples fall (first matching bucket):')
    for name, count in buckets.most_common():
        print(f'  {100 * count / n:5.1f}%  {name}')
    print('\ntop frames by self time:')
    for frame, count in self_time.most_common(15):
        print(f'  {100 * count / n:5.1f}%  {frame}')
    print('\nour methods by inclusive time:')
    for frame, count in inclusive.most_common(400):
        if 'interviewroom' in frame and count * 100 / n >= 1:
            print(f'  {100 * count / n:5.1f}%  {frame}')


if __name__ == '__main__':
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
