package com.interviewroom.realtime.bench;

import com.interviewroom.common.config.Config;
import com.interviewroom.realtime.transcript.TranscriptBatcher;
import com.interviewroom.realtime.voice.BridgedVoiceSession;
import com.interviewroom.realtime.voice.ClientChannel;
import com.interviewroom.realtime.voice.DefaultVoiceSessionFactory;
import com.interviewroom.realtime.voice.InterviewContext;
import com.interviewroom.realtime.voice.PgSessionRecords;
import com.interviewroom.realtime.voice.ProviderSelector;
import com.interviewroom.realtime.voice.VoiceProviders;
import com.interviewroom.realtime.voice.VoiceSession;
import com.interviewroom.realtime.voice.openai.FakeOpenAiRealtime;
import com.interviewroom.schema.Database;
import com.interviewroom.testkit.TestDatabase;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The provider half of the relay benchmark: N simulated callers each send a 4,800-byte PCM frame
 * every 100 ms (sequence number and send time in the first 16 bytes) through a
 * {@link BridgedVoiceSession} to the fake OpenAI Realtime server in echo mode, which sends every
 * chunk straight back as an output audio delta; the round trip is measured at the client channel.
 * The same generator talking to the fake directly (same protocol, no bridge) is the baseline in the
 * same run. The gateway is not in this path (it is built on another branch); the added latency
 * here is the bridge's own share. Fake, generator and bridge share this JVM, so CPU figures are
 * an upper bound for the bridge. Run: {@code infra/bench/voice-relay.sh 100 500 1000}.
 */
public final class VoiceRelayBenchmark {
  private static final int FRAME_BYTES = 4_800;
  private static final long MEASURE_MS = 5_000;

  record Result(String mode, int sessions, long[] latenciesNanos, long sent, long received, long lost, long reordered,
      double cpuMsPerSessionSecond, long heapBytesPerSession) {}

  /** One caller: sends numbered frames, checks order of what comes back. */
  static final class Caller {
    final ConcurrentLinkedQueue<Long> latencies;
    volatile long sent;
    volatile long received;
    volatile long reordered;
    long lastSeq = -1;
    long timer = -1;

    Caller(ConcurrentLinkedQueue<Long> latencies) {
      this.latencies = latencies;
    }

    Buffer frame() {
      Buffer b = Buffer.buffer(new byte[FRAME_BYTES]);
      b.setLong(0, sent++);
      b.setLong(8, System.nanoTime());
      return b;
    }

    void onAudio(Buffer b, boolean measuring) {
      if (b.length() < 16) {
        return;
      }
      long seq = b.getLong(0);
      long latency = System.nanoTime() - b.getLong(8);
      received++;
      if (seq <= lastSeq) {
        reordered++;
      }
      lastSeq = Math.max(lastSeq, seq);
      if (measuring) {
        latencies.add(latency);
      }
    }
  }

  public static void main(String[] args) throws Exception {
    int[] levels = args.length == 0 ? new int[] {100, 500, 1000} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    Vertx vertx = Vertx.vertx();
    FakeOpenAiRealtime fake = new FakeOpenAiRealtime(vertx);
    fake.echo = true;
    int port = fake.startOnLoops(Runtime.getRuntime().availableProcessors() * 2);
    Database db = Database.connect(vertx, TestDatabase.freshDatabaseUrl(), 8);
    List<Result> results = new ArrayList<>();
    for (int n : levels) {
      results.add(direct(vertx, fake.url(port), n));
      results.add(relay(vertx, db, fake.url(port), n));
      System.out.println(report(results.subList(results.size() - 2, results.size())));
    }
    String report = report(results);
    System.out.println(report);
    write(report);
    fake.close();
    vertx.close().await();
  }

