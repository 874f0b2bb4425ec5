package io.gainstream.services.trainer;

import io.gainstream.model.train.Validation;
import io.gainstream.services.http.HttpEndpoint;
import io.gainstream.services.http.Meters;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * What a running trainer reports: its progress, its releases and the guard's and gate's decisions.
 * The training thread alone writes it; other threads (tests, {@code label}, {@code /metrics}) read
 * it while training goes on, so every field is volatile.
 */
public final class TrainerStatus {
  volatile long publishedVersion = -1;
  volatile Throwable failure;
  volatile long steps;
  volatile float lastLoss = Float.NaN;
  volatile float lastAccuracy = Float.NaN;
  volatile int buffered;
  volatile boolean mining;
  volatile long heldBack;
  volatile long fallbacks;
  volatile String lastFallbackReason;
  volatile int rollbacks;
  volatile boolean releasedWarmUp;
  volatile String miningHeld;
  volatile Validation.Figures publishedFigures;
  volatile Validation.Figures miningBaseline;
  volatile String lastHoldReason;
  private Meters meters;

  /** Version of the last release this trainer published (−1 before the first). */
  public long publishedVersion() {
    return publishedVersion;
  }

  /** Validation figures of the newest release published (or resumed from); null if none. */
  public Validation.Figures publishedFigures() {
    return publishedFigures;
  }

  /** Collapses the guard rolled back. */
  public int rollbacks() {
    return rollbacks;
  }

  /**
   * Whether the newest release is the warm-up classifier because the guard rolled mining back to it
   * at the release's step.
   */
  public boolean releasedWarmUp() {
    return releasedWarmUp;
  }

  /**
   * Held-out figures when attention mining started (null before it, or without enough held-out
   * samples).
   */
  public Validation.Figures miningBaseline() {
    return miningBaseline;
  }

  /** Releases that fell back to the warm-up classifier. */
  public long fallbacks() {
    return fallbacks;
  }

  /** Why the newest fallback happened, or null if none did. */
  public String lastFallbackReason() {
    return lastFallbackReason;
  }

  /** Releases the gate held back. */
  public long heldBack() {
    return heldBack;
  }

  /** Why the newest release was held back, or null if none was. */
  public String lastHoldReason() {
    return lastHoldReason;
  }

  /** Whether attention mining is held off for want of held-out pixel labels, and why (or null). */
  public String miningHeld() {
    return miningHeld;
  }

  /** The error that stopped the training loop, if one did. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  /** The trainer's state in Prometheus' text format (the {@code /metrics} endpoint). */
  public synchronized HttpEndpoint.Body prometheus() {
    // made on the first scrape: only a trainer that serves /metrics binds the JVM's meters
    if (meters == null) {
      meters = meters();
    }
    return meters.scrape();
  }

  /** The trainer's figures for {@code /metrics}, read at each scrape. */
  private Meters meters() {
    return new Meters()
        .counter(
            "gainstream.trainer.steps",
            "Training steps taken (resumed count included).",
            () -> steps)
        .gauge("gainstream.trainer.loss", "Training loss, moving average.", () -> lastLoss)
        .gauge(
            "gainstream.trainer.accuracy",
            "Classification accuracy on training batches, moving average.",
            () -> lastAccuracy)
        .gauge("gainstream.trainer.replay.buffer", "Samples in the replay buffer.", () -> buffered)
        .gauge(
            "gainstream.trainer.mining",
            "1 once self-guided attention mining is on.",
            () -> mining ? 1 : 0)
        .gauge(
            "gainstream.model.version",
            "Newest release published (-1 before the first).",
            () -> publishedVersion)
        .gauge(
            "gainstream.trainer.failed",
            "1 if the training loop stopped on an error.",
            () -> failure == null ? 0 : 1)
        .counter(
            "gainstream.trainer.releases.held.back",
            "Releases the gate kept off the models topic.",
            () -> heldBack)
        .counter(
            "gainstream.trainer.rollbacks", "Collapses detected and rolled back.", () -> rollbacks)
        .gauge(
            "gainstream.model.validation.exact.match",
            "Held-out exact match of the newest published release.",
            () -> figure(Validation.Figures::exactMatch))
        .gauge(
            "gainstream.model.validation.map",
            "Held-out mAP of the newest published release.",
            () -> figure(Validation.Figures::meanAp))
        .gauge(
            "gainstream.model.validation.fg.miou",
            "Held-out foreground mIoU of the newest published release (NaN without pixel labels).",
            () -> figure(Validation.Figures::fgMiou));
  }

  private double figure(ToDoubleFunction<Validation.Figures> f) {
    Validation.Figures v = publishedFigures;
    return v == null ? Double.NaN : f.applyAsDouble(v);
  }
}
