package io.gainstream.services.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.gainstream.model.synthetic.SyntheticDataset;
import io.gainstream.services.kafka.BrokerExtension;
import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.services.kafka.TopicSetup;
import io.gainstream.services.pipeline.PipelineService;
import io.gainstream.topology.PipelineConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Releases published while images flow: no image fails or is lost, every image is labelled once,
 * and the model version on the output never goes back within a partition.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class HotSwapIT {
  @TempDir static Path tmp;
  @RegisterExtension static final BrokerExtension kafka = new BrokerExtension();

  private static void send(
      KafkaProducer<String, byte[]> producer,
      PipelineConfig c,
      List<SyntheticDataset.Sample> samples,
      int i,
      Set<String> ids)
      throws InterruptedException {
    Fixture.publishImage(producer, c, samples, "img-", i, ids);
    Thread.sleep(5);
  }

  @Test
  void shouldSwapReleasesUnderLoadWithoutLossAndWithMonotonicVersionsPerPartition()
      throws Exception {
    PipelineConfig c = Fixture.config("swap.");
    KafkaConnection k = kafka.connection();
    TopicSetup.ensure(k, c, 2);
    Fixture.publishRelease(k, c, 1);
    List<SyntheticDataset.Sample> samples = Fixture.samples(30, 31);
    Set<String> ids = new LinkedHashSet<>();
    try (PipelineService p =
            new PipelineService(
                    k, c, new PipelineService.Options("swap-app", tmp.resolve("state"), 2))
                .start(Duration.ofMinutes(1));
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(k.producer())) {
      int i = 0;
      for (long release = 2; release <= 5; release++) {
        // 80 images, then a release, then images until the stage has swapped to it: every swap
        // happens under load, and the test does not depend on how fast the swap is
        for (int j = 0; j < 80; j++, i++) {
          send(producer, c, samples, i, ids);
        }
        Fixture.publishRelease(k, c, release);
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (p.metrics().snapshot().modelVersion() < release) {
          assertThat(System.nanoTime())
              .as("swap to release %d under load", release)
              .isLessThan(until);
          send(producer, c, samples, i++, ids);
        }
      }
      for (int j = 0; j < 40; j++, i++) {
        send(producer, c, samples, i, ids);
      }
      int n = i;
      Fixture.Ledger l = Fixture.ledger(k, c, ids, Duration.ofMinutes(3));
      TreeSet<Long> versions = new TreeSet<>();
      l.versionsByPartition.values().forEach(versions::addAll);
      System.out.printf(
          "RELIABILITY hot-swap: in=%d labelled=%d dead-lettered=%d lost=%d doubled=%d versions=%s%n",
          n,
          ids.stream().filter(id -> l.labelled(id) > 0).count(),
          ids.stream().filter(id -> l.dead(id) > 0).count(),
          l.missing(ids).size(),
          l.doubled(ids).size(),
          versions);
      assertThat(l.missing(ids)).isEmpty();
      assertThat(l.doubled(ids)).isEmpty();
      assertThat(l.deadLetters).as("no image fails during a swap").isEmpty();
      assertThat(versions)
          .as("every release was swapped in while images flowed")
          .containsExactly(1L, 2L, 3L, 4L, 5L);
      l.versionsByPartition.forEach(
          (partition, seen) ->
              assertThat(seen).as("versions on partition %d", partition).isSorted());
      assertThat(p.metrics().snapshot().modelVersion())
          .as("the stage ends on the newest release")
          .isEqualTo(5L);
    }
  }
}
