package com.interviewroom.sandbox;

import com.interviewroom.sandbox.isolation.Slot;
import com.interviewroom.sandbox.isolation.WorkDirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * The submission as files in the work dir: the source for an interpreted language, the compiled
 * classes for Java. {@link #rewrite} empties the work dir and writes them again.
 *
 * @param classes binary class name to class file bytes, or null when the source is written
 */
record CodeFiles(LanguageProfile profile, String source, Map<String, byte[]> classes) {
  void write(Slot slot) throws IOException {
    if (classes != null) {
      Path dir = Files.createDirectory(slot.workDir().resolve("classes"));
      for (Map.Entry<String, byte[]> entry : classes.entrySet()) {
        Files.write(
            dir.resolve(entry.getKey() + ".class"),
            entry.getValue(),
            StandardOpenOption.CREATE_NEW);
      }
    } else {
      Files.writeString(
          slot.workDir().resolve(profile.sourceFile()),
          source,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE_NEW);
    }
  }

  void rewrite(Slot slot) throws IOException {
    WorkDirs.empty(slot.workDir());
    write(slot);
  }
}
