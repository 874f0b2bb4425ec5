package io.gainstream.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.gainstream.model.net.GainNetwork;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a step whose loss or gradients are NaN or infinite from changing anything: no optimiser
 * update (Adam's moments would carry the NaN into every later step), no moving average, no
 * accuracy, and the batch-norm statistics as they were before the batch. PyTorch's AVX-512 kernels
 * on this project's machine produced such steps (docs/QUALITY.md, session 10); before this check
 * they turned every weight into NaN and the release into noise. A run of them means the weights or
 * the data are broken, and training stops.
 */
final class NonFiniteGuard {
  private static final Logger LOG = LoggerFactory.getLogger(NonFiniteGuard.class);

  /**
   * Steps in a row whose loss or gradients were not finite before the trainer gives up: one such
   * batch is skipped, a run of them means the weights or the data are broken.
   */
  static final int MAX_NON_FINITE_STEPS = 10;

  private final GainNetwork network;

  /** Non-finite steps in a row, and in all. */
  private int inARow;

  private long skipped;

  NonFiniteGuard(GainNetwork network) {
    this.network = network;
  }

  /** A copy of every batch-norm running mean and variance (a few thousand floats). */
  Map<Parameter, float[]> runningStatistics() {
    Map<Parameter, float[]> m = new IdentityHashMap<>();
    for (Pair<String, Parameter> p : network.getParameters()) {
      Parameter.Type t = p.getValue().getType();
      if (t == Parameter.Type.RUNNING_MEAN || t == Parameter.Type.RUNNING_VAR) {
        m.put(p.getValue(), p.getValue().getArray().toFloatArray());
      }
    }
    return m;
  }

  /** Whether every gradient of this step is finite; one sum over all of them, read once. */
  boolean gradientsFinite() {
    NDArray sum = null;
    List<NDArray> parts = new ArrayList<>();
    for (Pair<String, Parameter> p : network.getParameters()) {
      NDArray w = p.getValue().getArray();
      if (!w.hasGradient()) {
        continue;
      }
      NDArray g = w.getGradient();
      if (g == null) {
        continue;
      }
      parts.add(g);
      NDArray s = g.sum();
      parts.add(s);
      sum = sum == null ? s : sum.add(s);
      parts.add(sum);
    }
    try {
      return sum == null || Float.isFinite(sum.getFloat());
    } finally {
      parts.forEach(NDArray::close);
    }
  }

  /** A finite step: the run of non-finite ones is over. */
  void finite() {
    inARow = 0;
  }

  /**
   * A non-finite step at {@code step}: the statistics go back to {@code stats}, the gradients are
   * cleared, and the step is reported skipped; throws once {@link #MAX_NON_FINITE_STEPS} came in a
   * row.
   */
  StepResult skip(
      long step,
      Map<Parameter, float[]> stats,
      float total,
      float lCl,
      float lAm,
      float lE,
      boolean mining) {
    stats.forEach((p, v) -> p.getArray().set(v));
    zeroGradients();
    inARow++;
    skipped++;
    LOG.warn(
        "step {}: non-finite {} (loss {}): update skipped ({} in a row)",
        step,
        Float.isFinite(total) ? "gradients" : "loss",
        total,
        inARow);
    if (inARow >= MAX_NON_FINITE_STEPS) {
      throw new IllegalStateException(
          "training diverged: "
              + inARow
              + " steps in a row gave a non-finite loss or gradients (last loss "
              + total
              + ")");
    }
    return new StepResult(step, total, lCl, lAm, lE, Float.NaN, mining, true);
  }

  /** Steps skipped so far. */
  long skipped() {
    return skipped;
  }

  /**
   * Writes zeros into every gradient in place (NaN · 0 is NaN, so no arithmetic can clear them; and
   * {@code set(float[])} would swap the gradient's storage for a Java buffer, which the next
   * backward pass cannot write into).
   */
  private void zeroGradients() {
    for (Pair<String, Parameter> p : network.getParameters()) {
      NDArray w = p.getValue().getArray();
      if (w.hasGradient()) {
        NDArray g = w.getGradient();
        if (g != null) {
          g.set(new NDIndex("..."), 0f);
          g.close();
        }
      }
    }
  }
}
