package com.interviewroom.sandbox.http;

import com.interviewroom.sandbox.CheckResult;
import com.interviewroom.sandbox.RunResult;
import com.interviewroom.sandbox.isolation.Runtime;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The wire shapes of the private API. Hidden tests are already redacted; here null fields are left
 * out.
 */
final class ResultJson {
  private ResultJson() {}

  static JsonObject run(RunResult result) {
    JsonObject body =
        new JsonObject()
            .put("verdict", result.verdict().wireName())
            .put("stdout", result.stdout())
            .put("stderr", result.stderr())
            .put("exitCode", result.exitCode())
            .put("durationMs", result.durationMs());
    if (result.compileMs() != null) {
      body.put("compileMs", result.compileMs());
    }
    JsonArray tests = new JsonArray();
    for (RunResult.TestResult t : result.tests()) {
      JsonObject test =
          new JsonObject().put("id", t.id()).put("hidden", t.hidden()).put("passed", t.passed());
      if (!t.hidden()) {
        test.put(
            "durationMs",
            t.durationMs() == null ? null : Math.round(t.durationMs() * 1000) / 1000.0);
        test.put("input", t.input()).put("expected", t.expected()).put("actual", t.actual());
        if (t.error() != null) {
          test.put("error", t.error());
        }
      }
      tests.add(test);
    }
    return body.put("tests", tests);
  }

  static JsonObject check(CheckResult result) {
    return new JsonObject()
        .put("ok", result.ok())
        .put(
            "diagnostics",
            new JsonArray(
                result.diagnostics().stream()
                    .map(
                        d ->
                            new JsonObject()
                                .put("line", d.line())
                                .put("column", d.column())
                                .put("message", d.message())
                                .put("severity", d.severity()))
                    .toList()));
  }

  static JsonObject runtimes(List<Runtime> runtimes, boolean cgroups, boolean sizeCappedWorkDirs) {
    return new JsonObject()
        .put(
            "runtimes",
            new JsonArray(
                runtimes.stream()
                    .map(
                        r ->
                            new JsonObject()
                                .put("language", r.language())
                                .put("version", r.version())
                                .put("source", r.source()))
                    .toList()))
        .put(
            "isolation",
            new JsonObject()
                .put("bubblewrap", true)
                .put(
                    "cgroups", cgroups ? "v1 memory+pids+cpu per run" : "unavailable: rlimits only")
                .put("workDir", sizeCappedWorkDirs ? "tmpfs per slot" : "plain directory"));
  }
}
