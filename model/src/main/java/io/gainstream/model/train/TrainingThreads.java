package io.gainstream.model.train;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * How many CPU threads PyTorch's operators use while a {@link GainTrainer} trains ({@code
 * --train-threads}): the engine's own count unless the command names one.
 *
 * <p>Why it is a setting: GAIN on an imported backbone does not repeat from its seed on this
 * machine, and the thread count is the one thing found that changes how often it does not. With two
 * intra-op threads, two 60-step {@code label --backbone --method gain} runs of one seed differed in
 * 87 of 160 label files; with one thread, two such pairs did not differ at all. But a 400-step run
 * of seed 1 still gave fg mIoU 0.342 in one invocation and 0.299 in the next at one thread
 * (docs/QUALITY.md), so one thread is no guarantee, and it makes GAIN's training 1.4 to 2 times
 * slower (docs/MODEL-SPEED.md). The built-in network and {@code cam} repeated at any count. The
 * default therefore stays the engine's; a user who wants the closest repeat there is, or who
 * investigates, names 1.
 *
 * <p>PyTorch's thread pool belongs to the process, so this is a process-wide setting: {@link #set}
 * is called once by the command that trains, before any trainer exists.
 */
public final class TrainingThreads {
  /** 0: the engine's own count. */
  private static volatile int chosen;

  /**
   * The engine's own count (every core, or {@code ai.djl.pytorch.num_threads}), read before the
   * first change.
   */
  private static int engineDefault;

  private TrainingThreads() {}

  /** Every later trainer uses {@code threads} intra-op threads. */
  public static void set(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("training threads must be >= 1, got " + threads);
    }
    chosen = threads;
  }

  /** Back to the engine's own count (tests). */
  static void clear() {
    chosen = 0;
  }

  /**
   * Applies the count to the PyTorch engine and returns it: the chosen one, else the engine's own.
   * Called by a trainer before it draws its first weight.
   */
  static synchronized int apply() {
    int n = chosen > 0 ? chosen : engineDefault();
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
