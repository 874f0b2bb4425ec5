package io.gainstream.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gainstream.cli.Gainstream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gainstream bench} as a user meets it: the product's command finds it on the class path
 * (the bench jar's {@code Extension}), its subcommands print their help, and an unusable
 * combination of options is one line and exit 2 before anything runs.
 */
class BenchArgumentsTest {
  @TempDir Path tmp;

  private record Run(int code, String err, String out) {}

  private static Run run(String... args) {
    PrintStream oldErr = System.err;
    PrintStream oldOut = System.out;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      int code = Gainstream.execute(args);
      return new Run(
          code, err.toString(StandardCharsets.UTF_8).trim(), out.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(oldErr);
      System.setOut(oldOut);
    }
  }

  @Test
  void shouldJoinTheGainstreamCommandAndPrintEveryHelp() {
    assertThat(run("--help").out()).as("gainstream lists it").contains("bench");
    for (String[] cmd :
        new String[][] {
          {"bench"}, {"bench", "model"}, {"bench", "quality"}, {"bench", "throughput"}
        }) {
      String name = String.join(" ", cmd);
      String[] args = java.util.Arrays.copyOf(cmd, cmd.length + 1);
      args[cmd.length] = "--help";
      Run r = run(args);
      assertThat(r.code()).as(name).isZero();
      assertThat(r.out()).as(name).contains("Usage: gainstream " + name);
    }
  }

  @Test
  void shouldRefuseBenchQualityWithoutBuiltInRowsButNoBackbone() throws Exception {
    Path photos = Files.createDirectories(tmp.resolve("photos").resolve("masks")).getParent();
    Run r =
        run("bench", "quality", "--no-synthetic", "--photos", photos.toString(), "--no-built-in");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "gainstream: --no-built-in needs --photos and --backbone (it leaves the backbone's photo rows only)");
  }
}