  private static Result direct(Vertx vertx, String url, int n) throws InterruptedException {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000)
        .setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 20));
    ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    List<Caller> callers = new ArrayList<>();
    List<WebSocket> sockets = new ArrayList<>();
    boolean[] measuring = {false};
    for (int i = 0; i < n; i++) {
      Caller caller = new Caller(latencies);
      callers.add(caller);
      Context ctx = ((io.vertx.core.internal.VertxInternal) vertx).createEventLoopContext(); // spread callers over event loops
      Promise<WebSocket> opened = Promise.promise();
      ctx.runOnContext(v -> client.connect(new WebSocketConnectOptions().setAbsoluteURI(url)
          .addHeader("Authorization", "Bearer " + FakeOpenAiRealtime.KEY)).onComplete(opened));
      WebSocket ws = opened.future().await();
      sockets.add(ws);
      ws.textMessageHandler(text -> {
        JsonObject m = new JsonObject(text);
        if ("response.output_audio.delta".equals(m.getString("type"))) {
          caller.onAudio(Buffer.buffer(Base64.getDecoder().decode(m.getString("delta"))), measuring[0]);
        }
      });
      ctx.runOnContext(v -> caller.timer = vertx.setPeriodic(100, id -> ws.writeTextMessage(new JsonObject()
          .put("type", "input_audio_buffer.append")
          .put("audio", Base64.getEncoder().encodeToString(caller.frame().getBytes())).encode())));
    }
    Result r = measure(vertx, "direct", n, callers, latencies, measuring, 0);
    sockets.forEach(WebSocket::close);
    client.close().await();
    return r;
  }

  private static Result relay(Vertx vertx, Database db, String url, int n) throws InterruptedException {
    VoiceProviders providers = new VoiceProviders(vertx, new Config.Providers(FakeOpenAiRealtime.KEY, url, null,
        "ws://127.0.0.1:1/unused", null, null));
    // no transcripts flow in echo mode; the batcher is here because the factory needs one
    TranscriptBatcher batcher = new TranscriptBatcher(vertx, db, Duration.ofSeconds(5), 500, 10_000);
    PgSessionRecords records = new PgSessionRecords(db);
    DefaultVoiceSessionFactory factory = new DefaultVoiceSessionFactory(vertx, new ProviderSelector(true, false),
        providers, batcher, records, records::markErroredAndRefund, BridgedVoiceSession.Settings.standard(), Clock.systemUTC());
    ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    List<Caller> callers = new ArrayList<>();
    List<VoiceSession> sessions = new ArrayList<>();
    boolean[] measuring = {false};
    long heapBefore = usedHeapAfterGc();
    for (int i = 0; i < n; i++) {
      Caller caller = new Caller(latencies);
      callers.add(caller);
      Context ctx = ((io.vertx.core.internal.VertxInternal) vertx).createEventLoopContext(); // spread callers over event loops
      ClientChannel channel = new ClientChannel() {
        @Override
        public void sendAudio(Buffer pcm) {
          caller.onAudio(pcm, measuring[0]);
        }

        @Override
        public void sendJson(JsonObject message) {
        }
      };
      InterviewContext context = new InterviewContext(UUID.randomUUID(), UUID.randomUUID(), "T", "d", "easy", "python",
          "mid", 3_600_000, List.of());
      Promise<VoiceSession> opened = Promise.promise();
      ctx.runOnContext(v -> factory.open(context, channel).onComplete(opened));
      VoiceSession session = opened.future().await();
      sessions.add(session);
      ctx.runOnContext(v -> caller.timer = vertx.setPeriodic(100, id -> session.audio(caller.frame())));
    }
    long heapPerSession = Math.max(0, (usedHeapAfterGc() - heapBefore) / n);
    Result r = measure(vertx, "relay", n, callers, latencies, measuring, heapPerSession);
    Future.all(sessions.stream().map(VoiceSession::close).toList()).await();
    batcher.close().await();
    providers.close().await();
    return r;
  }

  private static Result measure(Vertx vertx, String mode, int n, List<Caller> callers, ConcurrentLinkedQueue<Long> latencies,
      boolean[] measuring, long heapPerSession) throws InterruptedException {
    Thread.sleep(2_000); // warm-up
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    long sent0 = callers.stream().mapToLong(c -> c.sent).sum();
    measuring[0] = true;
    Thread.sleep(MEASURE_MS);
    measuring[0] = false;
    long cpuNanos = os.getProcessCpuTime() - cpu0;
    callers.forEach(c -> vertx.cancelTimer(c.timer)); // stop sending, then let frames in flight arrive
    Thread.sleep(1_000);
    long sent = callers.stream().mapToLong(c -> c.sent).sum();
    long received = callers.stream().mapToLong(c -> c.received).sum();
    long reordered = callers.stream().mapToLong(c -> c.reordered).sum();
    long[] values = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    double cpuMsPerSessionSecond = cpuNanos / 1e6 / n / (MEASURE_MS / 1000.0);
    return new Result(mode, n, values, sent - sent0, received, sent - received, reordered, cpuMsPerSessionSecond, heapPerSession);
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static double percentileMs(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
  }

  private static String report(List<Result> results) {
    StringBuilder sb = new StringBuilder();
    sb.append("| sessions | mode | p50 ms | p99 ms | frames sent | lost | reordered | CPU ms per session-second | heap per session |\n");
    sb.append("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (Result r : results) {
      sb.append(String.format(Locale.ROOT, "| %d | %s | %.2f | %.2f | %d | %d | %d | %.3f | %s |%n", r.sessions(), r.mode(),
          percentileMs(r.latenciesNanos(), 0.5), percentileMs(r.latenciesNanos(), 0.99), r.sent(), r.lost(), r.reordered(),
          r.cpuMsPerSessionSecond(), r.mode().equals("relay") ? (r.heapBytesPerSession() / 1024) + " KB" : "-"));
    }
    sb.append('\n');
    for (int i = 0; i + 1 < results.size(); i += 2) {
      Result d = results.get(i);
      Result r = results.get(i + 1);
      sb.append(String.format(Locale.ROOT, "- %d sessions: added p50 %.2f ms, added p99 %.2f ms%n", r.sessions(),
          percentileMs(r.latenciesNanos(), 0.5) - percentileMs(d.latenciesNanos(), 0.5),
          percentileMs(r.latenciesNanos(), 0.99) - percentileMs(d.latenciesNanos(), 0.99)));
    }
    return sb.toString();
  }

  private static void write(String table) throws IOException {
    Path out = Path.of(System.getProperty("benchmark.out", "../docs/benchmarks-voice-relay.md"));
    Files.writeString(out, "# Voice bridge relay benchmark (provider side)\n\n"
        + "Generated by `VoiceRelayBenchmark` (see its Javadoc for the command). " + System.getProperty("os.arch") + ", "
        + Runtime.getRuntime().availableProcessors() + " cores, Java " + Runtime.version() + ".\n"
        + "Baseline (`direct`): generator ⇄ fake provider. `relay`: generator ⇄ BridgedVoiceSession ⇄ fake provider.\n"
        + "The WebSocket gateway is not in this path yet; fake, generator and bridge share one JVM.\n\n" + table);
  }
}
