package io.gainstream.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import io.gainstream.topology.LogMarkers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Where log lines go. The console shows gainstream's own lines: progress, results and warnings a
 * user can act on. The broker, Kafka's clients, Kafka Streams and the native runtimes log far more,
 * mostly benign (a producer retrying a sequence number at start-up, a controller appending its
 * bootstrap records), and a newcomer reads that as failure; their lines go to a log file in the
 * work directory, whose path the command prints once. {@code --verbose} puts every line on the
 * console as well.
 */
public final class Logs {
  static final String FILE = "gainstream.log";

  /**
   * The name of the SLF4J marker on gainstream lines that are for the log file only (diagnostics
   * such as each change of batch size), not the console.
   */
  public static final String FILE_ONLY = LogMarkers.FILE_ONLY.getName();

  private static volatile boolean verbose;
  private static Path file;

  private Logs() {}

  /** Every logger on the console too. */
  static void verbose() {
    verbose = true;
  }

  /**
   * Adds {@code dir/gainstream.log} (appended) for every line, once per process, and says where it
   * is. Lines logged before this call by other libraries are not in it; there are none of interest.
   */
  public static synchronized void toFile(Path dir) {
    if (file != null || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return;
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      System.err.println(
          "gainstream: cannot create " + dir + " for the log file: " + e.getMessage());
      return;
    }
    file = dir.toAbsolutePath().resolve(FILE);
    PatternLayoutEncoder enc = new PatternLayoutEncoder();
    enc.setContext(ctx);
    enc.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger - %msg%n");
    enc.start();
    FileAppender<ILoggingEvent> app = new FileAppender<>();
    app.setContext(ctx);
    app.setName("FILE");
    app.setFile(file.toString());
    app.setAppend(true);
    app.setPrudent(
        true); // the services of one work directory write one file from several processes
    app.setEncoder(enc);
    app.start();
    ctx.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(app);
    if (!verbose) {
      NativeStderr.install(); // the native runtimes' warnings into this file, not the console
    }
    if (!verbose) {
      // on stdout: stderr carries the one line of an error, and an argument found bad after this
      // point (a CSV header) must still be that one line
      System.out.println(
          "log file: "
              + file
              + " (the broker's, Kafka's and the native runtimes' lines; --verbose shows them here)");
    }
  }

  /** The console's filter: gainstream's loggers, or every logger under {@code --verbose}. */
  public static final class ConsoleFilter extends Filter<ILoggingEvent> {
    @Override
    public FilterReply decide(ILoggingEvent e) {
      boolean ours =
          e.getLoggerName().startsWith("io.gainstream.")
              && (e.getMarkerList() == null
                  || e.getMarkerList().stream().noneMatch(m -> m.getName().equals(FILE_ONLY)));
      return verbose || ours ? FilterReply.NEUTRAL : FilterReply.DENY;
    }
  }
}
