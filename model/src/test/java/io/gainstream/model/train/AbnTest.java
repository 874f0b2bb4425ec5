package io.gainstream.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.gainstream.model.net.GainNetwork;
import io.gainstream.model.net.Head;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.synthetic.SyntheticDataset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * ABN (method {@code abn}): the perception branch classifies {@code (1 + M) · g(x)}, and training
 * reaches both branches ({@link io.gainstream.model.onnx.OtherMethodsReleaseTest}: its releases).
 */
class AbnTest {
  private static final NetworkSpec SPEC = new NetworkSpec(32, 8, 3, 3);
  private static final List<Example> DATA =
      Batches.fromSynthetic(
          SyntheticDataset.generate(new SyntheticDataset.Spec(3, 32, 48, 0.4, false, 0.9, 31)),
          32,
          0);

  /**
   * With the perception bias at zero, its logits are linear in the gated features: a gate of 0
   * everywhere gives the plain features' logits, 0.5 gives 1.5 times them and 1 twice them.
   */
  @Test
  void shouldClassifyTheFeaturesGatedByOnePlusTheAttentionMap() {
    try (GainTrainer t = new GainTrainer(SPEC, GainSettings.defaults(Method.ABN).withSeed(3));
        NDManager m = NDManager.newBaseManager("PyTorch")) {
      GainNetwork net = t.network();
      assertThat(net.head()).isEqualTo(Head.ABN);
      GainNetwork.parameter(net.abnPerception(), "bias").getArray().set(new float[3]);
      NDArray x =
          m.create(Batches.of(DATA.subList(0, 4), 3, 32, false).images(), new Shape(4, 3, 32, 32));
      ParameterStore store = new ParameterStore(m, false);

      float[] closed = perceptionWithGate(net, store, x, -40f);
      float[] half = perceptionWithGate(net, store, x, 0f);
      float[] open = perceptionWithGate(net, store, x, 40f);

      assertThat(GainNetwork.parameter(net.abnAttention(), "weight").getArray().sum().getFloat())
          .isZero();
      for (int i = 0; i < closed.length; i++) {
        assertThat(Math.abs(closed[i])).as("logit %d is not trivially zero", i).isPositive();
        assertThat(half[i]).isCloseTo(1.5f * closed[i], org.assertj.core.data.Offset.offset(1e-4f));
        assertThat(open[i]).isCloseTo(2f * closed[i], org.assertj.core.data.Offset.offset(1e-4f));
      }
      // the gate itself: sigmoid of the attention conv, one map per image at the feature grid
      NDArray gate = net.abnGate(store, x);
      assertThat(gate.getShape()).isEqualTo(new Shape(4, 1, 8, 8));
      for (float v : gate.toFloatArray()) {
        assertThat(v).isEqualTo(1f);
      }
    }
  }

  /** The attention conv made constant ({@code M = sigmoid(bias)}); the perception logits read. */
  private static float[] perceptionWithGate(
      GainNetwork net, ParameterStore store, NDArray x, float bias) {
    NDArray w = GainNetwork.parameter(net.abnAttention(), "weight").getArray();
    w.set(new float[Math.toIntExact(w.size())]);
    GainNetwork.parameter(net.abnAttention(), "bias").getArray().set(new float[] {bias});
    return net.forward(store, new NDList(x), false).get(0).toFloatArray();
  }

  @Test
  void shouldTrainBothBranchesOnTheSumOfTheirLosses() {
    GainSettings s = GainSettings.defaults(Method.ABN).withBatchSize(8).withWarmup(0, 0f);
    try (GainTrainer t = new GainTrainer(SPEC, s)) {
      Map<String, float[]> before = t.snapshot().values();
      Random rnd = new Random(2);
      StepResult first = null;
      for (int i = 0; i < 20; i++) {
        StepResult r = t.step(Batches.sample(DATA, 8, 3, 32, false, rnd));
        first = first == null ? r : first;
        assertThat(r.miningActive()).as("abn does not mine").isFalse();
        assertThat(r.attentionMining()).isZero();
        assertThat(r.total()).isEqualTo(r.classification());
      }
      // two binary cross-entropies of about ln 2 each at the start
      assertThat(first.classification()).isBetween(1.0f, 1.8f);
      Map<String, float[]> after = t.snapshot().values();
      for (String k : after.keySet()) {
        if (k.contains("abn_attention") || k.contains("abn_perception") || k.contains("cam_")) {
          assertThat(after.get(k)).as("%s trained", k).isNotEqualTo(before.get(k));
        }
      }
      assertThat(t.miningActive()).isFalse();
    }
  }
}
