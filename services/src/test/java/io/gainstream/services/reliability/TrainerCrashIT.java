package io.gainstream.services.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gainstream.model.synthetic.SyntheticDataset;
import io.gainstream.proto.v1.ModelRelease;
import io.gainstream.services.kafka.BrokerExtension;
import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.services.kafka.TopicSetup;
import io.gainstream.topology.PipelineConfig;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of the trainer process mid-training, its newest checkpoint truncated, then a
 * restart: the truncated checkpoint is detected and skipped with a log line, training resumes from
 * the newest intact release, and versions never go back.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class TrainerCrashIT {
  @TempDir static Path tmp;
  @RegisterExtension static final BrokerExtension kafka = new BrokerExtension();

  private static List<ModelRelease> releases(KafkaConnection k, String topic) throws Exception {
    List<ModelRelease> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(k.consumer(null))) {
      List<TopicPartition> parts =
          c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          out.add(ModelRelease.parseFrom(r.value()));
        }
      }
    }
    return out;
  }

  private static List<ModelRelease> awaitReleases(KafkaConnection k, String topic, int count)
      throws Exception {
    return await(count + " releases on " + topic)
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(300))
        .until(() -> releases(k, topic), r -> r.size() >= count);
  }

  @Test
  void shouldSkipATruncatedCheckpointAndResumeWithoutGoingBackAfterAKill9() throws Exception {
    Map<String, Object> settings = Fixture.settings("trainer.");
    PipelineConfig c = new PipelineConfig(settings);
    KafkaConnection k = kafka.connection();
    TopicSetup.ensure(k, c, 1);
    try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(k.producer())) {
      int i = 0;
      for (SyntheticDataset.Sample s : Fixture.samples(70, 61)) {
        Fixture.send(
            p, c.trainingSamplesTopic(), "s-" + i, Fixture.event(s, "s-" + i).toByteArray());
        i++;
      }
    }
    Path work = Files.createDirectories(tmp.resolve("trainer"));
    List<String> args =
        new ArrayList<>(
            PipelineCrashIT.pipelineArgs(kafka.bootstrapServers(), settings, work, "unused", 1));
    // same cluster, classes and topics as a pipeline; the trainer's own options instead of the
    // pipeline's
    int app = args.indexOf("--application-id");
    args.subList(app, app + 4).clear();
    args.set(0, "trainer");
    args.addAll(List.of("--method", "cam", "--release-every", "10", "--max-steps", "0"));

    List<ModelRelease> before;
    String firstLog;
    try (ChildJvm first = ChildJvm.start(work.resolve("first.log"), args)) {
      before = awaitReleases(k, c.modelsTopic(), 3);
      first.kill9();
      firstLog = first.logText();
    }
    before = releases(k, c.modelsTopic());
    long lastVersion = before.get(before.size() - 1).getVersion();
    long lastStep = before.get(before.size() - 1).getStep();
    Path checkpoints = work.resolve("work").resolve("checkpoints").resolve(c.modelName());
    Path newest;
    assertThat(checkpoints).as("checkpoint folder; trainer log:%n%s", firstLog).isDirectory();
    try (Stream<Path> files = Files.list(checkpoints)) {
      newest =
          files
              .filter(f -> f.getFileName().toString().endsWith(".onnx"))
              .max(Comparator.naturalOrder())
              .orElseThrow();
    }
    try (FileChannel ch = FileChannel.open(newest, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() / 2);
    }

    try (ChildJvm second = ChildJvm.start(work.resolve("second.log"), args)) {
      second.awaitLog(
          "published " + c.modelName() + " release " + (lastVersion + 1), Duration.ofMinutes(3));
      String log = second.logText();
      List<ModelRelease> after = releases(k, c.modelsTopic());
      List<Long> versions = after.stream().map(ModelRelease::getVersion).toList();
      ModelRelease firstNew = after.get(before.size());
      System.out.printf(
          "RELIABILITY trainer-crash: releases-before=%d last=v%d@step%d truncated=%s resumed-first=v%d@step%d%n",
          before.size(),
          lastVersion,
          lastStep,
          newest.getFileName(),
          firstNew.getVersion(),
          firstNew.getStep());
      assertThat(log).contains("skipping checkpoint " + newest).contains("checksum mismatch");
      assertThat(log).contains("resumed from release");
      assertThat(versions).as("versions never go back").isSorted().doesNotHaveDuplicates();
      assertThat(firstNew.getVersion()).isEqualTo(lastVersion + 1);
      assertThat(firstNew.getStep())
          .as("training resumed, not restarted from step 0")
          .isGreaterThan(lastStep - 10);
    }
  }
}
