package io.gainstream.services.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gainstream.model.synthetic.SyntheticDataset;
import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.services.kafka.Replication;
import io.gainstream.services.kafka.TopicSetup;
import io.gainstream.services.pipeline.PipelineService;
import io.gainstream.services.trainer.TrainerService;
import io.gainstream.topology.PipelineConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline (two stream threads) and the trainer on a cluster of three brokers ({@link
 * LocalCluster}) with replication 3 and two replicas in sync: a broker is lost mid-stream, then the
 * one that coordinates the pipeline's transactions, a release is published while one is down, and
 * nothing is lost or doubled. With two of three down the pipeline stops, loses nothing, and goes on
 * when one returns.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ClusterFailoverIT {
  @TempDir static Path tmp;
  static LocalCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = new LocalCluster(tmp.resolve("cluster")).start();
  }

  @BeforeEach
  void wholeCluster() throws Exception {
    cluster.heal();
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void shouldLabelEveryImageOnceThroughTheLossOfALeaderAndOfTheTransactionCoordinator()
      throws Exception {
    Map<String, Object> settings = Fixture.settings("failover.");
    PipelineConfig c = new PipelineConfig(settings);
    KafkaConnection k = cluster.connection();
    Replication r = TopicSetup.ensure(k, c, 4);
    assertThat(r).isEqualTo(new Replication((short) 3, 2));
    Fixture.publishRelease(k, c, 1);
    List<SyntheticDataset.Sample> samples = Fixture.samples(40, 61);
    Set<String> ids = ConcurrentHashMap.newKeySet();
    TrainerService trainer =
        new TrainerService(
            k, Fixture.trainer(c, 60, 0, tmp.resolve("checkpoints"), "failover-trainer"), s -> {});
    Thread trainerThread = new Thread(trainer, "trainer");
    AtomicBoolean publishing = new AtomicBoolean(true);
    try (PipelineService p =
            new PipelineService(
                    k, c, new PipelineService.Options("failover-app", tmp.resolve("state"), 2))
                .start(Duration.ofMinutes(1));
        Admin admin = k.admin()) {
      trainerThread.start();
      Thread publisher =
          new Thread(
              () -> {
                try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(k.producer())) {
                  for (int i = 0; publishing.get(); i++) {
                    Fixture.publishImage(producer, c, samples, "img-", i, ids);
                    Thread.sleep(25);
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "publisher");
      publisher.start();
      await("labels flowing").atMost(Duration.ofMinutes(2)).until(() -> ids.size() >= 150);

      int leader = LocalCluster.leaderOfMost(admin, List.of(c.imagesTopic(), c.proxyLabelsTopic()));
      long leaderGapMs = killAndTimeTheNextLabel(k, c, leader);
      assertThat(TopicSetup.replication(k, c))
          .as("a service started while a broker is down counts it")
          .isEqualTo(r);
      long before = trainer.publishedVersion();
      // the broker stays down until the trainer's next release (60 steps: seconds on a quiet
      // machine, over a minute on a loaded one)
      await("a release published while broker " + leader + " is down")
          .atMost(Duration.ofMinutes(5))
          .until(() -> trainer.publishedVersion() > before);
      long releasedWhileDown = trainer.publishedVersion();
      cluster.restart(leader);

      int coordinator = LocalCluster.coordinatorOf(admin, "failover-app");
      long coordinatorGapMs = killAndTimeTheNextLabel(k, c, coordinator);
      Thread.sleep(5_000); // the pipeline works on with the coordinator moved
      cluster.restart(coordinator);

      publishing.set(false);
      publisher.join();
      trainer.close();
      trainerThread.join(Duration.ofMinutes(2).toMillis());
      long newest = trainer.publishedVersion();
      Fixture.Ledger l =
          Fixture.ledger(
              k,
              c,
              Duration.ofMinutes(4),
              x -> x.on(ids, newest) == ids.size(),
              Duration.ofSeconds(3));
      System.out.printf(
          "RELIABILITY cluster-failover: brokers=3 replication=3 min-isr=2 in=%d labelled=%d lost=%d doubled=%d dead-lettered=%d"
              + " on-newest-release=%d killed-leader=%d next-label-after-ms=%d released-while-down=v%d"
              + " killed-coordinator=%d next-label-after-ms=%d newest=v%d%n",
          ids.size(),
          ids.stream().filter(id -> l.labelled(id) > 0).count(),
          l.missing(ids).size(),
          l.doubled(ids).size(),
          l.deadLetters.size(),
          l.on(ids, newest),
          leader,
          leaderGapMs,
          releasedWhileDown,
          coordinator,
          coordinatorGapMs,
          newest);
      assertThat(trainer.failure()).isEmpty();
      assertThat(p.failure()).isEmpty();
      assertThat(l.missing(ids)).as("images with no label").isEmpty();
      assertThat(l.doubled(ids)).as("images with two labels of one release").isEmpty();
      assertThat(l.deadLetters).as("dead letters").isEmpty();
      assertThat(l.on(ids, newest)).as("labelled by the newest release").isEqualTo(ids.size());
    } finally {
      publishing.set(false);
      trainer.close();
    }
  }

  @Test
  void shouldStopWithoutLosingAnythingWhileTwoBrokersAreDownAndGoOnWhenOneReturns()
      throws Exception {
    Map<String, Object> settings = Fixture.settings("quorum.");
    PipelineConfig c = new PipelineConfig(settings);
    KafkaConnection k = cluster.connection();
    TopicSetup.ensure(k, c, 4);
    Fixture.publishRelease(k, c, 1);
    List<SyntheticDataset.Sample> samples = Fixture.samples(40, 62);
    Set<String> ids = ConcurrentHashMap.newKeySet();
    try (PipelineService p =
            new PipelineService(
                    k, c, new PipelineService.Options("quorum-app", tmp.resolve("state2"), 2))
                .start(Duration.ofMinutes(1));
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(k.producer())) {
      for (int i = 0; i < 100; i++) {
        Fixture.publishImage(producer, c, samples, "first-", i, ids);
      }
      Fixture.Ledger first = Fixture.ledger(k, c, Set.copyOf(ids), Duration.ofMinutes(2));
      assertThat(first.missing(ids)).isEmpty();

      // sent while two of three are down: acks=all with two in sync cannot complete, so the
      // producer holds them (and retries) instead of losing them
      Set<String> later = ConcurrentHashMap.newKeySet();
      Thread publisher =
          new Thread(
              () -> {
                for (int i = 0; i < 50; i++) {
                  Fixture.publishImage(producer, c, samples, "later-", i, later);
                }
              },
              "publisher");
      // the scenario: the cluster stays without a quorum for 20 s while images are sent
      long labelledWhileDown =
          labelsDuring(
              k,
              c,
              () -> {
                cluster.kill(1);
                cluster.kill(2);
                publisher.start();
              },
              Duration.ofSeconds(20));
      cluster.restart(2);
      publisher.join(Duration.ofMinutes(3).toMillis());
      ids.addAll(later);
      Fixture.Ledger l = Fixture.ledger(k, c, Set.copyOf(ids), Duration.ofMinutes(4));
      System.out.printf(
          "RELIABILITY cluster-quorum-lost: brokers-down=2 of 3 for 20 s, labels while down=%d; after one returned: in=%d labelled=%d lost=%d doubled=%d dead-lettered=%d%n",
          labelledWhileDown,
          ids.size(),
          ids.stream().filter(id -> l.labelled(id) > 0).count(),
          l.missing(ids).size(),
          l.doubled(ids).size(),
          l.deadLetters.size());
      assertThat(labelledWhileDown).as("labels committed without a quorum").isZero();
      assertThat(later).hasSize(50);
      assertThat(l.missing(ids)).as("images with no label").isEmpty();
      assertThat(l.doubled(ids)).as("images with two labels of one release").isEmpty();
      assertThat(l.deadLetters).as("dead letters").isEmpty();
      assertThat(p.failure()).isEmpty();
    }
  }

  /**
   * Kills node {@code id} and returns the milliseconds until the next label is committed
   * (read_committed, from the end of {@code proxy-labels} at the kill).
   */
  private static long killAndTimeTheNextLabel(KafkaConnection k, PipelineConfig c, int id)
      throws Exception {
    try (KafkaConsumer<String, byte[]> consumer = atTheEndOfTheLabels(k, c)) {
      long t0 = System.nanoTime();
      cluster.kill(id);
      long deadline = t0 + Duration.ofMinutes(3).toNanos();
      while (System.nanoTime() < deadline) {
        if (!consumer.poll(Duration.ofMillis(100)).isEmpty()) {
          return (System.nanoTime() - t0) / 1_000_000;
        }
      }
      throw new AssertionError("no label within 3 minutes of killing broker " + id);
    }
  }

  /** What a step of the scenario may throw. */
  interface Step {
    void run() throws Exception;
  }

  /**
   * Labels committed on {@code proxy-labels} (read_committed) in the {@code window} that starts
   * with {@code step}.
   */
  private static long labelsDuring(KafkaConnection k, PipelineConfig c, Step step, Duration window)
      throws Exception {
    try (KafkaConsumer<String, byte[]> consumer = atTheEndOfTheLabels(k, c)) {
      step.run();
      long n = 0;
      long deadline = System.nanoTime() + window.toNanos();
      while (System.nanoTime() < deadline) {
        n += consumer.poll(Duration.ofMillis(200)).count();
      }
      return n;
    }
  }

  /**
   * A read_committed consumer of every {@code proxy-labels} partition, positioned at its end now.
   */
  private static KafkaConsumer<String, byte[]> atTheEndOfTheLabels(
      KafkaConnection k, PipelineConfig c) {
    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(k.consumer(null));
    List<TopicPartition> parts = new ArrayList<>();
    consumer
        .partitionsFor(c.proxyLabelsTopic(), Duration.ofSeconds(30))
        .forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
    consumer.assign(parts);
    consumer.seekToEnd(parts);
    parts.forEach(consumer::position); // resolves the end now, before the scenario's next step
    return consumer;
  }
}
