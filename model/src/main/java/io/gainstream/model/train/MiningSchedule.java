package io.gainstream.model.train;

/**
 * When self-guided attention mining switches on: after the warm-up steps, once classification has
 * converged (its training accuracy, a moving average, reaches {@link
 * GainSettings#miningStartAccuracy} or has not risen by 3 points for {@link #PLATEAU_STEPS} steps),
 * and not while it is held ({@link #hold}). Mining erases what the classifier attends to, so it
 * needs a classifier that attends to something; once on it stays on.
 */
final class MiningSchedule {
  private static final float ACCURACY_EMA = 0.05f;

  /**
   * Classification has stopped improving for this many steps: it has converged as far as it will.
   */
  static final int PLATEAU_STEPS = 300;

  private final GainSettings settings;
  private float accuracyEma;

  /** Whether a step has updated the weights yet (the first one seeds the accuracy average). */
  private boolean seeded;

  private float bestAccuracyEma;
  private long bestAccuracyStep;
  private boolean active;

  /** Why mining may not start yet, or null when it may. */
  private String held;

  MiningSchedule(GainSettings settings) {
    this.settings = settings;
  }

  boolean active() {
    return active;
  }

  /** A resumed run: mining is on when the release it resumed was mining (and the method mines). */
  void resume(boolean mining) {
    active = mining && settings.method().mines();
  }

  void hold(String reason) {
    held = reason;
  }

  /** Why mining is held off, or null when it is not (or is on already). */
  String held() {
    return active ? null : held;
  }

  /** After a step that updated the weights with this batch accuracy. */
  void afterStep(long step, float accuracy) {
    accuracyEma = !seeded ? accuracy : accuracyEma + ACCURACY_EMA * (accuracy - accuracyEma);
    seeded = true;
    if (accuracyEma > bestAccuracyEma + 0.03f) {
      bestAccuracyEma = accuracyEma;
      bestAccuracyStep = step;
    }
    boolean converged =
        accuracyEma >= settings.miningStartAccuracy() || step - bestAccuracyStep >= PLATEAU_STEPS;
    if (!active
        && held == null
        && settings.method().mines()
        && step >= settings.warmupSteps()
        && converged) {
      active = true;
    }
  }
}
