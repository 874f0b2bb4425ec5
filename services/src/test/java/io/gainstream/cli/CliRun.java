package io.gainstream.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * One {@code gainstream} command line run in this JVM, with what it printed: for the tests of the
 * command's arguments here and in the bench module.
 *
 * @param err standard error, trimmed
 */
public record CliRun(int code, String err, String out) {
  /** Runs {@link Gainstream#execute} with the console captured. */
  public static CliRun of(String... args) {
    PrintStream oldErr = System.err;
    PrintStream oldOut = System.out;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      int code = Gainstream.execute(args);
      return new CliRun(
          code, err.toString(StandardCharsets.UTF_8).trim(), out.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(oldErr);
      System.setOut(oldOut);
    }
  }
}
