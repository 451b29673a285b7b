package com.interviewroom.sandbox.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CgroupsTest {
  private static final String V1 =
      """
      12:pids:/process_api/abc
      9:cpu,cpuacct:/process_api/abc
      4:memory:/process_api/abc
      0::/process_api/abc
      """;

  @Test
  @DisplayName(
      "the runner's place in each v1 hierarchy comes from /proc/self/cgroup, joint controllers included")
  void v1Paths() {
    assertThat(Cgroups.relativePath(V1, "memory")).isEqualTo("process_api/abc");
    assertThat(Cgroups.relativePath(V1, "cpu")).isEqualTo("process_api/abc");
    assertThat(Cgroups.relativePath("5:pids:/\n", "pids")).isEmpty();
  }

  @Test
  @DisplayName("a cgroup v2-only host is named as such, a missing v1 controller by its name")
  void unusableHosts() {
    assertThatThrownBy(() -> Cgroups.relativePath("0::/system.slice/runner.service\n", "memory"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("only the unified cgroup v2 hierarchy");
    assertThatThrownBy(() -> Cgroups.relativePath("12:pids:/a\n0::/a\n", "memory"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no cgroup v1 memory hierarchy");
  }
}
