package io.gainstream.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.gainstream.model.net.GainNetwork;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The moving average of every weight over the mined steps ({@link GainSettings#averaging}): what a
 * release publishes when averaging is on, because single mined steps move attention by up to 10
 * points of foreground mIoU between invocations (docs/QUALITY.md). Kept in the trainer's manager
 * and outside autograd; empty before the first mined step.
 */
final class WeightAverage implements AutoCloseable {
  private final GainNetwork network;
  private final NDManager manager;
  private final float decay;
  private Map<String, NDArray> average;

  WeightAverage(GainNetwork network, NDManager manager, float decay) {
    this.network = network;
    this.manager = manager;
    this.decay = decay;
  }

  /** Whether there is an average (mining has run with averaging on). */
  boolean present() {
    return average != null;
  }

  /** {@code average = d·average + (1 − d)·weights}, after a mined step; the first one copies. */
  void update() {
    if (average == null) {
      average = new LinkedHashMap<>();
      for (Pair<String, Parameter> p : network.getParameters()) {
        NDArray w = p.getValue().getArray();
        average.put(p.getKey(), manager.create(w.toFloatArray(), w.getShape()));
      }
      return;
    }
    for (Pair<String, Parameter> p : network.getParameters()) {
      // a detached view: the update must not enter autograd's graph
      try (NDArray w = p.getValue().getArray().stopGradient();
          NDArray share = w.mul(1 - decay)) {
        average.get(p.getKey()).muli(decay).addi(share);
      }
    }
  }

  /** A copy of the average by parameter name, or null when there is none. */
  Map<String, float[]> values() {
    if (average == null) {
      return null;
    }
    Map<String, float[]> out = new LinkedHashMap<>();
    average.forEach((k, v) -> out.put(k, v.toFloatArray()));
    return out;
  }

  /** Replaces the average by {@code values} (a snapshot's), or drops it when they are null. */
  void restore(Map<String, float[]> values) {
    close();
    if (values != null) {
      average = new LinkedHashMap<>();
      for (Pair<String, Parameter> p : network.getParameters()) {
        NDArray w = p.getValue().getArray();
        average.put(p.getKey(), manager.create(values.get(p.getKey()), w.getShape()));
      }
    }
  }

  /** Drops the average (its arrays are freed). */
  @Override
  public void close() {
    if (average != null) {
      average.values().forEach(NDArray::close);
      average = null;
    }
  }
}
