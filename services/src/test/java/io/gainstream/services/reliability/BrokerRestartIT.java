package io.gainstream.services.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gainstream.model.synthetic.SyntheticDataset;
import io.gainstream.services.kafka.EmbeddedKafka;
import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.services.kafka.TopicSetup;
import io.gainstream.services.pipeline.PipelineService;
import io.gainstream.services.trainer.TrainerOptions;
import io.gainstream.services.trainer.TrainerService;
import io.gainstream.topology.PipelineConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker stops and starts again on the same data directory mid-stream: the pipeline and the
 * trainer recover by themselves, every image is labelled once, and the trainer keeps releasing.
 * Always the embedded broker: the test needs to stop it and start it on the same directory.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class BrokerRestartIT {
  /** How long the broker is away. */
  private static final Duration OUTAGE = Duration.ofSeconds(5);

  @TempDir Path tmp;

  @Test
  void shouldRecoverPipelineAndTrainerAfterABrokerRestartWithNothingLost() throws Exception {
    Path data = tmp.resolve("kafka");
    EmbeddedKafka broker = EmbeddedKafka.start(data);
    KafkaConnection k = KafkaConnection.of(broker.bootstrapServers());
    // 0.3 of 150 images: enough samples for the trainer to hold 8 out and train on twice as many
    java.util.Map<String, Object> settings = Fixture.settings("restart.");
    settings.put(PipelineConfig.SAMPLE_RATE_CONFIG, 0.3);
    PipelineConfig c = new PipelineConfig(settings);
    TopicSetup.ensure(k, c, 2);
    Fixture.publishRelease(k, c, 1);
    List<SyntheticDataset.Sample> samples = Fixture.samples(30, 51);
    Set<String> ids = new LinkedHashSet<>();
    TrainerOptions topts = Fixture.trainer(c, 15, 0, tmp.resolve("checkpoints"), "restart-trainer");
    TrainerService trainer = new TrainerService(k, topts, s -> {});
    Thread trainerThread = new Thread(trainer, "trainer");
    try (PipelineService p =
        new PipelineService(
                k, c, new PipelineService.Options("restart-app", tmp.resolve("state"), 1))
            .start(Duration.ofMinutes(1))) {
      trainerThread.start();
      try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(k.producer())) {
        for (int i = 0; i < 150; i++) {
          Fixture.publishImage(producer, c, samples, "before-", i, ids);
        }
      }
      awaitSamples(k, c.trainingSamplesTopic());
      awaitRelease(trainer, 2);
      broker.close();
      long versionAtStop = trainer.publishedVersion();
      // the scenario, not a wait for a condition: the broker stays away several times the clients'
      // longest reconnect backoff (1 s by default), so every client sees the outage
      Thread.sleep(OUTAGE.toMillis());
      broker = EmbeddedKafka.start(data);
      assertThat(broker.bootstrapServers())
          .as("same address after the restart")
          .isEqualTo(k.bootstrapServers());
      try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(k.producer())) {
        for (int i = 0; i < 150; i++) {
          Fixture.publishImage(producer, c, samples, "after-", i, ids);
        }
      }
      Fixture.Ledger l = Fixture.ledger(k, c, ids, Duration.ofMinutes(3));
      awaitRelease(trainer, versionAtStop + 2);
      System.out.printf(
          "RELIABILITY broker-restart: in=%d labelled=%d dead-lettered=%d lost=%d doubled=%d trainer-versions=%d->%d%n",
          ids.size(),
          ids.stream().filter(id -> l.labelled(id) > 0).count(),
          ids.stream().filter(id -> l.dead(id) > 0).count(),
          l.missing(ids).size(),
          l.doubled(ids).size(),
          versionAtStop,
          trainer.publishedVersion());
      assertThat(l.missing(ids)).isEmpty();
      assertThat(l.doubled(ids)).isEmpty();
      assertThat(l.deadLetters).isEmpty();
      assertThat(trainer.failure()).isEmpty();
      assertThat(p.state().isRunningOrRebalancing()).isTrue();
    } finally {
      trainer.close();
      trainerThread.join(60_000);
      broker.close();
    }
  }

  private static void awaitSamples(KafkaConnection k, String topic) {
    try (Admin admin = k.admin()) {
      await("training samples on " + topic)
          .atMost(Duration.ofMinutes(1))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> endOffsets(admin, topic) > 0);
    }
  }

  /** Sum of the end offsets of {@code topic}'s partitions. */
  private static long endOffsets(Admin admin, String topic) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (var p :
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()) {
      latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
    }
    long total = 0;
    for (var offset : admin.listOffsets(latest).all().get().values()) {
      total += offset.offset();
    }
    return total;
  }

  private static void awaitRelease(TrainerService trainer, long version) {
    await("release " + version + " from the trainer")
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              if (trainer.failure().isPresent()) {
                throw new AssertionError("trainer failed", trainer.failure().get());
              }
              return trainer.publishedVersion() >= version;
            });
  }
}
