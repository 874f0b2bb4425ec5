package io.gainstream.model.train;

/**
 * Hyper-parameters of a training run. Defaults follow the GAIN paper and its public
 * re-implementations (see docs/PAPERS): σ = 0.5, ω = 10, α = 1, ω_e = 10.
 *
 * @param method cam, gain, gain-ext, abn or seenet
 * @param sigma soft-mask threshold σ in {@code T(A) = sigmoid(ω(A − σ))}
 * @param omega soft-mask scale ω
 * @param alpha weight α of the attention-mining loss
 * @param omegaExt weight ω_e of the pixel-label loss (gain-ext)
 * @param warmupSteps classification-only steps before attention mining may start
 * @param miningStartAccuracy attention mining starts only once classification has converged: the
 *     running exact-match training accuracy reaches this level, or it has not improved by 3 points
 *     for 300 steps (a classifier that plateaus lower). Either way it never switches on while the
 *     classifier is still learning the objects (the collapse PAPERS describes)
 * @param learningRate Adam learning rate
 * @param weightDecay Adam weight decay
 * @param batchSize images per step
 * @param seed seed of weights, sampling and augmentation: the same seed gives the same run, except
 *     for GAIN on an imported backbone, which does not always repeat ({@link TrainingThreads})
 * @param averaging decay of the exponential moving average of the weights kept while attention
 *     mining runs, which releases publish instead of the last step's weights (0: off). Mining on a
 *     pretrained backbone is chaotic on a small set: a rounding difference early in a run moved its
 *     labels by up to 10 points (docs/QUALITY.md). An average over the last ~1/(1−decay) steps is a
 *     point in the middle of where the run wandered, not wherever its last step fell
 * @param cutout share of training photos (under a backbone) that get one black rectangle, so that a
 *     black patch alone is no evidence that a class is absent (0: off). GAIN's erased stream blacks
 *     out what is attended; without cutout a fine-tuned backbone can drive the erased score to zero
 *     by telling black patches apart instead of moving its attention (docs/QUALITY.md, the
 *     erased-stream shortcut)
 */
public record GainSettings(
    Method method,
    float sigma,
    float omega,
    float alpha,
    float omegaExt,
    int warmupSteps,
    float miningStartAccuracy,
    float learningRate,
    float weightDecay,
    int batchSize,
    long seed,
    float averaging,
    float cutout) {

  public GainSettings {
    if (method == null) {
      throw new IllegalArgumentException("method is required");
    }
    requireRange("sigma", sigma, 0, 1);
    requireRange("omega", omega, 0, 1000);
    requireRange("alpha", alpha, 0, 1000);
    requireRange("omegaExt", omegaExt, 0, 1000);
    requireRange("miningStartAccuracy", miningStartAccuracy, 0, 1);
    if (warmupSteps < 0) {
      throw new IllegalArgumentException("warmupSteps must be >= 0, got " + warmupSteps);
    }
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("learningRate must be > 0, got " + learningRate);
    }
    requireRange("weightDecay", weightDecay, 0, 1);
    if (!(averaging >= 0 && averaging < 1)) {
      throw new IllegalArgumentException("averaging must be in [0, 1), got " + averaging);
    }
    if (!(cutout >= 0 && cutout <= 1)) {
      throw new IllegalArgumentException("cutout must be in [0, 1], got " + cutout);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
  }

  /** The paper's defaults for a method. */
  public static GainSettings defaults(Method method) {
    return new GainSettings(method, 0.5f, 10f, 1f, 10f, 300, 0.8f, 1e-3f, 1e-4f, 16, 42L, 0f, 0f);
  }

  public GainSettings withMethod(Method m) {
    return new GainSettings(
        m,
        sigma,
        omega,
        alpha,
        omegaExt,
        warmupSteps,
        miningStartAccuracy,
        learningRate,
        weightDecay,
        batchSize,
        seed,
        averaging,
        cutout);
  }

  public GainSettings withSeed(long s) {
    return new GainSettings(
        method,
        sigma,
        omega,
        alpha,
        omegaExt,
        warmupSteps,
        miningStartAccuracy,
        learningRate,
        weightDecay,
        batchSize,
        s,
        averaging,
        cutout);
  }

  public GainSettings withBatchSize(int b) {
    return new GainSettings(
        method,
        sigma,
        omega,
        alpha,
        omegaExt,
        warmupSteps,
        miningStartAccuracy,
        learningRate,
        weightDecay,
        b,
        seed,
        averaging,
        cutout);
  }

  public GainSettings withMining(float a, float s, float o) {
    return new GainSettings(
        method,
        s,
        o,
        a,
        omegaExt,
        warmupSteps,
        miningStartAccuracy,
        learningRate,
        weightDecay,
        batchSize,
        seed,
        averaging,
        cutout);
  }

  public GainSettings withWarmup(int steps, float startAccuracy) {
    return new GainSettings(
        method,
        sigma,
        omega,
        alpha,
        omegaExt,
        steps,
        startAccuracy,
        learningRate,
        weightDecay,
        batchSize,
        seed,
        averaging,
        cutout);
  }

  /** The same run, releasing the moving average of the mined weights ({@code 0}: off). */
  public GainSettings withAveraging(float decay) {
    return new GainSettings(
        method,
        sigma,
        omega,
        alpha,
        omegaExt,
        warmupSteps,
        miningStartAccuracy,
        learningRate,
        weightDecay,
        batchSize,
        seed,
        decay,
        cutout);
  }

  /** The same run with cutout on this share of training photos ({@code 0}: off). */
  public GainSettings withCutout(float share) {
    return new GainSettings(
        method,
        sigma,
        omega,
        alpha,
        omegaExt,
        warmupSteps,
        miningStartAccuracy,
        learningRate,
        weightDecay,
        batchSize,
        seed,
        averaging,
        share);
  }

  private static void requireRange(String name, float v, float lo, float hi) {
    if (!(v >= lo && v <= hi)) {
      throw new IllegalArgumentException(name + " must be in [" + lo + ", " + hi + "], got " + v);
    }
  }
}
