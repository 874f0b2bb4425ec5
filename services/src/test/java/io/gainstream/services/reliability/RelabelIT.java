package io.gainstream.services.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gainstream.model.synthetic.SyntheticDataset;
import io.gainstream.proto.v1.ProxyLabel;
import io.gainstream.services.kafka.BrokerExtension;
import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.services.kafka.TopicSetup;
import io.gainstream.services.pipeline.PipelineService;
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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's loop on a real broker: images are published once, the trainer publishes several
 * releases, and the pipeline brings every image's newest label on {@code proxy-labels}
 * (read_committed) to the last of them, while images published meanwhile are labelled as fast as
 * ever.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class RelabelIT {
  @TempDir static Path tmp;
  @RegisterExtension static final BrokerExtension kafka = new BrokerExtension();

  @Test
  void shouldBringEveryLabelToTheTrainersLastReleaseWhileNewImagesKeepTheirLatency()
      throws Exception {
    Map<String, Object> settings = Fixture.settings("relabel.");
    settings.put(PipelineConfig.SAMPLE_RATE_CONFIG, 1.0);
    // a tenth of the stage's time: re-labelling 300 images then lasts a few seconds, long enough
    // to publish new images into it
    settings.put(PipelineConfig.RELABEL_MAX_SHARE_CONFIG, 0.1);
    PipelineConfig c = new PipelineConfig(settings);
    KafkaConnection k = kafka.connection();
    TopicSetup.ensure(k, c, 2);
    List<SyntheticDataset.Sample> samples = Fixture.samples(60, 41);
    Set<String> ids = new LinkedHashSet<>();
    try (PipelineService p =
            new PipelineService(
                    k, c, new PipelineService.Options("relabel-app", tmp.resolve("state"), 2))
                .start(Duration.ofMinutes(1));
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(k.producer())) {
      for (int i = 0; i < 300; i++) {
        Fixture.publishImage(producer, c, samples, "img-", i, ids);
      }
      TrainerService trainer =
          new TrainerService(
              k,
              Fixture.trainer(c, 10, 30, tmp.resolve("checkpoints"), "relabel-trainer"),
              s -> {});
      trainer.run();
      assertThat(trainer.failure()).isEmpty();
      long last = trainer.publishedVersion();
      assertThat(last).as("promoted releases").isGreaterThanOrEqualTo(3);

      await("the stage swaps to release " + last)
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> p.metrics().snapshot().modelVersion() >= last);
      Set<String> fresh = new LinkedHashSet<>();
      Map<String, Long> sent = new HashMap<>();
      for (int i = 0; i < 8; i++) {
        sent.put("new-" + i, System.currentTimeMillis());
        Fixture.publishImage(producer, c, samples, "new-", i, fresh);
      }
      Set<String> all = new LinkedHashSet<>(ids);
      all.addAll(fresh);
      Fixture.Ledger l =
          Fixture.ledger(
              k,
              c,
              Duration.ofMinutes(3),
              x -> x.on(all, last) == all.size(),
              Duration.ofSeconds(3));

      long relabelledLast =
          ids.stream()
              .map(id -> l.labels.get(id).get(l.labels.get(id).size() - 1))
              .mapToLong(ProxyLabel::getLabelledMs)
              .max()
              .orElseThrow();
      long freshLast =
          fresh.stream()
              .mapToLong(id -> l.labels.get(id).get(0).getLabelledMs())
              .max()
              .orElseThrow();
      long worstLatency =
          fresh.stream()
              .mapToLong(id -> l.labels.get(id).get(0).getLabelledMs() - sent.get(id))
              .max()
              .orElseThrow();
      System.out.printf(
          "RELIABILITY relabel: images=%d releases=%d on-last=%d lost=%d doubled=%d relabelled=%d new-images-worst-latency-ms=%d relabel-ended-after-new-ms=%d%n",
          ids.size(),
          last,
          l.on(all, last),
          l.missing(all).size(),
          l.doubled(all).size(),
          p.metrics().relabelledTotal(),
          worstLatency,
          relabelledLast - freshLast);
      assertThat(l.on(all, last))
          .as("every newest label on release %d", last)
          .isEqualTo(all.size());
      assertThat(l.missing(all)).isEmpty();
      assertThat(l.doubled(all)).as("two labels of one release").isEmpty();
      assertThat(l.deadLetters).isEmpty();
      assertThat(fresh)
          .as("new images are labelled once, by the newest release")
          .allSatisfy(id -> assertThat(l.labels.get(id)).hasSize(1));
      assertThat(relabelledLast)
          .as("the new images were labelled while re-labelling still ran, not after it")
          .isGreaterThan(freshLast);
      // the fixture's stage sends a batch after at most 100 ms and commits every 200 ms: a new
      // image waiting behind 300 re-labelled ones (seconds at this share) would take far longer
      assertThat(worstLatency).as("latency of new images, ms").isLessThan(2_000);
      assertThat(p.metrics().relabelBacklog()).isZero();
    }
  }
}
