package io.gainstream.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gainstream.model.backbone.Backbone;
import io.gainstream.model.backbone.OnnxBackbone;
import io.gainstream.model.backbone.Preprocessing;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.onnx.TestBackbones;
import io.gainstream.model.synthetic.SyntheticDataset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The training thread count ({@code --train-threads}) reaches the engine before a trainer draws its
 * weights, and a trainer without one keeps the engine's own count.
 *
 * <p>Whether a count makes runs repeat bit for bit is not what this can test: the generated
 * backbone here usually repeats at one thread and at two, not always (a full suite run on
 * 2026-12-06 saw the 4th decimal move); the runs that did not repeat by whole points were
 * MobileNetV2 at 224 pixels (docs/QUALITY.md), which the tests may not use.
 */
class TrainingThreadsTest {
  private static final int SIZE = 96;
  private static final Backbone BACKBONE =
      new Backbone(
          OnnxBackbone.read(TestBackbones.mobilenetLike(41)),
          Preprocessing.imagenet(),
          Backbone.FineTune.ALL,
          0.1f);
  private static final List<Example> DATA =
      Batches.fromSynthetic(
          SyntheticDataset.generate(new SyntheticDataset.Spec(3, SIZE, 16, 0.3, false, 0.9, 41)),
          SIZE,
          0);

  @AfterEach
  void engineCountAgain() {
    TrainingThreads.clear();
  }

  private static Map<String, float[]> train(Method method, int[] threads) {
    GainSettings settings =
        GainSettings.defaults(method).withSeed(6).withBatchSize(8).withWarmup(0, 0f);
    try (GainTrainer t = new GainTrainer(NetworkSpec.forBackbone(SIZE, 3), settings, BACKBONE)) {
      threads[0] = TrainingThreads.current();
      Random rnd = new Random(6);
      for (int i = 0; i < 6; i++) {
        t.step(Batches.sample(DATA, 8, 3, SIZE, false, rnd));
      }
      assertThat(t.miningActive()).as("attention mining ran").isEqualTo(method != Method.CAM);
      return t.snapshot().values();
    }
  }

  @Test
  void shouldTrainOnTheChosenCountAndRepeatThere() {
    TrainingThreads.set(1);
    int[] threads = new int[1];
    Map<String, float[]> first = train(Method.GAIN, threads);
    assertThat(threads[0]).as("intra-op threads while GAIN trains").isEqualTo(1);
    Map<String, float[]> second = train(Method.GAIN, threads);
    assertThat(second.keySet()).isEqualTo(first.keySet());
    // the same seed draws the same weights and batches, so the runs stay within rounding of each
    // other; bit for bit is not promised even on one thread (README, --seed: PyTorch's CPU
    // backward under GAIN's two streams moved the 4th decimal here in one run of several)
    first.forEach(
        (name, w) ->
            assertThat(second.get(name))
                .as(name)
                .containsExactly(w, org.assertj.core.data.Offset.offset(1e-3f)));
  }

  @Test
  void shouldKeepTheEnginesCountWhenNoneIsChosen() {
    int[] threads = new int[1];
    TrainingThreads.set(1);
    train(Method.CAM, threads);
    TrainingThreads.clear();
    train(Method.GAIN, threads);
    assertThat(threads[0]).as("gain on a backbone").isEqualTo(TrainingThreads.engineDefault());
    try (GainTrainer t =
        new GainTrainer(new NetworkSpec(32, 8, 3, 3), GainSettings.defaults(Method.GAIN))) {
      assertThat(TrainingThreads.current())
          .as("the built-in network")
          .isEqualTo(TrainingThreads.engineDefault());
    }
  }

  @Test
  void shouldRefuseANonPositiveCount() {
    assertThatThrownBy(() -> TrainingThreads.set(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(">= 1");
  }
}
