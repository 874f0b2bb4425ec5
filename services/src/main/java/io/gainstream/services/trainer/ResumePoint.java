package io.gainstream.services.trainer;

import com.google.protobuf.InvalidProtocolBufferException;
import io.gainstream.model.onnx.ModelInfo;
import io.gainstream.model.onnx.OnnxImporter;
import io.gainstream.model.train.GainTrainer;
import io.gainstream.model.train.HeldOutSplit;
import io.gainstream.model.train.Validation;
import io.gainstream.proto.v1.ModelRelease;
import io.gainstream.services.kafka.KafkaConnection;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a trainer starts: the newest release on the models topic or the newest intact checkpoint,
 * whichever is newer (versions never go back), else the saved model it was given ({@code trainer
 * --init}), else scratch. A resumed release also brings back its validation figures (the gate
 * compares the next release with them) and the held-out split its weights were trained under (so
 * that no image it trained on is used to validate it), which releases carry in their metadata.
 */
final class ResumePoint {
  private static final Logger LOG = LoggerFactory.getLogger(ResumePoint.class);

  /** Release metadata: the held-out hash band and the images held out beside it. */
  static final String HELD_OUT_SHARE = "held_out_share";

  static final String HELD_OUT_EXTRA = "held_out_extra";
  static final String HELD_OUT_KEPT = "held_out_kept";

  /**
   * What the trainer resumed from.
   *
   * @param version the newest version there is (0: none), the next release is one more
   * @param figures its validation figures, or null
   * @param split the split its weights were trained under, or null when it names none
   */
  record Resumed(long version, Validation.Figures figures, HeldOutSplit.Split split) {}

  private ResumePoint() {}

  /** Loads the newest release or checkpoint (or the given one) into the trainer. */
  static Resumed load(GainTrainer trainer, KafkaConnection kafka, TrainerOptions o) {
    Optional<ModelRelease> onTopic = newestRelease(kafka, o.modelsTopic(), o.modelName());
    Optional<Checkpoints.Checkpoint> onDisk = o.checkpoints().newest();
    long topicVersion = onTopic.map(ModelRelease::getVersion).orElse(0L);
    long diskVersion = onDisk.map(Checkpoints.Checkpoint::version).orElse(0L);
    byte[] onnx = null;
    if (diskVersion > topicVersion) {
      onnx = onDisk.get().onnx();
    } else if (topicVersion > 0) {
      onnx = onTopic.get().getOnnx().toByteArray();
    }
    long version = Math.max(topicVersion, diskVersion);
    if (onnx == null && o.init() != null) {
      // an explicit starting point: a file that does not fit this trainer is an error, not a silent
      // fresh start
      ModelInfo info = OnnxImporter.load(o.init(), trainer.network());
      trainer.resumeAt(info.steps(), info.miningActive());
      LOG.info(
          "starting from the given release ({} {} at step {}); first release of this stack: 1",
          info.method(),
          info.version(),
          info.steps());
    } else if (onnx != null) {
      try {
        ModelInfo info = OnnxImporter.load(onnx, trainer.network());
        trainer.resumeAt(info.steps(), info.miningActive());
        LOG.info("resumed from release {} at step {}", info.version(), info.steps());
        return new Resumed(
            version,
            Validation.Figures.fromMetrics(figures(info.extra())),
            split(info.extra(), o.guarding().heldOutShare()));
      } catch (RuntimeException e) {
        LOG.warn(
            "cannot resume from release {} ({}); training from scratch, next version {}",
            version,
            e.getMessage(),
            version + 1);
      }
    }
    return new Resumed(version, null, null);
  }

  /** A split as release metadata. */
  static Map<String, String> toExtra(HeldOutSplit.Split split) {
    return Map.of(
        HELD_OUT_SHARE, Double.toString(split.share()),
        HELD_OUT_EXTRA, String.join("\n", new TreeSet<>(split.extra())),
        HELD_OUT_KEPT, String.join("\n", new TreeSet<>(split.kept())));
  }

  /**
   * The split a release was trained under, at least {@code share} wide; null if it names none or
   * none this build can read (the configured share then applies).
   */
  private static HeldOutSplit.Split split(Map<String, String> extra, double share) {
    String named = extra.get(HELD_OUT_SHARE);
    if (named == null) {
      return null;
    }
    try {
      return new HeldOutSplit.Split(
          Math.max(share, Double.parseDouble(named)),
          ids(extra.get(HELD_OUT_EXTRA)),
          ids(extra.get(HELD_OUT_KEPT)));
    } catch (IllegalArgumentException e) {
      LOG.warn("the resumed release names an unreadable held-out split ({})", e.getMessage());
      return null;
    }
  }

  private static Set<String> ids(String joined) {
    return joined == null || joined.isEmpty()
        ? Set.of()
        : new HashSet<>(Arrays.asList(joined.split("\n")));
  }

  /** The numeric entries of release metadata: its figures (seeds and names are skipped). */
  private static Map<String, Double> figures(Map<String, String> extra) {
    Map<String, Double> m = new HashMap<>();
    extra.forEach(
        (k, v) -> {
          try {
            m.put(k, Double.parseDouble(v));
          } catch (NumberFormatException e) {
            // not a figure (seeds, names)
          }
        });
    return m;
  }

  private static Optional<ModelRelease> newestRelease(
      KafkaConnection kafka, String topic, String modelName) {
    Map<String, Object> props = kafka.consumer(null);
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props)) {
      List<TopicPartition> parts =
          c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      ModelRelease best = null;
      while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
          if (!modelName.equals(r.key()) || r.value() == null) {
            continue;
          }
          try {
            ModelRelease m = ModelRelease.parseFrom(r.value());
            if (best == null || m.getVersion() > best.getVersion()) {
              best = m;
            }
          } catch (InvalidProtocolBufferException e) {
            LOG.warn("skipping unreadable release at offset {}", r.offset());
          }
        }
      }
      return Optional.ofNullable(best);
    }
  }
}
