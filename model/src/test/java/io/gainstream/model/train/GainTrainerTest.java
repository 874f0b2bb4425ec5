package io.gainstream.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.synthetic.SyntheticDataset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The three methods compute the losses they promise, switch on when they should, and replay from a
 * seed.
 */
class GainTrainerTest {
  private static final NetworkSpec SPEC = new NetworkSpec(32, 8, 3, 3);
  private static final List<Example> DATA =
      Batches.fromSynthetic(
          SyntheticDataset.generate(new SyntheticDataset.Spec(3, 32, 64, 0.4, false, 0.9, 21)),
          32,
          16);

  private static List<StepResult> run(GainSettings settings, int steps, boolean masks) {
    List<StepResult> out = new ArrayList<>();
    try (GainTrainer t = new GainTrainer(SPEC, settings)) {
      Random rnd = new Random(settings.seed());
      for (int i = 0; i < steps; i++) {
        out.add(t.step(Batches.sample(DATA, 8, 3, 32, masks, rnd)));
      }
    }
    return out;
  }

  @Test
  void shouldTrainCamWithClassificationLossOnly() {
    List<StepResult> r =
        run(GainSettings.defaults(Method.CAM).withBatchSize(8).withWarmup(0, 0f), 5, true);
    for (StepResult s : r) {
      assertThat(s.attentionMining()).isZero();
      assertThat(s.pixel()).isZero();
      assertThat(s.total()).isEqualTo(s.classification());
      assertThat(s.miningActive()).isFalse();
    }
  }

  @Test
  void shouldStartAttentionMiningOnlyAfterWarmup() {
    List<StepResult> r =
        run(GainSettings.defaults(Method.GAIN).withBatchSize(8).withWarmup(3, 0f), 6, false);
    for (int i = 0; i < 3; i++) {
      assertThat(r.get(i).miningActive()).as("step %d", i + 1).isFalse();
      assertThat(r.get(i).attentionMining()).isZero();
    }
    for (int i = 3; i < 6; i++) {
      StepResult s = r.get(i);
      assertThat(s.miningActive()).as("step %d", i + 1).isTrue();
      assertThat(s.attentionMining()).isBetween(0f, 1f).isPositive();
      assertThat(s.total())
          .isCloseTo(
              s.classification() + s.attentionMining(), org.assertj.core.data.Offset.offset(1e-4f));
    }
  }

  @Test
  void shouldHoldAttentionMiningBackWhileTheClassifierIsStillWrong() {
    // an accuracy gate of 1.0 cannot be met after a handful of steps from scratch
    List<StepResult> r =
        run(GainSettings.defaults(Method.GAIN).withBatchSize(8).withWarmup(0, 1f), 4, false);
    assertThat(r).allSatisfy(s -> assertThat(s.miningActive()).isFalse());
  }

  @Test
  void shouldKeepMiningOffWhileHeldAndStartItWhenTheHoldIsLifted() {
    GainSettings s = GainSettings.defaults(Method.GAIN).withBatchSize(8).withWarmup(0, 0f);
    try (GainTrainer t = new GainTrainer(SPEC, s)) {
      Random rnd = new Random(3);
      t.holdMining("no pixel labels");
      for (int i = 0; i < 3; i++) {
        StepResult r = t.step(Batches.sample(DATA, 8, 3, 32, false, rnd));
        assertThat(r.miningActive()).as("held step %d", i + 1).isFalse();
        assertThat(r.attentionMining()).isZero();
        assertThat(r.total()).isEqualTo(r.classification());
      }
      assertThat(t.miningHeld()).isEqualTo("no pixel labels");
      t.holdMining(null);
      t.step(Batches.sample(DATA, 8, 3, 32, false, rnd));
      StepResult r = t.step(Batches.sample(DATA, 8, 3, 32, false, rnd));
      assertThat(r.miningActive()).isTrue();
      assertThat(r.attentionMining()).isPositive();
      // a hold placed once mining runs does not stop it: it is a precondition, not a rollback
      t.holdMining("too late");
      assertThat(t.step(Batches.sample(DATA, 8, 3, 32, false, rnd)).miningActive()).isTrue();
      assertThat(t.miningHeld()).isNull();
    }
  }

  @Test
  void shouldAddThePixelLossForGainExtOnImagesWithPixelLabels() {
    GainSettings s = GainSettings.defaults(Method.GAIN_EXT).withBatchSize(8).withWarmup(1000, 1f);
    List<StepResult> withMasks = run(s, 3, true);
    assertThat(withMasks).anySatisfy(st -> assertThat(st.pixel()).isPositive());
    for (StepResult st : withMasks) {
      assertThat(st.total())
          .isCloseTo(
              st.classification() + 10f * st.pixel(), org.assertj.core.data.Offset.offset(1e-3f));
    }
    List<StepResult> withoutMasks = run(s, 3, false);
    assertThat(withoutMasks).allSatisfy(st -> assertThat(st.pixel()).isZero());
  }

