package io.gainstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What reaches the console through the stderr filter: everything but native log lines. */
class NativeStderrTest {
  private static String filtered(String in) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    NativeStderr.pump(new ByteArrayInputStream(in.getBytes(StandardCharsets.UTF_8)), out);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void shouldDropNativeWarningsAndPassEverythingElseByteForByte() {
    String warning =
        "[W1206 02:57:04.276492255 LegacyTypeDispatch.h:74] Warning: AutoNonVariableTypeMode is deprecated\n";
    assertThat(
            filtered(
                "train gain 10%\rtrain gain 20%\r"
                    + warning
                    + "02:57:05.100 WARN  X - [Wrapped] a line of ours\n"
                    + "gainstream: --images is not a folder\n"
                    + "[Weird but ours]\n"
                    + "naïve ✓\n"))
        .isEqualTo(
            "train gain 10%\rtrain gain 20%\r"
                + "02:57:05.100 WARN  X - [Wrapped] a line of ours\n"
                + "gainstream: --images is not a folder\n"
                + "[Weird but ours]\n"
                + "naïve ✓\n");
    assertThat(filtered("[I1206 info\n[E1206 error\nend\n")).isEqualTo("end\n");
    assertThat(filtered("[")).as("an undecided start at the end still goes out").isEqualTo("[");
  }
}
