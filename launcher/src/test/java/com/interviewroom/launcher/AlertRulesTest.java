package com.interviewroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code infra/prometheus/alerts.yml}, read as text (no YAML parser is on the test classpath): one
 * block per {@code - alert:} entry, in the file's flow style ({@code labels: {severity: ...}}).
 */
class AlertRulesTest {
  private static final Pattern RULE = Pattern.compile("(?m)^\\s*- alert: (\\w+)\\s*$");

  private static Map<String, String> rules() throws Exception {
    String yaml = Files.readString(Path.of("..", "infra", "prometheus", "alerts.yml"));
    Map<String, String> rules = new LinkedHashMap<>();
    Matcher m = RULE.matcher(yaml);
    String name = null;
    int from = 0;
    while (m.find()) {
      if (name != null) {
        assertThat(rules.put(name, yaml.substring(from, m.start()))).as(name + " is defined once").isNull();
      }
      name = m.group(1);
      from = m.end();
    }
    assertThat(name).as("alerts.yml has rules").isNotNull();
    assertThat(rules.put(name, yaml.substring(from))).as(name + " is defined once").isNull();
    return rules;
  }

  @Test
  @DisplayName("every alert rule has an expr, a page or ticket severity and a summary")
  void everyRuleIsComplete() throws Exception {
    rules().forEach((name, rule) -> {
      assertThat(rule).as(name + " expr").containsPattern("(?m)^\\s*expr: \\S");
      assertThat(rule).as(name + " severity").containsPattern("labels: \\{severity: (page|ticket)}");
      assertThat(rule).as(name + " summary").containsPattern("annotations: \\{summary: \"[^\"]+\"}");
    });
  }

  @Test
  @DisplayName("Redis above 80% of maxmemory for 10 minutes alerts (redis_exporter), and a Redis without maxmemory does not")
  void redisMemoryAlert() throws Exception {
    String rule = rules().get("RedisMemoryHigh");
    assertThat(rule).as("RedisMemoryHigh exists").isNotNull();
    assertThat(rule).contains("expr: redis_memory_used_bytes / (redis_memory_max_bytes > 0) > 0.8")
        .containsPattern("(?m)^\\s*for: 10m$");
  }
}
