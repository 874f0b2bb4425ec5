package io.gainstream.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.synthetic.SyntheticDataset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The moving average a release publishes ({@link GainSettings#averaging}): it starts at the first
 * mined step, follows {@code a = d·a + (1 − d)·w} after each one, is what the network holds while
 * the handle is open, and gives the last step's weights back exactly when it closes, so training
 * goes on from where it was. A rollback takes it back with the weights. Checked against the same
 * average computed here from the weights each step left.
 */
class WeightAveragingTest {
  private static final NetworkSpec SPEC = new NetworkSpec(32, 8, 3, 3);
  private static final float DECAY = 0.8f;

  private static List<Example> train() {
    return Batches.fromSynthetic(
        SyntheticDataset.generate(new SyntheticDataset.Spec(3, 64, 40, 0.35, false, 0.9, 5)),
        32,
        0);
  }

  /** gain with mining from step {@code warmup} on and averaging at {@link #DECAY}. */
  private static GainSettings settings(long seed, int warmup) {
    return GainSettings.defaults(Method.GAIN)
        .withSeed(seed)
        .withBatchSize(8)
        .withWarmup(warmup, 0f)
        .withAveraging(DECAY);
  }

  @Test
  void shouldPublishTheMovingAverageOfTheMinedStepsAndGiveTheLastStepBack() {
    GainSettings gs = settings(4, 5);
    List<Example> train = train();
    try (GainTrainer t = new GainTrainer(SPEC, gs)) {
      Random rnd = new Random(4);
      Map<String, double[]> expected = new HashMap<>();
      for (int i = 0; i < 12; i++) {
        StepResult r = t.step(Batches.sample(train, 8, 3, 32, false, rnd));
        if (!r.miningActive()) {
          assertThat(t.averaging()).as("no average before mining, step " + r.step()).isFalse();
          continue;
        }
        for (Map.Entry<String, float[]> e : t.snapshot().values().entrySet()) {
          double[] a = expected.get(e.getKey());
          float[] w = e.getValue();
          if (a == null) {
            a = new double[w.length];
            for (int k = 0; k < w.length; k++) {
              a[k] = w[k];
            }
            expected.put(e.getKey(), a);
          } else {
            for (int k = 0; k < w.length; k++) {
              a[k] = DECAY * a[k] + (1 - DECAY) * w[k];
            }
          }
        }
      }
      assertThat(expected).as("mining ran").isNotEmpty();
      assertThat(t.averaging()).isTrue();

      GainTrainer.Snapshot live = t.snapshot();
      Batch probe = Batches.of(train.subList(0, 8), 3, 32, false);
      float[] liveAttention = t.predict(probe.images(), 8).attention();
      float[] averagedAttention;
      try (GainTrainer.AveragedWeights averaged = t.useAveragedWeights()) {
        int differing = 0;
        for (Map.Entry<String, float[]> e : t.snapshot().values().entrySet()) {
          double[] a = expected.get(e.getKey());
          float[] got = e.getValue();
          float[] last = live.values().get(e.getKey());
          for (int k = 0; k < got.length; k++) {
            assertThat((double) got[k])
                .as(e.getKey() + "[" + k + "]")
                .isCloseTo(a[k], within(1e-5));
            if (got[k] != last[k]) {
              differing++;
            }
          }
        }
        assertThat(differing).as("averaged weights that differ from the last step's").isPositive();
        averagedAttention = t.predict(probe.images(), 8).attention();
      }
      assertThat(averagedAttention)
          .as("the averaged network labels differently")
          .isNotEqualTo(liveAttention);
      assertThat(t.snapshot().values())
          .as("the last step's weights come back exactly")
          .usingRecursiveComparison()
          .isEqualTo(live.values());
      assertThat(t.predict(probe.images(), 8).attention()).isEqualTo(liveAttention);
    }
  }

  @Test
  void shouldRollTheAverageBackWithTheWeightsAndDoNothingWhenOff() {
    List<Example> train = train();
    GainSettings gs = settings(5, 2);
    try (GainTrainer t = new GainTrainer(SPEC, gs)) {
      Random rnd = new Random(5);
      for (int i = 0; i < 6; i++) {
        t.step(Batches.sample(train, 8, 3, 32, false, rnd));
      }
      assertThat(t.averaging()).isTrue();
      GainTrainer.Snapshot good = t.snapshot();
      assertThat(good.average()).as("the snapshot keeps the average").isNotNull();
      for (int i = 0; i < 6; i++) {
        t.step(Batches.sample(train, 8, 3, 32, false, rnd));
      }
      assertThat(t.snapshot().average())
          .as("the average moved on")
          .usingRecursiveComparison()
          .isNotEqualTo(good.average());
      t.restore(good, 0.5f);
      try (GainTrainer.AveragedWeights averaged = t.useAveragedWeights()) {
        assertThat(t.snapshot().values())
            .as("a rollback restores the average of the last good check")
            .usingRecursiveComparison()
            .isEqualTo(good.average());
      }
      assertThat(t.snapshot().values()).usingRecursiveComparison().isEqualTo(good.values());
    }
    try (GainTrainer t = new GainTrainer(SPEC, gs)) {
      GainTrainer.Snapshot before = t.snapshot();
      assertThat(before.average()).isNull();
      Random rnd = new Random(5);
      for (int i = 0; i < 6; i++) {
        t.step(Batches.sample(train, 8, 3, 32, false, rnd));
      }
      t.restore(before, 0.5f);
      assertThat(t.averaging()).as("rolled back to before mining: no average").isFalse();
    }
    try (GainTrainer t = new GainTrainer(SPEC, gs.withAveraging(0f))) {
      Random rnd = new Random(5);
      for (int i = 0; i < 6; i++) {
        t.step(Batches.sample(train, 8, 3, 32, false, rnd));
      }
      assertThat(t.miningActive()).isTrue();
      assertThat(t.averaging()).as("averaging off").isFalse();
    }
    assertThatThrownBy(() -> gs.withAveraging(1f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("averaging must be in [0, 1)");
  }
}
