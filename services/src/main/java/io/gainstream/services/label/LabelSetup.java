package io.gainstream.services.label;

import io.gainstream.model.input.ClassCatalog;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.onnx.ModelInfo;
import io.gainstream.model.train.GainSettings;
import io.gainstream.services.kafka.EmbeddedKafka;
import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.services.kafka.SharedBroker;
import io.gainstream.services.trainer.Checkpoints;
import io.gainstream.services.trainer.TrainerOptions;
import io.gainstream.topology.PipelineConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a {@link LabelJob} sets up before anything runs: which broker it talks to, the pipeline's
 * settings and the trainer's options, each derived from the request alone.
 */
final class LabelSetup {
  private LabelSetup() {}

  /**
   * The broker of a run and, when the run started it, its handle (to stop at the end).
   *
   * @param broker the embedded broker this run started, or null
   */
  record Connection(KafkaConnection kafka, EmbeddedKafka broker) {}

  /**
   * The user's cluster when given; else the broker the services of this work directory already run
   * (a second one on the same data and ports would fail); else an embedded one of its own.
   */
  static Connection connect(LabelJob.Request r, Path work) throws IOException {
    if (r.bootstrap() != null) {
      return new Connection(KafkaConnection.of(r.bootstrap(), r.clientConfig()), null);
    }
    Optional<SharedBroker.Ready> shared = SharedBroker.running(work.resolve("kafka"));
    if (shared.isPresent()) {
      return new Connection(KafkaConnection.of(shared.get().bootstrap(), r.clientConfig()), null);
    }
    EmbeddedKafka broker = EmbeddedKafka.start(work.resolve("kafka"));
    return new Connection(KafkaConnection.of(broker.bootstrapServers(), r.clientConfig()), broker);
  }

  /**
   * The pipeline's settings: the user's, with this run's classes, model name and every sample kept;
   * the pipeline resizes once, at validation, to the size the release labels at (a saved release's
   * own).
   */
  static PipelineConfig pipeline(
      LabelJob.Request r, ClassCatalog classes, String run, ModelInfo saved) {
    Map<String, Object> c = new HashMap<>(r.settings());
    c.put(PipelineConfig.CLASSES_CONFIG, String.join(",", classes.names()));
    c.put(PipelineConfig.MODEL_NAME_CONFIG, "label-" + run);
    c.put(PipelineConfig.SAMPLE_RATE_CONFIG, 1.0);
    c.put(
        PipelineConfig.INPUT_SIZE_CONFIG, saved == null ? r.labelSize() : saved.spec().inputSize());
    if (r.refine() != null) {
      c.put(PipelineConfig.REFINE_CONFIG, r.refine());
    }
    if (r.ttaScales() != null) {
      c.put(PipelineConfig.TTA_SCALES_CONFIG, r.ttaScales());
    }
    if (r.bootstrap() == null) {
      // an embedded broker allows 15 min (transaction.max.timeout.ms); a user's cluster may not
      patientTransactions(c);
    }
    return new PipelineConfig(c);
  }

  /** The trainer's options for a run over {@code images} images. */
  static TrainerOptions trainer(
      LabelJob.Request r,
      ClassCatalog classes,
      PipelineConfig config,
      int images,
      Path work,
      String run) {
    NetworkSpec spec =
        r.backbone() == null
            ? new NetworkSpec(
                r.inputSize(),
                NetworkSpec.defaults(classes.size()).width(),
                NetworkSpec.defaults(classes.size()).depth(),
                classes.size())
            : NetworkSpec.forBackbone(r.inputSize(), classes.size());
    GainSettings settings = GainSettings.defaults(r.method()).withSeed(r.seed());
    if (r.backbone() != null) {
      // pretrained features classify within a few dozen steps; a short run keeps a quarter for
      // warm-up, not 300 of 400
      settings =
          settings.withWarmup(
              Math.min(settings.warmupSteps(), r.trainSteps() / 4), settings.miningStartAccuracy());
    }
    settings = settings.withAveraging(r.averaging()).withCutout(r.cutout());
    // one release, at the end of a bounded run that starts once every image has been sampled
    return TrainerOptions.builder(config, classes.names(), spec, settings)
        .releaseEvery(r.trainSteps())
        .maxSteps(r.trainSteps())
        .replayCapacity(Math.max(1000, images))
        .startAfter(images, 3000)
        .checkpoints(new Checkpoints(work.resolve("checkpoints-" + run)))
        .groupId("gainstream-trainer-" + run)
        .guarding(r.guarding())
        .backbone(r.backbone())
        .labelSize(r.labelSize())
        .build();
  }

  /** How long one of {@code label}'s transactions may stay open (5 min). */
  static final long TRANSACTION_TIMEOUT_MS = 300_000;

  /** The work per transaction {@code label} sizes its batches to: the pipeline's default 15 s. */
  static final long BATCH_BUDGET_MS = 15_000;

  /**
   * Unless the user set any of the transaction's timings: batches sized to the pipeline's usual 15
   * s of work, but a transaction allowed 5 min before the broker aborts it. Why: {@code label} is
   * one process whose labels nobody reads before it ends, so a long-open transaction holds no
   * reader back, while a single photo that outlasts the timeout ends the run (one line, exit 1).
   * With a mask model a photo costs 7 to 10 s on two cores; on 2026-12-06 one took over 60 s on a
   * machine loaded with three more JVMs, and a 283-photo run died at 60 % after 50 minutes.
   */
  static void patientTransactions(Map<String, Object> settings) {
    if (settings.containsKey(PipelineConfig.TRANSACTION_TIMEOUT_MS_CONFIG)
        || settings.containsKey(PipelineConfig.BATCH_BUDGET_MS_CONFIG)
        || settings.containsKey(PipelineConfig.MAX_POLL_INTERVAL_MS_CONFIG)) {
      return;
    }
    settings.put(PipelineConfig.TRANSACTION_TIMEOUT_MS_CONFIG, TRANSACTION_TIMEOUT_MS);
    settings.put(PipelineConfig.BATCH_BUDGET_MS_CONFIG, BATCH_BUDGET_MS);
  }
}
