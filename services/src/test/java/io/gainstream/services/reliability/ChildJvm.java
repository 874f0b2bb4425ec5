package io.gainstream.services.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code gainstream} command in a JVM of its own, run from the jar the build packaged (the one
 * users run), so a test can {@code kill -9} it: {@link Process#destroyForcibly} sends SIGKILL on
 * Linux, no shutdown hook runs, nothing is flushed or committed.
 */
final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final Path log;

  private ChildJvm(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static ChildJvm start(Path log, List<String> args) throws IOException {
    Path jar = Path.of("target", "gainstream.jar").toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: integration tests run after `package`");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.add("-XX:+UseParallelGC");
    cmd.add("-Dai.djl.offline=true");
    cmd.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
    cmd.add("-jar");
    cmd.add(jar.toString());
    cmd.addAll(args);
    Files.createDirectories(log.getParent());
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new ChildJvm(p, log);
  }

  /** Waits until the log shows {@code text}; fails if the process exits first or time runs out. */
  ChildJvm awaitLog(String text, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).contains(text)) {
        return this;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "child exited with "
                + process.exitValue()
                + " before logging '"
                + text
                + "':\n"
                + tail());
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(
        "child did not log '" + text + "' within " + timeout + ":\n" + tail());
  }

  /** Waits for the process to exit on its own and returns its exit code; fails if time runs out. */
  int awaitExit(Duration timeout) throws IOException, InterruptedException {
    if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("child did not exit within " + timeout + ":\n" + tail());
    }
    return process.exitValue();
  }

  /** SIGKILL, and waits until the process is gone. */
  void kill9() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  String tail() throws IOException {
    String s = Files.exists(log) ? Files.readString(log) : "";
    return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
  }

  String logText() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }
}
