package com.interviewroom.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.interviewroom.common.config.Config;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Without cgroups runs lose their memory, CPU and pids limits: ROLE=sandbox refuses to start unless
 * told otherwise.
 */
class CgroupPolicyTest {
  private static final SandboxService.CgroupOpener V2_ONLY =
      () -> {
        throw new IllegalStateException("this host has only the unified cgroup v2 hierarchy");
      };

  @Test
  @DisplayName(
      "required: a host without usable cgroups stops the runner with a message naming the cause and the opt-out")
  void requiredRefuses() {
    assertThatThrownBy(() -> SandboxService.cgroups(V2_ONLY, true))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cgroup v2")
        .hasMessageContaining("SANDBOX_CGROUPS=optional");
  }

  @Test
  @DisplayName("optional: the runner starts with rlimits only")
  void optionalFallsBack() {
    assertThat(SandboxService.cgroups(V2_ONLY, false)).isEmpty();
  }

  @Test
  @DisplayName(
      "ROLE=sandbox requires cgroups unless SANDBOX_CGROUPS=optional; ROLE=all does not unless asked")
  void configDefaults() {
    assertThat(Config.from(Map.of("ROLE", "sandbox")).sandbox().requireCgroups()).isTrue();
    assertThat(
            Config.from(Map.of("ROLE", "sandbox", "SANDBOX_CGROUPS", "optional"))
                .sandbox()
                .requireCgroups())
        .isFalse();
    assertThat(Config.from(Map.of()).sandbox().requireCgroups()).isFalse();
    assertThat(Config.from(Map.of("SANDBOX_CGROUPS", "required")).sandbox().requireCgroups())
        .isTrue();
    assertThat(
            Config.from(Map.of("ROLE", "sandbox"))
                .withSandboxUrl("http://127.0.0.1:1")
                .sandbox()
                .requireCgroups())
        .isTrue();
  }
}
