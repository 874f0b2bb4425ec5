package io.gainstream.model.train;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * How many CPU threads PyTorch's operators use while a {@link GainTrainer} trains: the setting that
 * decides whether a seed repeats its run of attention mining on an imported backbone.
 *
 * <p>With an imported backbone, GAIN's attention mining back-propagates through the backbone twice
 * per step (the image and its erased copy). With two intra-op threads on this 2-core machine that
 * step is not bit-reproducible: the same seed gave 87 of 160 different label files after 60 steps
 * of {@code label --backbone}, and Adam's first updates, which follow the sign of each gradient,
 * turn the rounding differences into up to 10 points of foreground mIoU over a 400-step run
 * (docs/QUALITY.md). With one thread the same runs repeated byte for byte. The built-in network and
 * {@code cam} (one stream, no mining) repeat at any thread count. So the default is one thread for
 * {@code gain} and {@code gain-ext} on a backbone (their training about 1.5 times slower,
 * docs/MODEL-SPEED.md) and the engine's own count (every core) otherwise; a user who prefers speed
 * to repeatable labels names a count.
 *
 * <p>PyTorch's thread pool belongs to the process, so this is a process-wide setting: {@link #set}
 * is called once by the command that trains, before any trainer exists.
 */
public final class TrainingThreads {
  /** 0: the default for each network. */
  private static volatile int chosen;

  /**
   * The engine's own count (every core, or {@code ai.djl.pytorch.num_threads}), read before the
   * first change.
   */
  private static int engineDefault;

  private TrainingThreads() {}

  /** Every later trainer uses {@code threads} intra-op threads, backbone or not. */
  public static void set(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("training threads must be >= 1, got " + threads);
    }
    chosen = threads;
  }

  /**
   * Applies the count to the PyTorch engine and returns it: the chosen one, else 1 when attention
   * mining will run through a backbone and the engine's own count otherwise. Called by a trainer
   * before it draws its first weight.
   */
  static synchronized int apply(boolean miningThroughBackbone) {
    int n = chosen > 0 ? chosen : miningThroughBackbone ? 1 : engineDefault();
    if (JniUtils.getNumThreads() != n) {
      JniUtils.setNumThreads(n);
    }
    return n;
  }

  /** The engine's own count, as it was before any trainer changed it. */
  static synchronized int engineDefault() {
    Engine.getEngine("PyTorch");
    if (engineDefault == 0) {
      engineDefault = JniUtils.getNumThreads();
    }
    return engineDefault;
  }

  /** The count the engine uses now. */
  public static int current() {
    Engine.getEngine("PyTorch");
    return JniUtils.getNumThreads();
  }
}
