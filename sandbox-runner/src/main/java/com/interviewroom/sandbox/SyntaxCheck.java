package com.interviewroom.sandbox;

import com.interviewroom.sandbox.harness.Diagnostic;
import com.interviewroom.sandbox.harness.HarnessFiles;
import com.interviewroom.sandbox.isolation.Cgroups;
import com.interviewroom.sandbox.isolation.Limits;
import com.interviewroom.sandbox.isolation.ProcessOutcome;
import com.interviewroom.sandbox.isolation.RunCgroup;
import com.interviewroom.sandbox.isolation.Runtime;
import com.interviewroom.sandbox.isolation.SandboxCommand;
import com.interviewroom.sandbox.isolation.SandboxProcess;
import com.interviewroom.sandbox.isolation.Slot;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Syntax diagnostics from the languages' own parsers, run sandboxed with no work directory: the
 * candidate's code arrives on stdin and is parsed, never executed. The checker scripts are
 * constants.
 */
final class SyntaxCheck {
  static final String PYTHON_CHECK =
      """
      import json, sys
      source = sys.stdin.buffer.read()
      try:
          compile(source, "solution.py", "exec", dont_inherit=True)
          print("[]")
      except SyntaxError as e:
          print(json.dumps([{"line": e.lineno or 1, "column": e.offset or 1, "message": e.msg, "severity": "error"}]))
      except ValueError as e:
          print(json.dumps([{"line": 1, "column": 1, "message": str(e), "severity": "error"}]))
      """;
  static final String NODE_CHECK =
      """
      const vm = require('vm');
      const source = require('fs').readFileSync(0, 'utf8');
      try {
        vm.compileFunction(source, ['TreeNode', 'ListNode', 'require', 'module', 'exports'], { filename: 'solution.js' });
        console.log('[]');
      } catch (e) {
        const lines = String(e.stack || '').split('\\n');
        const at = /solution\\.js:(\\d+)/.exec(lines[0] || '');
        const caret = (lines[2] || '').indexOf('^');
        console.log(JSON.stringify([{ line: at ? Number(at[1]) : 1, column: caret >= 0 ? caret + 1 : 1,
          message: `${e.name}: ${e.message}`, severity: 'error' }]));
      }
      """;

  private SyntaxCheck() {}

  /**
   * @param profile an interpreted language: its {@link LanguageProfile#checkArgs} run one of the
   *     checkers above
   */
  static CheckResult interpreted(
      LanguageProfile profile,
      Runtime runtime,
      Slot slot,
      HarnessFiles harness,
      String code,
      Optional<Cgroups> cgroups,
      boolean background)
      throws IOException {
    List<String> command = profile.checkCommand(runtime);
    Limits limits = Limits.interpreted().withWallTimeout(Duration.ofSeconds(5));
    RunCgroup cgroup = cgroups.isPresent() ? cgroups.get().create("check", limits) : null;
    if (cgroup != null && background) {
      try {
        cgroup.cpuWeight(RunCgroup.BACKGROUND_SHARES);
      } catch (IOException e) {
        cgroup.destroy();
        throw e;
      }
    }
    List<String> argv =
        SandboxCommand.build(
            slot.uid(),
            limits,
            runtime.readOnlyPaths(),
            harness.dir(),
            null,
            cgroup,
            harness.seccompFilter(),
            command);
    ProcessOutcome outcome =
        SandboxProcess.run(argv, code.getBytes(StandardCharsets.UTF_8), limits, cgroup);
    if (outcome.exitCode() != 0 || outcome.timedOut()) {
      throw new IOException(
          "the "
              + profile.wireName()
              + " syntax checker failed with exit code "
              + outcome.exitCode());
    }
    try {
      JsonArray found = new JsonArray(new String(outcome.stdout(), StandardCharsets.UTF_8).trim());
      List<Diagnostic> diagnostics = new ArrayList<>();
      for (int i = 0; i < found.size(); i++) {
        JsonObject d = found.getJsonObject(i);
        diagnostics.add(
            new Diagnostic(
                d.getInteger("line", 1),
                d.getInteger("column", 1),
                d.getString("message", ""),
                d.getString("severity", "error")));
      }
      return new CheckResult(diagnostics.isEmpty(), List.copyOf(diagnostics));
    } catch (DecodeException | ClassCastException e) {
      throw new IOException("the syntax checker answered something unreadable", e);
    }
  }
}
