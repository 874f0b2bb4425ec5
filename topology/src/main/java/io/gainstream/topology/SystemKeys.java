package io.gainstream.topology;

import static io.gainstream.topology.PipelineConfig.*;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The keys of {@link PipelineConfig} about the machines gainstream runs on: how large an input may
 * be, how ONNX Runtime runs, and how the topics it creates are replicated. The key names stay on
 * {@code PipelineConfig}.
 */
final class SystemKeys {
  private static final String MAX_IMAGE_BYTES_DOC =
      "Largest encoded image accepted; larger ones are dead-lettered.";
  private static final String MAX_IMAGE_PIXELS_DOC =
      "Largest width × height accepted, checked from the header before decoding.";
  private static final String ORT_PROVIDER_DOC =
      "ONNX Runtime execution provider: cpu, or cuda (CPU fallback with a warning).";
  private static final String ORT_INTRA_THREADS_DOC =
      "ONNX Runtime intra-op threads (0 = the pipeline service gives each session cores / stream threads).";
  private static final String ORT_INTER_THREADS_DOC =
      "ONNX Runtime inter-op threads (0 = ONNX Runtime decides).";
  private static final String REPLICATION_FACTOR_DOC =
      "Replication factor of the topics gainstream creates (its five and Kafka Streams' internal ones). 0: what the "
          + "cluster offers, 3 on three brokers or more, else one per broker (1 on the embedded broker). Existing topics "
          + "with fewer replicas are left as they are, with one warning each.";
  private static final String MIN_INSYNC_REPLICAS_DOC =
      "min.insync.replicas of the topics gainstream creates: how many replicas must have a write before it counts "
          + "(every producer uses acks=all). 0: 2 when the factor is 3 or more, else 1. With 3 and 2 one broker may "
          + "be lost without stopping or losing anything; with two lost, writes stop until one returns.";

  private SystemKeys() {}

  static ConfigDef define(ConfigDef d) {
    return d.define(
            MAX_IMAGE_BYTES_CONFIG,
            Type.LONG,
            16L << 20,
            Range.atLeast(1),
            Importance.MEDIUM,
            MAX_IMAGE_BYTES_DOC)
        .define(
            MAX_IMAGE_PIXELS_CONFIG,
            Type.LONG,
            40_000_000L,
            Range.atLeast(1),
            Importance.MEDIUM,
            MAX_IMAGE_PIXELS_DOC)
        .define(
            ORT_PROVIDER_CONFIG,
            Type.STRING,
            "cpu",
            ConfigDef.ValidString.in("cpu", "cuda"),
            Importance.MEDIUM,
            ORT_PROVIDER_DOC)
        .define(
            ORT_INTRA_THREADS_CONFIG,
            Type.INT,
            0,
            Range.atLeast(0),
            Importance.LOW,
            ORT_INTRA_THREADS_DOC)
        .define(
            ORT_INTER_THREADS_CONFIG,
            Type.INT,
            1,
            Range.atLeast(0),
            Importance.LOW,
            ORT_INTER_THREADS_DOC)
        .define(
            REPLICATION_FACTOR_CONFIG,
            Type.INT,
            0,
            Range.between(0, 32),
            Importance.MEDIUM,
            REPLICATION_FACTOR_DOC)
        .define(
            MIN_INSYNC_REPLICAS_CONFIG,
            Type.INT,
            0,
            Range.between(0, 32),
            Importance.MEDIUM,
            MIN_INSYNC_REPLICAS_DOC);
  }
}
