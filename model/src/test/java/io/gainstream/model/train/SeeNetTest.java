package io.gainstream.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.gainstream.model.net.Head;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.net.SelfErasing;
import io.gainstream.model.synthetic.SyntheticDataset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * SeeNet (method {@code seenet}): the ternary and background masks cut a map where the paper does,
 * the C-ReLU erases, negates and keeps the right regions and lets gradients through only there, the
 * network's S_B maps follow each class's zones, and training reaches all three branches ({@link
 * io.gainstream.model.onnx.OtherMethodsReleaseTest}: its releases).
 */
class SeeNetTest {
  private static final NetworkSpec SPEC = new NetworkSpec(32, 8, 3, 3);

  /** One map of 8 cells; its maximum is 2, so the cells are at 100, 80, 50, 20, 4, 0, 0, 30 %. */
  private static final float[] MAP = {2f, 1.6f, 1f, 0.4f, 0.08f, 0f, -0.6f, 0.6f};

  @Test
  void shouldCutTheMapIntoAttentionPotentialAndBackgroundZones() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray norm = SelfErasing.normalised(m.create(MAP, new Shape(1, 1, 2, 4)));
      assertThat(norm.toFloatArray()[0]).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-4f));
      assertThat(norm.toFloatArray()[6]).as("ReLU'd before normalising").isZero();
      // above 0.7 of the maximum: erased (0); below 0.05: background (−1); between: kept (1)
      assertThat(SelfErasing.ternary(norm).toFloatArray())
          .containsExactly(0f, 0f, 1f, 1f, -1f, -1f, -1f, 1f);
      // S_C's background: below (0.7 + 0.05) / 2 = 0.375
      assertThat(SelfErasing.background(norm).toFloatArray())
          .containsExactly(0f, 0f, 0f, 1f, 1f, 1f, 1f, 1f);
    }
  }

  @Test
  void shouldEraseNegateAndKeepTheResponseAndPassGradientsOnlyThere() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      // two classes' responses over the same 8 cells, one negative (cell 2, class 0), and one
      // mask broadcast over both
      float[] f = {3f, 3f, -2f, 3f, 3f, 3f, 3f, 3f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f};
      NDArray response = m.create(f, new Shape(1, 2, 2, 4));
      NDArray map = m.create(MAP, new Shape(1, 1, 2, 4));
      response.setRequiresGradient(true);
      map.setRequiresGradient(true);
      NDArray out;
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray mask = SelfErasing.ternary(SelfErasing.normalised(map));
        out = SelfErasing.cRelu(response, mask);
        gc.backward(out.sum().add(map.sum().mul(0)));
      }
      assertThat(out.toFloatArray())
          .containsExactly(0f, 0f, 0f, 3f, -3f, -3f, -3f, 3f, 0f, 0f, 1f, 1f, -1f, -1f, -1f, 1f);
      // d out / d response: the mask where the response is positive, 0 where ReLU cut it
      assertThat(response.getGradient().toFloatArray())
          .containsExactly(0f, 0f, 0f, 1f, -1f, -1f, -1f, 1f, 0f, 0f, 1f, 1f, -1f, -1f, -1f, 1f);
      // the thresholds are constants: nothing flows back into the map that made them
      assertThat(map.getGradient().toFloatArray()).containsOnly(0f);
    }
  }

  /**
   * In the network, S_B's map of each class sits at the branch's bias in that class's attention
   * zone, never above it in its background and never below it in its potential zone: the background
   * can only count against a class.
   */
  @Test
  void shouldGateSbsMapsByEachClasssZones() {
    List<Example> data =
        Batches.fromSynthetic(
            SyntheticDataset.generate(new SyntheticDataset.Spec(3, 32, 24, 0.4, false, 0.9, 33)),
            32,
            0);
    GainSettings s = GainSettings.defaults(Method.SEENET).withBatchSize(8).withSeed(4);
    try (GainTrainer t = new GainTrainer(SPEC, s);
        NDManager m = NDManager.newBaseManager("PyTorch")) {
      Random rnd = new Random(4);
      for (int i = 0; i < 10; i++) {
        t.step(Batches.sample(data, 8, 3, 32, false, rnd));
      }
      NDArray x =
          m.create(Batches.of(data.subList(0, 8), 3, 32, false).images(), new Shape(8, 3, 32, 32));
      ai.djl.ndarray.NDList out =
          t.network()
              .forward(
                  new ai.djl.training.ParameterStore(m, false),
                  new ai.djl.ndarray.NDList(x),
                  false);
      float[] zones = SelfErasing.ternary(SelfErasing.normalised(out.get(1))).toFloatArray();
      float[] b = out.get(4).toFloatArray();
      float[] bias =
          io.gainstream.model.net.GainNetwork.parameter(t.network().seenetBranch(), "bias")
              .getArray()
              .toFloatArray();
      int plane = 8 * 8;
      int[] seen = new int[3];
      for (int i = 0; i < b.length; i++) {
        float at = bias[(i / plane) % 3];
        int zone = (int) zones[i];
        seen[zone + 1]++;
        switch (zone) {
          case 0 -> assertThat(b[i]).as("attention zone, cell %d", i).isCloseTo(at, within);
          case -1 -> assertThat(b[i]).as("background, cell %d", i).isLessThanOrEqualTo(at + 1e-5f);
          default ->
              assertThat(b[i]).as("potential zone, cell %d", i).isGreaterThanOrEqualTo(at - 1e-5f);
        }
      }
      assertThat(seen).as("cells per zone (background, attention, potential)").doesNotContain(0);
    }
  }

  private static final org.assertj.core.data.Offset<Float> within =
      org.assertj.core.data.Offset.offset(1e-5f);

  @Test
  void shouldTrainAllThreeBranchesOnTheSumOfTheirLosses() {
    List<Example> data =
        Batches.fromSynthetic(
            SyntheticDataset.generate(new SyntheticDataset.Spec(3, 32, 48, 0.4, false, 0.9, 32)),
            32,
            0);
    GainSettings s = GainSettings.defaults(Method.SEENET).withBatchSize(8).withWarmup(0, 0f);
    try (GainTrainer t = new GainTrainer(SPEC, s)) {
      assertThat(t.network().head()).isEqualTo(Head.SEENET);
      Map<String, float[]> before = t.snapshot().values();
      Random rnd = new Random(2);
      StepResult first = null;
      for (int i = 0; i < 20; i++) {
        StepResult r = t.step(Batches.sample(data, 8, 3, 32, false, rnd));
        first = first == null ? r : first;
        assertThat(r.miningActive()).as("seenet erases features, not images").isFalse();
        assertThat(r.total()).isEqualTo(r.classification());
      }
      // three binary cross-entropies of about ln 2 each at the start
      assertThat(first.classification()).isBetween(1.6f, 2.6f);
      Map<String, float[]> after = t.snapshot().values();
      assertThat(after.keySet()).anyMatch(k -> k.contains("seenet_b"));
      for (String k : after.keySet()) {
        if (k.contains("seenet_b") || k.contains("cam_")) {
          assertThat(after.get(k)).as("%s trained", k).isNotEqualTo(before.get(k));
        }
      }
    }
  }
}
