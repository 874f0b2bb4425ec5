package io.gainstream.topology;

import io.gainstream.proto.v1.IndexedImage;
import io.gainstream.proto.v1.PendingImage;
import io.gainstream.topology.internals.AttentionProcessor;
import io.gainstream.topology.internals.ModelReleaseUpdater;
import io.gainstream.topology.internals.ModelSessions;
import io.gainstream.topology.internals.ThresholdProcessor;
import io.gainstream.topology.internals.TransactionBudget;
import io.gainstream.topology.internals.ValidateProcessor;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The labelling pipeline as a pure function of its config.
 *
 * <pre>
 * images ─▶ validate-images ─┬─▶ attention-stage ─▶ threshold-stage ─▶ proxy-labels
 *                            ├─▶ training-samples (sampled)
 *                            └─▶ dead-letters ◀─ (attention-stage, threshold-stage)
 * models ─▶ models-updater ─▶ [models-store, global] ─ read by attention-stage
 * </pre>
 *
 * Input topics: {@code images}, {@code models}. Output topics: {@code proxy-labels}, {@code
 * training-samples}, {@code dead-letters}. Stores: {@code attention-buffer} (changelogged
 * micro-batch buffer), {@code models-store} (global, newest release per model name), and while
 * re-labelling is on ({@code gainstream.relabel.enabled}) {@code relabel-images} (each valid
 * image's encoded bytes, written by validate-images) and {@code label-versions} (the release of
 * each image's newest label, written by attention-stage), both changelogged.
 */
public final class PipelineTopology {
  public static final String IMAGES_SOURCE = "images-source";
  public static final String VALIDATE = "validate-images";
  public static final String ATTENTION = "attention-stage";
  public static final String THRESHOLD = "threshold-stage";
  public static final String PROXY_LABELS_SINK = "proxy-labels-sink";
  public static final String TRAINING_SAMPLES_SINK = "training-samples-sink";
  public static final String DEAD_LETTERS_SINK = "dead-letters-sink";
  public static final String BUFFER_STORE = "attention-buffer";
  public static final String RELABEL_IMAGES_STORE = "relabel-images";
  public static final String LABEL_VERSIONS_STORE = "label-versions";
  public static final String MODELS_STORE = "models-store";
  public static final String MODELS_SOURCE = "models-source";
  public static final String MODELS_UPDATER = "models-updater";

  private PipelineTopology() {}

  public static Topology build(PipelineConfig config) {
    return build(config, new PipelineMetrics());
  }

  /**
   * The topology a service runs: releases open in the process's shared sessions, so the instances
   * of one process share each release's ONNX Runtime session.
   *
   * @param metrics counters the processors update
   */
  public static Topology build(PipelineConfig config, PipelineMetrics metrics) {
    return build(config, ModelSessions.shared(), metrics);
  }

  /**
   * @param sessions where the attention stage opens releases (one ONNX Runtime session per release
   *     and process)
   * @param metrics counters the processors update
   */
  public static Topology build(
      PipelineConfig config, ModelSessions sessions, PipelineMetrics metrics) {
    Topics t = Topics.of(config);
    TransactionBudget budget = new TransactionBudget(config, metrics);
    boolean relabel = config.relabelEnabled();
    String index = relabel ? RELABEL_IMAGES_STORE : null;
    String versions = relabel ? LABEL_VERSIONS_STORE : null;
    Topology topology = new Topology();
    topology.addSource(
        IMAGES_SOURCE,
        t.images().keySerde().deserializer(),
        t.images().valueSerde().deserializer(),
        t.images().name());
    topology.addProcessor(
        VALIDATE,
        () ->
            new ValidateProcessor(
                config,
                MODELS_STORE,
                index,
                ATTENTION,
                TRAINING_SAMPLES_SINK,
                DEAD_LETTERS_SINK,
                metrics),
        IMAGES_SOURCE);
    topology.addProcessor(
        ATTENTION,
        () ->
            new AttentionProcessor(
                config,
                BUFFER_STORE,
                index,
                versions,
                MODELS_STORE,
                THRESHOLD,
                DEAD_LETTERS_SINK,
                sessions,
                metrics,
                budget),
        VALIDATE);
    topology.addStateStore(bufferStore(), ATTENTION);
    if (relabel) {
      topology.addStateStore(
          Stores.keyValueStoreBuilder(
                  Stores.persistentKeyValueStore(RELABEL_IMAGES_STORE),
                  Serdes.String(),
                  ProtoSerde.of(IndexedImage.parser()))
              .withCachingEnabled(),
          VALIDATE,
          ATTENTION);
      topology.addStateStore(
          Stores.keyValueStoreBuilder(
                  Stores.persistentKeyValueStore(LABEL_VERSIONS_STORE),
                  Serdes.String(),
                  Serdes.Long())
              .withCachingEnabled(),
          ATTENTION);
    }
    topology.addProcessor(
        THRESHOLD,
        () -> new ThresholdProcessor(config, PROXY_LABELS_SINK, DEAD_LETTERS_SINK, metrics),
        ATTENTION);
    topology.addSink(
        PROXY_LABELS_SINK,
        t.proxyLabels().name(),
        t.proxyLabels().keySerde().serializer(),
        t.proxyLabels().valueSerde().serializer(),
        THRESHOLD);
    topology.addSink(
        TRAINING_SAMPLES_SINK,
        t.trainingSamples().name(),
        t.trainingSamples().keySerde().serializer(),
        t.trainingSamples().valueSerde().serializer(),
        VALIDATE);
    topology.addSink(
        DEAD_LETTERS_SINK,
        t.deadLetters().name(),
        t.deadLetters().keySerde().serializer(),
        t.deadLetters().valueSerde().serializer(),
        VALIDATE,
        ATTENTION,
        THRESHOLD);
    topology.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(MODELS_STORE),
                Serdes.String(),
                t.models().valueSerde())
            .withLoggingDisabled(),
        MODELS_SOURCE,
        t.models().keySerde().deserializer(),
        t.models().valueSerde().deserializer(),
        t.models().name(),
        MODELS_UPDATER,
        () -> new ModelReleaseUpdater(MODELS_STORE));
    return topology;
  }

  private static StoreBuilder<KeyValueStore<String, PendingImage>> bufferStore() {
    // Cached: an image put and deleted within one commit interval (the usual case) never reaches
    // RocksDB or the changelog with its pixels, only as a tombstone; whatever is still buffered at
    // a commit is flushed to both in the same transaction, so exactly-once holds.
    return Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(BUFFER_STORE),
            Serdes.String(),
            ProtoSerde.of(PendingImage.parser()))
        .withCachingEnabled();
  }
}
