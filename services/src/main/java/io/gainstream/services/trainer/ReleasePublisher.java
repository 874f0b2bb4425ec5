package io.gainstream.services.trainer;

import com.google.protobuf.ByteString;
import io.gainstream.model.labels.ProxyLabels;
import io.gainstream.model.onnx.ModelInfo;
import io.gainstream.model.onnx.OnnxExporter;
import io.gainstream.model.release.LabelRecipe;
import io.gainstream.model.train.CollapseGuard;
import io.gainstream.model.train.GainTrainer;
import io.gainstream.model.train.HeldOutSplit;
import io.gainstream.model.train.Method;
import io.gainstream.model.train.ReleaseGate;
import io.gainstream.model.train.Validation;
import io.gainstream.proto.v1.ModelRelease;
import io.gainstream.topology.Topics;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the trainer's current weights into a release: one last collapse check, validation on the
 * held-out images, the fallback to the warm-up classifier when mined weights validate worse, the
 * gate's decision, and for a release that passes: the ONNX export with its metadata (figures,
 * held-out split, labelling recipe), the checkpoint, then the models topic. A held-back release is
 * logged and counted and takes no version.
 */
final class ReleasePublisher {
  private static final Logger LOG = LoggerFactory.getLogger(ReleasePublisher.class);

  /**
   * Where training stands when a release is made.
   *
   * @param loss training loss, moving average
   * @param accuracy training accuracy, moving average
   * @param buffered samples in the replay buffer
   * @param split the held-out split the weights were trained under
   * @param resumedMining whether this run resumed a release that was already mining (there is no
   *     warm-up classifier of this run to fall back to)
   */
  record Progress(
      float loss, float accuracy, int buffered, HeldOutSplit.Split split, boolean resumedMining) {}

  private final TrainerOptions o;
  private final TrainerStatus status;
  private final KafkaProducer<String, ModelRelease> producer;

  ReleasePublisher(
      TrainerOptions o, TrainerStatus status, KafkaProducer<String, ModelRelease> producer) {
    this.o = o;
    this.status = status;
    this.producer = producer;
  }

  /** What a trainer's releases name for their labels (the built-in network's or a backbone's). */
  static LabelRecipe.Named named(TrainerOptions o) {
    return o.backbone() == null ? LabelRecipe.Named.BUILT_IN : LabelRecipe.Named.BACKBONE;
  }

  /** Thresholds a trainer's releases are validated with: those they name, else the default. */
  static ProxyLabels.Thresholds thresholds(TrainerOptions o) {
    return named(o).thresholdsOrDefault();
  }

  /**
   * Validates the current weights (after one last collapse check, so collapsed weights are rolled
   * back before anyone sees them) and publishes them as {@code version + 1} if the gate lets them
   * through.
   *
   * @return the newest published version
   */
  long release(
      GainTrainer trainer,
      CollapseGuard guard,
      ReplayBuffer heldOut,
      long version,
      Progress progress) {
    guard.checkNow();
    status.rollbacks = guard.rollbacks();
    status.releasedWarmUp = guard.atWarmUp();
    // the release is the moving average of the mined weights when averaging is on: validate and
    // publish that, then train on from the last step's weights
    Validation.Figures f;
    try (GainTrainer.AveragedWeights averaged = trainer.useAveragedWeights()) {
      f =
          heldOut.size() >= o.guarding().guard().minImages()
              ? Validation.evaluate(trainer, heldOut.all(), thresholds(o))
              : null;
      if (fallBackReason(trainer, guard, heldOut, f, progress.resumedMining()) == null) {
        return publish(trainer, version, progress, f);
      }
    }
    // the mined weights validate worse than the classifier they started from: that classifier is
    // the release, and training goes on from it with a gentler alpha
    trainer.restore(guard.warmedUp(), trainer.alpha() / 2);
    guard.fellBack(trainer.steps());
    status.rollbacks = guard.rollbacks();
    status.fallbacks++;
    Validation.Figures warm = Validation.evaluate(trainer, heldOut.all(), thresholds(o));
    LOG.warn(
        "{} fell back to its warm-up classifier at step {}: {}",
        o.settings().method().id(),
        trainer.steps(),
        status.lastFallbackReason);
    return publish(trainer, version, progress, warm);
  }

