package io.gainstream.services.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A healthy first run, as a newcomer sees it: {@code demo} from the packaged jar (its own logging
 * configuration, not the tests') puts no WARN or ERROR line on the console and says the release it
 * labels with once, not once per task, and the broker's and Kafka's lines are in the log file it
 * names.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CalmConsoleIT {
  @TempDir Path tmp;

  @Test
  void shouldShowOnlyGainstreamsOwnLinesOnTheConsoleAndLogTheRestToAFile() throws Exception {
    Path out = tmp.resolve("demo");
    ChildJvm demo =
        ChildJvm.start(
            tmp.resolve("console.log"),
            List.of(
                "demo",
                "--images",
                "60",
                "--train-steps",
                "30",
                "--size",
                "64",
                "--min-map",
                "0",
                "--out",
                out.toString()));
    assertThat(demo.awaitExit(Duration.ofMinutes(4)))
        .as("demo exit code:%n%s", demo.tail())
        .isZero();
    List<String> console =
        demo.logText().lines().flatMap(l -> java.util.Arrays.stream(l.split("\r"))).toList();
    assertThat(console)
        .as("the console of a healthy run")
        .noneMatch(l -> l.contains(" WARN ") || l.contains(" ERROR ") || l.contains("Exception"));
    assertThat(console)
        .anyMatch(l -> l.startsWith("log file: " + out.resolve("gainstream.log") + " "));
    assertThat(console)
        .as("gainstream's own lines stay")
        .anyMatch(l -> l.contains("INFO  LabelJob - labelled 60 images"));
    String file = Files.readString(out.resolve("gainstream.log"));
    assertThat(console.stream().filter(l -> l.contains(" labels with release 1: ")))
        .as("a release is said once on the console, however many tasks swap to it")
        .hasSize(1);
    assertThat(file.lines().filter(l -> l.contains(" labels with release 1: ")))
        .as("and once per task in the file")
        .hasSizeGreaterThan(1);
    assertThat(file)
        .as("the broker's lines are in the file")
        .contains("kafka.server.")
        .contains("org.apache.kafka.streams.");
  }
}
