package com.interviewroom.sandbox;

import com.interviewroom.sandbox.harness.HarnessFiles;
import com.interviewroom.sandbox.isolation.Cgroups;
import com.interviewroom.sandbox.isolation.Limits;
import com.interviewroom.sandbox.isolation.RunCgroup;
import com.interviewroom.sandbox.isolation.Runtime;
import com.interviewroom.sandbox.isolation.SandboxCommand;
import com.interviewroom.sandbox.isolation.SandboxProcess;
import com.interviewroom.sandbox.isolation.Slot;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Starts one sandboxed process in a slot: a fresh cgroup (when there are cgroups), the full
 * isolation chain, its pipes.
 */
final class SandboxLauncher {
  /** A sandbox started for the request that waits on it. */
  static final String RUN = "run";

  /** A sandbox started ahead of its request ({@link PrestartedSandboxes}). */
  static final String PRESTART = "warm";

  private final Optional<Cgroups> cgroups;
  private final HarnessFiles harness;

  SandboxLauncher(Optional<Cgroups> cgroups, HarnessFiles harness) {
    this.cgroups = cgroups;
    this.harness = harness;
  }

  /**
   * @param purpose {@link #RUN} or {@link #PRESTART}; it also names the cgroup
   */
  SandboxProcess.Started spawn(
      Slot slot, Runtime runtime, Limits limits, List<String> command, String purpose)
      throws IOException {
    RunCgroup cgroup = cgroups.isPresent() ? cgroups.get().create(purpose, limits) : null;
    if (cgroup != null && purpose.equals(PRESTART)) {
      // A pre-start yields the cores to running code until a request takes it
      // (PrestartedSandboxes.take restores the weight).
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
            slot.workDir(),
            cgroup,
            harness.seccompFilter(),
            command);
    return SandboxProcess.start(argv, limits, cgroup);
  }
}
