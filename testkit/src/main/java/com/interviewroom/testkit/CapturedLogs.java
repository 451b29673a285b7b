package com.interviewroom.testkit;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * What the root logger receives during each test, in {@link #list}: register it on an instance
 * field with {@code @RegisterExtension}. Attached before the test's own {@code @BeforeEach} methods
 * run and detached after its {@code @AfterEach} methods.
 */
public final class CapturedLogs extends ListAppender<ILoggingEvent>
    implements BeforeEachCallback, AfterEachCallback {

  @Override
  public void beforeEach(ExtensionContext context) {
    start();
    root().addAppender(this);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    root().detachAppender(this);
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }
}