  @Test
  void shouldReplayTheSameRunFromTheSameSeed() {
    GainSettings s =
        GainSettings.defaults(Method.GAIN).withBatchSize(8).withWarmup(2, 0f).withSeed(77);
    List<StepResult> a = run(s, 5, false);
    List<StepResult> b = run(s, 5, false);
    assertThat(b).isEqualTo(a);
    List<StepResult> c = run(s.withSeed(78), 5, false);
    assertThat(c).isNotEqualTo(a);
  }

  @Test
  void shouldSkipAStepWhoseLossIsNotFiniteAndTrainOnAfterIt() {
    GainSettings s = GainSettings.defaults(Method.GAIN).withBatchSize(8).withWarmup(0, 0f);
    try (GainTrainer t = new GainTrainer(SPEC, s)) {
      Random rnd = new Random(5);
      t.step(Batches.sample(DATA, 8, 3, 32, false, rnd));
      Batch good = Batches.sample(DATA, 8, 3, 32, false, rnd);
      float[] poisoned = good.images().clone();
      poisoned[100] = Float.NaN;
      Batch bad = new Batch(good.size(), poisoned, good.labels(), null, null);
      java.util.Map<String, float[]> before = t.snapshot().values();

      StepResult r = t.step(bad);

      assertThat(r.skipped()).isTrue();
      assertThat(r.total()).isNaN();
      assertThat(t.skippedSteps()).isEqualTo(1);
      assertThat(t.snapshot().values())
          .allSatisfy((k, v) -> assertThat(v).as(k).containsExactly(before.get(k)));
      // the next good batch trains, and no NaN reached the weights through Adam's moments
      StepResult next = t.step(good);
      assertThat(next.skipped()).isFalse();
      assertThat(next.total()).isFinite();
      assertThat(t.snapshot().values())
          .anySatisfy((k, v) -> assertThat(v).as(k).isNotEqualTo(before.get(k)))
          .allSatisfy(
              (k, v) -> {
                for (float f : v) {
                  assertThat(f).as(k).isFinite();
                }
              });
    }
  }

  @Test
  void shouldKeepTheBatchNormStatisticsOfASkippedClassificationStep() {
    // before mining, batch-norm trains on batch statistics and updates its running ones
    GainSettings s = GainSettings.defaults(Method.CAM).withBatchSize(8);
    try (GainTrainer t = new GainTrainer(SPEC, s)) {
      Random rnd = new Random(6);
      t.step(Batches.sample(DATA, 8, 3, 32, false, rnd));
      Batch good = Batches.sample(DATA, 8, 3, 32, false, rnd);
      float[] poisoned = good.images().clone();
      java.util.Arrays.fill(poisoned, 0, 3 * 32 * 32, Float.POSITIVE_INFINITY);
      java.util.Map<String, float[]> before = t.snapshot().values();

      assertThat(t.step(new Batch(8, poisoned, good.labels(), null, null)).skipped()).isTrue();

      assertThat(t.snapshot().values())
          .allSatisfy((k, v) -> assertThat(v).as(k).containsExactly(before.get(k)));
      float[] probs = t.predict(good.images(), 8).probabilities();
      for (float p : probs) {
        assertThat(p).isFinite();
      }
      // the restored statistics still take the next batch's in-place update
      assertThat(t.step(good).skipped()).isFalse();
      assertThat(t.snapshot().values())
          .anySatisfy(
              (k, v) ->
                  assertThat(
                          k.contains("runningMean") && !java.util.Arrays.equals(v, before.get(k)))
                      .as("%s moved", k)
                      .isTrue());
      for (float p : t.predict(good.images(), 8).probabilities()) {
        assertThat(p).isFinite();
      }
    }
  }

  @Test
  void shouldStopWhenEveryStepIsNotFinite() {
    GainSettings s = GainSettings.defaults(Method.CAM).withBatchSize(8);
    try (GainTrainer t = new GainTrainer(SPEC, s)) {
      Batch good = Batches.sample(DATA, 8, 3, 32, false, new Random(5));
      float[] poisoned = good.images().clone();
      java.util.Arrays.fill(poisoned, Float.POSITIVE_INFINITY);
      Batch bad = new Batch(good.size(), poisoned, good.labels(), null, null);
      for (int i = 1; i < NonFiniteGuard.MAX_NON_FINITE_STEPS; i++) {
        assertThat(t.step(bad).skipped()).isTrue();
      }
      assertThatThrownBy(() -> t.step(bad))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("training diverged: 10 steps in a row");
    }
  }

  @Test
  void shouldNameTheValidMethodsForAnUnknownOne() {
    assertThat(Method.fromId("GAIN-EXT")).isEqualTo(Method.GAIN_EXT);
    assertThatThrownBy(() -> Method.fromId("gradcam"))
        .hasMessage("unknown method 'gradcam', expected one of cam, gain, gain-ext, abn, seenet");
  }
}
