package io.gainstream.services.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gainstream.proto.v1.ProxyLabel;
import io.gainstream.services.kafka.BrokerExtension;
import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.services.kafka.TopicSetup;
import io.gainstream.topology.PipelineConfig;
import io.gainstream.topology.Topic;
import io.gainstream.topology.Topics;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Collecting labels waits as long as they keep coming: a slow labelling stage (a mask model on a
 * CPU takes seconds a photo) is no reason to give up, only silence is.
 */
class LabelExporterIT {
  @RegisterExtension static final BrokerExtension kafka = new BrokerExtension();

  private static PipelineConfig config(String prefix) {
    return new PipelineConfig(
        Map.of(
            PipelineConfig.CLASSES_CONFIG, "cat",
            PipelineConfig.IMAGES_TOPIC_CONFIG, prefix + "images",
            PipelineConfig.MODELS_TOPIC_CONFIG, prefix + "models",
            PipelineConfig.PROXY_LABELS_TOPIC_CONFIG, prefix + "proxy-labels",
            PipelineConfig.TRAINING_SAMPLES_TOPIC_CONFIG, prefix + "training-samples",
            PipelineConfig.DEAD_LETTERS_TOPIC_CONFIG, prefix + "dead-letters"));
  }

  private static LabelExporter.Collected collect(
      KafkaConnection k, PipelineConfig c, Set<String> ids, Duration idle) {
    return LabelExporter.collect(
        k,
        c.proxyLabelsTopic(),
        c.deadLettersTopic(),
        ids,
        1,
        0,
        idle,
        n -> {},
        t -> {},
        LabelExporter.Watch.NONE);
  }

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void shouldKeepCollectingPastTheIdleLimitWhileLabelsKeepComing() throws Exception {
    PipelineConfig c = config("slow.");
    KafkaConnection k = kafka.connection();
    TopicSetup.ensure(k, c, 1);
    Set<String> ids = new LinkedHashSet<>();
    for (int i = 0; i < 8; i++) {
      ids.add("img-" + i);
    }
    Topic<String, ProxyLabel> labels = Topics.of(c).proxyLabels();
    Thread slow =
        new Thread(
            () -> {
              try (KafkaProducer<String, ProxyLabel> p = labels.producer(k.producer())) {
                for (String id : ids) {
                  Thread.sleep(500); // 4 s in all, one label every half second
                  p.send(
                          labels.record(
                              id,
                              ProxyLabel.newBuilder().setImageId(id).setModelVersion(1).build()))
                      .get();
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    long t0 = System.nanoTime();
    slow.start();
    LabelExporter.Collected got = collect(k, c, ids, Duration.ofSeconds(2));
    slow.join();
    assertThat(got.labels()).containsOnlyKeys(ids);
    assertThat(System.nanoTime() - t0)
        .as("longer in all than the idle limit")
        .isGreaterThan(Duration.ofSeconds(3).toNanos());
  }

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void shouldGiveUpAfterTheIdleLimitWithoutALabel() {
    PipelineConfig c = config("silent.");
    KafkaConnection k = kafka.connection();
    TopicSetup.ensure(k, c, 1);
    assertThatThrownBy(() -> collect(k, c, Set.of("never"), Duration.ofSeconds(2)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no label or dead letter for PT2S: 0 of 1 images done");
  }
}