  /**
   * Why the release's weights (figures {@code f}) are worse than the warm-up classifier's on the
   * same held-out images, or null when they are not, or there is no warm-up classifier to compare
   * with (no mining yet, or no validation), or they are the warm-up classifier's (a rollback put
   * them back).
   */
  private String fallBackReason(
      GainTrainer trainer,
      CollapseGuard guard,
      ReplayBuffer heldOut,
      Validation.Figures f,
      boolean resumedMining) {
    if (f == null
        || guard.warmedUp() == null
        || guard.atWarmUp()
        || !o.settings().method().mines()
        || resumedMining) {
      // no warm-up classifier to compare with: none yet, or this run resumed mid-mining
      return null;
    }
    Validation.Figures warm;
    try (GainTrainer.AveragedWeights swap = trainer.swapIn(guard.warmedUp())) {
      warm = Validation.evaluate(trainer, heldOut.all(), thresholds(o));
    }
    // "match or beat": worse by more than one held-out image's worth
    String why = CollapseGuard.worseThan(warm, f, 1e-9);
    if (why == null
        && o.backbone() != null
        && o.settings().method() != Method.GAIN_EXT
        && !f.hasPixels()) {
      // photos: the label-free measures cannot tell attention on the object from attention on the
      // scenery that gives the class away (docs/QUALITY.md), so mined weights need pixel evidence
      why = CollapseGuard.NO_PIXEL_EVIDENCE;
    }
    if (why != null) {
      status.lastFallbackReason = why;
    }
    return why;
  }

  /**
   * The gate's decision on {@code figures}, then the current weights published as {@code version +
   * 1}, or held back (counted, no version taken); returns the newest published version.
   */
  private long publish(
      GainTrainer trainer, long published, Progress progress, Validation.Figures figures) {
    ReleaseGate.Decision d = o.guarding().gate().decide(figures, status.publishedFigures);
    if (!d.publish()) {
      status.heldBack++;
      status.lastHoldReason = d.reason();
      LOG.warn(
          "held back {} release at step {}: {}{}",
          o.modelName(),
          trainer.steps(),
          d.reason(),
          figures == null ? "" : " (" + figures.summary() + ")");
      return published;
    }
    long version = published + 1;
    Map<String, String> extra = new HashMap<>(ResumePoint.toExtra(progress.split()));
    extra.put("loss", Float.toString(progress.loss()));
    extra.put("accuracy", Float.toString(progress.accuracy()));
    if (figures != null) {
      figures.metrics().forEach((k, v) -> extra.put(k, Double.toString(v)));
    }
    if (trainer.averaging()) {
      extra.put("weight_average_decay", Float.toString(o.settings().averaging()));
    }
    extra.putAll(named(o).toExtra());
    byte[] onnx =
        OnnxExporter.export(
            trainer.network(),
            new ModelInfo(
                o.spec().withInputSize(o.labelSize()),
                o.classes(),
                o.settings().method().id(),
                version,
                trainer.steps(),
                trainer.miningActive(),
                extra));
    o.checkpoints().write(version, onnx);
    ModelRelease.Builder release =
        ModelRelease.newBuilder()
            .setName(o.modelName())
            .setVersion(version)
            .setOnnx(ByteString.copyFrom(onnx))
            .addAllClasses(o.classes())
            .setInputHeight(o.labelSize())
            .setInputWidth(o.labelSize())
            .setMethod(o.settings().method().id())
            .setStep(trainer.steps())
            .putMetrics("loss", progress.loss())
            .putMetrics("accuracy", progress.accuracy())
            .putMetrics("replay_buffer", progress.buffered())
            .putMetrics("rollbacks", status.rollbacks)
            .setCreatedMs(System.currentTimeMillis());
    if (figures != null) {
      release.putAllMetrics(figures.metrics());
    }
    try {
      producer.send(Topics.models(o.modelsTopic()).record(o.modelName(), release.build())).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing release " + version, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot publish release " + version + ": " + e.getCause().getMessage(), e.getCause());
    }
    status.publishedVersion = version;
    status.publishedFigures = figures;
    LOG.info(
        "published {} release {} at step {} (loss {}, training accuracy {}; validation: {})",
        o.modelName(),
        version,
        trainer.steps(),
        progress.loss(),
        progress.accuracy(),
        figures == null ? "none" : figures.summary());
    return version;
  }
}
