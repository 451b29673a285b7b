package com.interviewroom.sandbox;

import com.interviewroom.sandbox.RunResult.TestResult;
import com.interviewroom.sandbox.compare.CompareMode;
import com.interviewroom.sandbox.compare.JsonComparator;
import com.interviewroom.sandbox.harness.HarnessRecord;
import com.interviewroom.sandbox.harness.OutputText;
import com.interviewroom.sandbox.harness.ResultChannel;
import com.interviewroom.sandbox.isolation.ProcessOutcome;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One harness process over tests all of one kind (examples, or hidden tests): the spec on stdin,
 * the results read from the channel the runner opened before the run, and compared in the runner.
 * Examples keep their details; hidden tests only pass/fail.
 */
record HarnessRun(Verdict verdict, ProcessOutcome outcome, List<TestResult> results) {
  private static final int MAX_RESULTS_BYTES = 8 << 20;
  private static final SecureRandom RANDOM = new SecureRandom();

  static HarnessRun over(RunContext run, List<RunRequest.TestCase> tests) throws IOException {
    RunRequest.Problem problem = run.request().problem();
    String nonce = randomHex(16);
    byte[] stdin = (nonce + "\n" + spec(problem, tests).encode()).getBytes(StandardCharsets.UTF_8);
    Path resultsFile = run.slot().workDir().resolve(".results");
    Files.createFile(
        resultsFile,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.setAttribute(resultsFile, "unix:uid", run.slot().uid(), LinkOption.NOFOLLOW_LINKS);
    ProcessOutcome outcome;
    byte[] channel;
    // Opened before the run: whatever the candidate does to the name, we read the file we created.
    try (FileChannel reader =
        FileChannel.open(resultsFile, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      outcome =
          run.execute(
              run.profile().harnessCommand(run.runtime()),
              run.profile().withBootHeader("harness", stdin));
      channel = readAtMost(reader, MAX_RESULTS_BYTES);
    }
    ResultChannel.Parsed parsed =
        ResultChannel.parse(channel, nonce, tests.stream().map(RunRequest.TestCase::id).toList());
    return compare(run, tests, outcome, parsed);
  }

  /** The signature and the tests' ids and inputs: never their expected outputs. */
  private static JsonObject spec(RunRequest.Problem problem, List<RunRequest.TestCase> tests) {
    JsonArray specTests = new JsonArray();
    tests.forEach(t -> specTests.add(new JsonObject().put("id", t.id()).put("input", t.input())));
    return new JsonObject()
        .put(
            "function",
            new JsonObject()
                .put("name", problem.function().name())
                .put(
                    "params",
                    new JsonArray(
                        problem.function().params().stream()
                            .map(p -> new JsonObject().put("name", p.name()).put("type", p.type()))
                            .toList()))
                .put("returns", problem.function().returns()))
        .put("tests", specTests);
  }

  private static HarnessRun compare(
      RunContext run,
      List<RunRequest.TestCase> tests,
      ProcessOutcome outcome,
      ResultChannel.Parsed parsed) {
    CompareMode mode =
        CompareMode.fromWire(run.request().problem().compare()).orElse(CompareMode.EXACT);
    List<TestResult> results = new ArrayList<>();
    boolean anyError = false;
    boolean anyMemoryError = false;
    boolean allPassed = true;
    for (int i = 0; i < tests.size(); i++) {
      RunRequest.TestCase test = tests.get(i);
      HarnessRecord record = i < parsed.records().size() ? parsed.records().get(i) : null;
      boolean passed =
          record != null
              && record.ok()
              && JsonComparator.matches(test.expected(), record.actual(), mode);
      allPassed &= passed;
      anyError |= record != null && !record.ok();
      anyMemoryError |= record != null && "MemoryError".equals(record.kind());
      double ms = record == null ? 0 : record.durationMs();
      results.add(
          test.hidden()
              ? new TestResult(test.id(), true, passed, null, null, null, null, null)
              : new TestResult(
                  test.id(),
                  false,
                  passed,
                  ms,
                  test.input(),
                  test.expected(),
                  record != null && record.ok() ? record.actual() : null,
                  record == null
                      ? null
                      : record.error() == null
                          ? null
                          : OutputText.stripHarness(
                              record.error(), run.slot().workDir().toString())));
    }
    Verdict verdict =
        Verdicts.harness(
            run.profile(), outcome, parsed.intact(), anyError, anyMemoryError, allPassed);
    return new HarnessRun(verdict, outcome, results);
  }

  private static byte[] readAtMost(FileChannel reader, int limit) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(limit, Math.max(0, reader.size())));
    reader.read(buffer, 0);
    return java.util.Arrays.copyOf(buffer.array(), buffer.position());
  }

  private static String randomHex(int bytes) {
    byte[] data = new byte[bytes];
    RANDOM.nextBytes(data);
    return HexFormat.of().formatHex(data);
  }
}
