package io.gainstream.services.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.gainstream.model.synthetic.SyntheticDataset;
import io.gainstream.services.kafka.EmbeddedKafka;
import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.services.kafka.TopicSetup;
import io.gainstream.services.pipeline.PipelineService;
import io.gainstream.services.trainer.TrainerService;
import io.gainstream.topology.PipelineConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
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
    TopicSetup.ensure(k, c, 2, (short) 1);
    Fixture.publishRelease(k, c, 1);
    List<SyntheticDataset.Sample> samples = Fixture.samples(30, 51);
    Set<String> ids = new LinkedHashSet<>();
    TrainerService.Options topts =
        Fixture.trainer(c, 15, 0, tmp.resolve("checkpoints"), "restart-trainer");
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
      Thread.sleep(5000);
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

  private static void awaitSamples(KafkaConnection k, String topic) throws InterruptedException {
    try (org.apache.kafka.clients.admin.Admin admin = k.admin()) {
      long until = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      while (System.nanoTime() < until) {
        var parts =
            admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
        long total = 0;
        for (var p : parts) {
          total +=
              admin
                  .listOffsets(
                      java.util.Map.of(
                          new org.apache.kafka.common.TopicPartition(topic, p.partition()),
                          org.apache.kafka.clients.admin.OffsetSpec.latest()))
                  .all()
                  .get()
                  .values()
                  .iterator()
                  .next()
                  .offset();
        }
        System.out.println("samples on " + topic + ": " + total);
        if (total > 0) {
          return;
        }
        Thread.sleep(1000);
      }
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e);
    }
    throw new AssertionError("no training samples were written");
  }

  private static void awaitRelease(TrainerService trainer, long version)
      throws InterruptedException {
    long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (trainer.publishedVersion() < version) {
      if (trainer.failure().isPresent()) {
        throw new AssertionError("trainer failed", trainer.failure().get());
      }
      if (System.nanoTime() > until) {
        throw new AssertionError(
            "trainer stuck at release " + trainer.publishedVersion() + ", waiting for " + version);
      }
      Thread.sleep(200);
    }
  }
}
