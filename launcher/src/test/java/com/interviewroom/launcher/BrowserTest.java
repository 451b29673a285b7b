package com.interviewroom.launcher;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The setup the browser tests share: one {@link BrowserFixture} (the whole system and a
 * chromedriver) per test class, closed after its last test. A test adds settings by overriding
 * {@link #extraEnv}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BrowserTest {
  @TempDir static Path dir;
  BrowserFixture fixture;

  /** Settings on top of the fixture's; none unless a test says so. */
  Map<String, String> extraEnv() {
    return Map.of();
  }

  @BeforeAll
  void startFixture() throws Exception {
    fixture = BrowserFixture.start(dir, extraEnv());
  }

  @AfterAll
  void closeFixture() {
    if (fixture != null) {
      fixture.close();
    }
  }
}
