package com.interviewroom.sandbox;

import com.interviewroom.sandbox.harness.OutputText;
import com.interviewroom.sandbox.isolation.ProcessOutcome;
import com.interviewroom.sandbox.isolation.Runtime;
import com.interviewroom.sandbox.isolation.SandboxProcess;
import com.interviewroom.sandbox.isolation.SandboxThreads;
import com.interviewroom.sandbox.isolation.Slot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** One request in one slot: what each step of its run needs. */
record RunContext(
    Slot slot,
    Runtime runtime,
    LanguageProfile profile,
    RunRequest request,
    SandboxLauncher launcher,
    PrestartedSandboxes prestarted,
    Zygotes zygotes) {

  /**
   * Runs one sandboxed process to its end: forked from the slot's zygote for Python, a pre-started
   * sandbox when the language has them and the slot has one ready, else a fresh one.
   */
  ProcessOutcome execute(List<String> command, byte[] stdin) throws IOException {
    if (zygotes.serves(profile, command)) {
      Optional<ProcessOutcome> forked = zygotes.run(slot, profile.limits(), stdin);
      if (forked.isPresent()) {
        return forked.get();
      }
    }
    boolean warm = prestarted.serves(profile, command);
    SandboxProcess.Started sandbox = warm ? prestarted.take(profile, slot) : null;
    if (sandbox == null) {
      sandbox = launcher.spawn(slot, runtime, profile.limits(), command, SandboxLauncher.RUN);
    }
    if (warm) {
      // The next sandbox starts while this one runs: a submission's hidden run, or the next
      // request, finds it ready.
      SandboxThreads.WORK.execute(() -> prestarted.topUp(profile, slot));
    }
    return sandbox.finish(stdin);
  }

  /** Output as the candidate sees it: the harness's frames and the host's work-dir path removed. */
  String visible(byte[] bytes) {
    return OutputText.stripHarness(OutputText.visible(bytes), slot.workDir().toString());
  }

  static byte[] bytes(String text) {
    return text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
  }
}
