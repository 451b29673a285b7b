package com.interviewroom.common.config;

/** A configuration value is missing or wrong; the message names the variable. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
