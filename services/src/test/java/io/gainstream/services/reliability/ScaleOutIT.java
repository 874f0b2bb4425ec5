package io.gainstream.services.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gainstream.model.synthetic.SyntheticDataset;
import io.gainstream.services.kafka.BrokerExtension;
import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.services.kafka.TopicSetup;
import io.gainstream.services.pipeline.PipelineService;
import io.gainstream.topology.PipelineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two pipeline instances with one application id on a 4-partition images topic: both take work; one
 * is killed with {@code kill -9}; the other takes over its partitions; nothing is lost or doubled.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ScaleOutIT {
  @TempDir static Path tmp;
  @RegisterExtension static final BrokerExtension kafka = new BrokerExtension();

  private static void publish(
      KafkaProducer<String, byte[]> p,
      PipelineConfig c,
      List<SyntheticDataset.Sample> samples,
      int from,
      int to,
      Set<String> ids)
      throws InterruptedException {
    for (int i = from; i < to; i++) {
      Fixture.publishImage(p, c, samples, "img-", i, ids);
      Thread.sleep(5);
    }
  }

  @Test
  void shouldShareTheWorkBetweenTwoInstancesAndFailOverWhenOneIsKilled() throws Exception {
    Map<String, Object> settings = Fixture.settings("scale.");
    PipelineConfig c = new PipelineConfig(settings);
    KafkaConnection k = kafka.connection();
    TopicSetup.ensure(k, c, 4);
    Fixture.publishRelease(k, c, 1);
    Path work = Files.createDirectories(tmp.resolve("scale"));
    List<SyntheticDataset.Sample> samples = Fixture.samples(30, 41);
    Set<String> ids = new LinkedHashSet<>();
    KafkaConnection fastFailure =
        new KafkaConnection(k.bootstrapServers(), Map.of("session.timeout.ms", 10000));
    try (ChildJvm other =
            ChildJvm.start(
                work.resolve("other.log"),
                PipelineCrashIT.pipelineArgs(
                    kafka.bootstrapServers(), settings, work, "scale-app", 1));
        PipelineService local =
            new PipelineService(
                    fastFailure,
                    c,
                    new PipelineService.Options("scale-app", tmp.resolve("state"), 1))
                .start(Duration.ofMinutes(1));
        KafkaProducer<String, byte[]> p = new KafkaProducer<>(k.producer())) {
      other.awaitLog("pipeline running", Duration.ofMinutes(2));
      // both members must own partitions before the first half is published
      await("the second instance gets partitions")
          .atMost(Duration.ofMinutes(1))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> local.state() == KafkaStreams.State.RUNNING && local.assignedPartitions() < 4);
      publish(p, c, samples, 0, 200, ids);
      Fixture.Ledger half = Fixture.ledger(k, c, ids, Duration.ofMinutes(2));
      assertThat(half.missing(ids)).isEmpty();
      long localShare = local.metrics().snapshot().attended();
      assertThat(localShare)
          .as("this instance labelled part, the other the rest")
          .isBetween(1L, 199L);

      other.kill9();
      publish(p, c, samples, 200, 400, ids);
      Fixture.Ledger l = Fixture.ledger(k, c, ids, Duration.ofMinutes(4));
      long taken = local.metrics().snapshot().attended() - localShare;
      System.out.printf(
          "RELIABILITY scale-out: in=%d labelled=%d dead-lettered=%d lost=%d doubled=%d first-half-local=%d after-kill-local=%d%n",
          ids.size(),
          ids.stream().filter(id -> l.labelled(id) > 0).count(),
          ids.stream().filter(id -> l.dead(id) > 0).count(),
          l.missing(ids).size(),
          l.doubled(ids).size(),
          localShare,
          taken);
      assertThat(l.missing(ids)).isEmpty();
      assertThat(l.doubled(ids)).isEmpty();
      assertThat(taken)
          .as("the survivor labelled everything after the kill")
          .isGreaterThanOrEqualTo(200L);
    }
  }
}
