package io.gainstream.services.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.gainstream.model.synthetic.SyntheticDataset;
import io.gainstream.services.io.LabelledFolder;
import io.gainstream.services.io.Manifest;
import io.gainstream.services.kafka.SharedBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The services as the README runs them: {@code pipeline}, {@code trainer}, {@code publish} and
 * {@code export} as separate processes on one {@code --work-dir} and no {@code
 * --bootstrap-servers}. The first starts the work directory's broker, the others join it, every
 * image ends up labelled, and the broker outlives the process that started it.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SharedBrokerIT {
  @TempDir Path tmp;

  @Test
  void shouldLabelEveryImageWithTheServicesAsSeparateProcessesOnOneWorkDirectory()
      throws Exception {
    Path work = tmp.resolve("work");
    List<SyntheticDataset.Sample> samples =
        // 200 images at the default sample rate, as the README's workflow: the trainer starts on
        // the few samples that arrive and must still validate what it publishes (issue 29)
        SyntheticDataset.generate(new SyntheticDataset.Spec(3, 64, 200, 0.3, false, 0.9, 5));
    LabelledFolder.Written set =
        LabelledFolder.write(
            tmp.resolve("set"), SyntheticDataset.classNames(3), samples, x -> false);
    List<String> common =
        List.of("--classes", set.classesFile().toString(), "--work-dir", work.toString());
    try (ChildJvm pipeline =
            ChildJvm.start(
                    tmp.resolve("pipeline.log"),
                    args(List.of("pipeline", "--metrics-port", "-1"), common))
                .awaitLog("pipeline running", Duration.ofMinutes(3));
        ChildJvm trainer =
            ChildJvm.start(
                    tmp.resolve("trainer.log"),
                    args(
                        List.of(
                            "trainer",
                            "--method",
                            "cam",
                            "--release-every",
                            "60",
                            "--max-steps",
                            "60",
                            "--min-map",
                            "0",
                            "--metrics-port",
                            "-1"),
                        common))
                .awaitLog("trainer running", Duration.ofMinutes(3))) {
      assertThat(trainer.logText())
          .as("the trainer joined the broker the pipeline started")
          .contains("joining the embedded broker");
      ChildJvm publish =
          ChildJvm.start(
              tmp.resolve("publish.log"),
              List.of(
                  "publish",
                  "--images",
                  set.images().toString(),
                  "--labels",
                  set.labelsCsv().toString(),
                  "--work-dir",
                  work.toString()));
      assertThat(publish.awaitExit(Duration.ofMinutes(3)))
          .as("publish exit code:%n%s", publish.tail())
          .isZero();
      trainer.awaitLog("trainer stopped at release 1", Duration.ofMinutes(4));

      List<Manifest.Row> rows = List.of();
      for (int i = 0;
          i < 30
              && !(rows.size() == samples.size()
                  && rows.stream().allMatch(r -> r.modelVersion() == 1));
          i++) {
        rows = export(tmp.resolve("export-" + i), set, work);
      }
      assertThat(rows)
          .as("every image labelled by release 1")
          .hasSize(samples.size())
          .allSatisfy(r -> assertThat(r.modelVersion()).isEqualTo(1));

      String bootstrap = SharedBroker.running(work.resolve("kafka")).orElseThrow().bootstrap();
      List<io.gainstream.proto.v1.ModelRelease> releases = releases(bootstrap);
      assertThat(releases)
          .as("every release the trainer published carries its validation")
          .isNotEmpty()
          .allSatisfy(
              r ->
                  assertThat(r.getMetricsMap())
                      .containsKeys("val_exact_match", "val_map", "val_erased_drop")
                      .hasEntrySatisfying(
                          "val_images", n -> assertThat(n).isGreaterThanOrEqualTo(8)));

      pipeline.close(); // the process that started the broker stops: the others keep their broker
      assertThat(export(tmp.resolve("export-after"), set, work)).hasSize(samples.size());
    } finally {
      ChildJvm.start(
              tmp.resolve("stop.log"), List.of("broker", "--stop", "--work-dir", work.toString()))
          .awaitExit(Duration.ofMinutes(2));
    }
    assertThat(SharedBroker.running(work.resolve("kafka"))).as("the broker stopped").isEmpty();
  }

  /** Every release on the models topic. */
  private static List<io.gainstream.proto.v1.ModelRelease> releases(String bootstrap)
      throws Exception {
    List<io.gainstream.proto.v1.ModelRelease> out = new ArrayList<>();
    io.gainstream.services.kafka.KafkaConnection k =
        io.gainstream.services.kafka.KafkaConnection.of(bootstrap, null);
    try (var c =
        new org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]>(k.consumer(null))) {
      var parts =
          c.partitionsFor("models", Duration.ofSeconds(30)).stream()
              .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      var end = c.endOffsets(parts);
      while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
        for (var r : c.poll(Duration.ofMillis(200))) {
          out.add(io.gainstream.proto.v1.ModelRelease.parseFrom(r.value()));
        }
      }
    }
    return out;
  }

  private static List<String> args(List<String> command, List<String> common) {
    List<String> a = new ArrayList<>(command);
    a.addAll(common);
    return a;
  }

  /** One {@code export} process; its manifest's rows. */
  private static List<Manifest.Row> export(Path out, LabelledFolder.Written set, Path work)
      throws Exception {
    ChildJvm e =
        ChildJvm.start(
            out.resolveSibling(out.getFileName() + ".log"),
            List.of(
                "export",
                "--classes",
                set.classesFile().toString(),
                "--out",
                out.toString(),
                "--work-dir",
                work.toString()));
    assertThat(e.awaitExit(Duration.ofMinutes(2))).as("export exit code:%n%s", e.tail()).isZero();
    return Files.exists(out.resolve(Manifest.FILE))
        ? Manifest.read(out.resolve(Manifest.FILE))
        : List.of();
  }
}
