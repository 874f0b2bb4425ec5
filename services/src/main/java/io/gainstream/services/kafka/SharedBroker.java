package io.gainstream.services.kafka;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One embedded broker per work directory, shared by every command that runs on it: the first
 * command starts {@code gainstream broker} as a process of its own, the others find it through a
 * file in the broker's data directory and connect to it.
 *
 * <p>Why a process of its own: a broker inside the first command dies with it, and a second command
 * starting its own broker on the same data directory and ports fails ({@code Address already in
 * use}). A separate process outlives the command that started it, so stopping the pipeline, the
 * trainer or an export breaks none of the others; and when the broker itself is stopped, the next
 * command starts it again on the same directory and ports, and the clients already running
 * reconnect to it. It runs in a session of its own ({@code setsid}), so Ctrl-C in the terminal of
 * the command that started it does not reach it.
 *
 * <p>The ready file ({@code broker.ready}: the broker's pid and bootstrap address) is written once
 * the broker serves and removed when it stops; a start lock in the same directory makes commands
 * that start at the same moment agree on one broker.
 */
public final class SharedBroker {
  private static final Logger LOG = LoggerFactory.getLogger(SharedBroker.class);
  static final String READY_FILE = "broker.ready";
  static final String LOCK_FILE = "broker.start.lock";

  /** The broker process's output, beside its data. */
  public static final String LOG_FILE = "broker.log";

  /** A broker that serves: its process and address. */
  public record Ready(long pid, String bootstrap) {}

  private SharedBroker() {}

  /**
   * The bootstrap address of the broker of {@code dataDir}, starting it with {@code command} (a
   * {@code gainstream broker} process) when none serves.
   */
  public static String joinOrStart(Path dataDir, List<String> command, Duration timeout) {
    try {
      Files.createDirectories(dataDir);
      try (FileChannel ch =
              FileChannel.open(
                  dataDir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = ch.lock()) {
        Optional<Ready> up = running(dataDir);
        if (up.isPresent()) {
          LOG.info(
              "joining the embedded broker at {} (pid {}, data in {})",
              up.get().bootstrap(),
              up.get().pid(),
              dataDir);
          return up.get().bootstrap();
        }
        return start(dataDir, command, timeout);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach or start the embedded broker in " + dataDir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the embedded broker", e);
    }
  }

  private static String start(Path dataDir, List<String> command, Duration timeout)
      throws IOException, InterruptedException {
    Path log = dataDir.resolve(LOG_FILE);
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process p = pb.start();
    LOG.info("starting the embedded broker for {} (pid {}, log {})", dataDir, p.pid(), log);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<Ready> up = running(dataDir);
      if (up.isPresent()) {
        return up.get().bootstrap();
      }
      if (!p.isAlive()) {
        throw new IllegalStateException(
            "the embedded broker exited with "
                + p.exitValue()
                + " before it served; see "
                + log
                + ": "
                + lastLine(log));
      }
      Thread.sleep(100);
    }
    p.destroy();
    throw new IllegalStateException(
        "the embedded broker did not serve within " + timeout + "; see " + log);
  }

  /** The broker of {@code dataDir} if its process is alive and its port accepts connections. */
  public static Optional<Ready> running(Path dataDir) {
    Path f = dataDir.resolve(READY_FILE);
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    try {
      Properties p = new Properties();
      try (var in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
        p.load(in);
      }
      Ready r = new Ready(Long.parseLong(p.getProperty("pid")), p.getProperty("bootstrap"));
      boolean alive = ProcessHandle.of(r.pid()).map(ProcessHandle::isAlive).orElse(false);
      return alive && accepts(r.bootstrap()) ? Optional.of(r) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // being written or left by a broker that died: not serving
    }
  }

  /** Written by the broker process once it serves (atomically: readers never see half a file). */
  public static void markReady(Path dataDir, String bootstrap) {
    try {
      Path tmp = dataDir.resolve(READY_FILE + ".tmp");
      Files.writeString(
          tmp,
          "pid=" + ProcessHandle.current().pid() + "\nbootstrap=" + bootstrap + "\n",
          StandardCharsets.UTF_8);
      Files.move(
          tmp,
          dataDir.resolve(READY_FILE),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dataDir.resolve(READY_FILE), e);
    }
  }

  /** Removed by the broker process when it stops. */
  public static void clearReady(Path dataDir) {
    try {
      Files.deleteIfExists(dataDir.resolve(READY_FILE));
    } catch (IOException e) {
      LOG.warn("cannot remove {}: {}", dataDir.resolve(READY_FILE), e.getMessage());
    }
  }

  private static boolean accepts(String bootstrap) {
    int colon = bootstrap.lastIndexOf(':');
    try (Socket s = new Socket()) {
      s.connect(
          new InetSocketAddress(
              bootstrap.substring(0, colon), Integer.parseInt(bootstrap.substring(colon + 1))),
          1000);
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static String lastLine(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      for (int i = lines.size() - 1; i >= 0; i--) {
        if (!lines.get(i).isBlank()) {
          return lines.get(i).strip();
        }
      }
    } catch (IOException e) {
      // nothing to add
    }
    return "(empty)";
  }
}
