package com.interviewroom.sandbox.isolation;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-slot work directories. Each is a size-capped tmpfs owned by the slot's uid when the
 * runner may mount (it runs as root in production), so a run cannot fill the host disk; it is
 * emptied before and after every run, never following a link a candidate planted.
 */
public final class WorkDirs {
  private static final Logger log = LoggerFactory.getLogger(WorkDirs.class);
  public static final long SLOT_BYTES = 32L << 20;

  private final Path root;
  private final List<Path> mounted = new ArrayList<>();
  private final java.util.concurrent.atomic.AtomicInteger generation =
      new java.util.concurrent.atomic.AtomicInteger();

  public WorkDirs(Path root) {
    this.root = root;
  }

  public List<Slot> createSlots(int count, int firstUid) throws IOException {
    Files.createDirectories(root);
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
    List<Slot> slots = new ArrayList<>();
    for (int index = 0; index < count; index++) {
      slots.add(createSlot(index, firstUid + index, root.resolve("slot-" + index)));
    }
    return slots;
  }

  private Slot createSlot(int index, int uid, Path dir) throws IOException {
    Files.createDirectories(dir);
    if (mountTmpfs(dir, uid)) {
      synchronized (mounted) {
        mounted.add(dir);
      }
    } else {
      log.warn("could not mount a tmpfs on {}; the work directory is not size-capped", dir);
    }
    Files.setAttribute(dir, "unix:uid", uid);
    Files.setAttribute(dir, "unix:gid", uid);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    return new Slot(index, uid, dir);
  }

  /**
   * A fresh work dir for a slot whose own is stuck or cannot be emptied: the old tmpfs is detached
   * (its contents go with it, whatever the candidate built there) and its mount point removed; the
   * slot keeps its uid. Call only once no process of the slot's uid is left.
   */
  public Slot replace(Slot old) throws IOException {
    boolean wasMounted;
    synchronized (mounted) {
      wasMounted = mounted.remove(old.workDir());
    }
    if (wasMounted && !command(List.of("/bin/umount", "-l", old.workDir().toString()))) {
      log.warn("could not unmount {}", old.workDir());
    }
    try {
      deleteTree(old.workDir());
    } catch (IOException | RuntimeException e) {
      log.warn("could not remove the old work dir {}: {}", old.workDir(), e.toString());
    }
    return createSlot(
        old.index(),
        old.uid(),
        root.resolve("slot-" + old.index() + "-" + generation.incrementAndGet()));
  }

  public boolean sizeCapped() {
    synchronized (mounted) {
      return !mounted.isEmpty();
    }
  }

  /** Deeper than this, a candidate's tree is not walked: the slot is replaced instead. */
  public static final int MAX_DEPTH = 64;

  /**
   * Deletes everything inside {@code dir} and gives it back its owner and mode 0700 (a run may have
   * made it world-writable). The walk goes by directory descriptor ({@code unlinkat}, never a path
   * from {@code dir}), so names of any length nested to any length of path are deleted; links are
   * removed as links, never followed. A tree deeper than {@link #MAX_DEPTH} is refused with an
   * IOException: the caller replaces the slot.
   */
  public static void empty(Path dir) throws IOException {
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      if (stream instanceof SecureDirectoryStream<Path> secure) {
        emptyByDescriptor(secure, 0);
      } else {
        for (Path child : stream) {
          deleteTree(child);
        }
      }
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
  }

  private static void emptyByDescriptor(SecureDirectoryStream<Path> dir, int depth)
      throws IOException {
    if (depth > MAX_DEPTH) {
      throw new IOException("a tree deeper than " + MAX_DEPTH + " directories");
    }
    List<Path> names = new ArrayList<>();
    dir.forEach(child -> names.add(child.getFileName()));
    for (Path name : names) {
      BasicFileAttributes attributes =
          dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
              .readAttributes();
      if (attributes.isDirectory()) {
        try (SecureDirectoryStream<Path> child =
            dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
          emptyByDescriptor(child, depth + 1);
        }
        dir.deleteDirectory(name);
      } else {
        dir.deleteFile(name);
      }
    }
  }

  /** Deletes a tree; links inside it are removed as links, never followed. */
  public static void deleteTree(Path path) throws IOException {
    if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      Files.deleteIfExists(path);
      return;
    }
    Files.walkFileTree(
        path,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /** Unmounts the slot filesystems and removes the tree. */
  public void close() {
    synchronized (mounted) {
      for (Path dir : mounted) {
        command(List.of("/bin/umount", "-l", dir.toString()));
      }
    }
    try {
      if (Files.exists(root)) {
        deleteTree(root);
      }
    } catch (IOException e) {
      log.warn("could not remove {}: {}", root, e.toString());
    }
  }

  private static boolean mountTmpfs(Path dir, int uid) {
    if (!"root".equals(System.getProperty("user.name"))) {
      return false;
    }
    String options =
        "size="
            + SLOT_BYTES
            + ",nr_inodes=4096,mode=0700,uid="
            + uid
            + ",gid="
            + uid
            + ",nosuid,nodev";
    return command(List.of("/bin/mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString()));
  }

  private static boolean command(List<String> argv) {
    try {
      Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
      process.getInputStream().readAllBytes();
      return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
