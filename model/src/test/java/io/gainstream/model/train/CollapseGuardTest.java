package io.gainstream.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.gainstream.model.labels.ProxyLabels;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.synthetic.SyntheticDataset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A forced collapse: α = 100 with attention mining from step 100. Held-out exact match falls from
 * about 0.7 to 0 within 25 steps (the mining loss is cheapest to satisfy by scoring every class
 * low). The guard must see it, roll the weights back to the last good check, and leave the run with
 * a working classifier; the weights it restores are exactly the ones it kept.
 */
class CollapseGuardTest {
  private static final NetworkSpec SPEC = new NetworkSpec(32, 8, 3, 3);

  @Test
  void shouldDetectACollapseRollBackAndEndWithAWorkingClassifier() {
    GainSettings gs =
        GainSettings.defaults(Method.GAIN).withSeed(1).withBatchSize(8).withWarmup(100, 0f);
    gs = gs.withMining(100f, gs.sigma(), gs.omega());
    List<Example> train = new ArrayList<>();
    List<Example> held = new ArrayList<>();
    for (Example e :
        Batches.fromSynthetic(
            SyntheticDataset.generate(new SyntheticDataset.Spec(3, 64, 200, 0.35, false, 0.9, 3)),
            32,
            0)) {
      (Validation.heldOut(e.id(), 0.2) ? held : train).add(e);
    }
    CollapseGuard.Settings settings = new CollapseGuard.Settings(25, 0.10, 2, 8);
    List<CollapseGuard.Event> events = new ArrayList<>();
    try (GainTrainer t = new GainTrainer(SPEC, gs)) {
      CollapseGuard guard =
          new CollapseGuard(settings, t, () -> held, ProxyLabels.Thresholds.defaults());
      Random rnd = new Random(1);
      Validation.Figures lastPassed = null;
      for (int i = 0; i < 400; i++) {
        t.step(Batches.sample(train, 8, 3, 32, false, rnd));
        CollapseGuard.Event e = guard.afterStep();
        if (e == CollapseGuard.Event.NONE) {
          continue;
        }
        events.add(e);
        if (e == CollapseGuard.Event.BASELINE || e == CollapseGuard.Event.PASSED) {
          lastPassed = guard.last();
        } else {
          // the weights now in the network are the last good ones, bit for bit
          Validation.Figures now = Validation.evaluate(t, held, ProxyLabels.Thresholds.defaults());
          assertThat(now).isEqualTo(lastPassed);
        }
      }
      Validation.Figures baseline = guard.baseline();
      assertThat(baseline).isNotNull();
      assertThat(baseline.exactMatch()).as("classifier before mining").isGreaterThan(0.5);
      assertThat(events).first().isEqualTo(CollapseGuard.Event.BASELINE);
      assertThat(events).contains(CollapseGuard.Event.ROLLED_BACK);
      assertThat(guard.rollbacks()).isGreaterThanOrEqualTo(1);
      assertThat(t.alpha()).as("alpha after rollbacks").isLessThan(100f);
      guard.checkNow();
      Validation.Figures end = Validation.evaluate(t, held, ProxyLabels.Thresholds.defaults());
      assertThat(end.exactMatch())
          .as("held-out exact match at the end")
          .isGreaterThanOrEqualTo(baseline.exactMatch() - 0.10);
    }
  }

  @Test
  void shouldNotCallASingleFlippedHeldOutImageACollapse() {
    Validation.Figures start = new Validation.Figures(0.750, 1.000, Double.NaN, 8, 0);
    // one image of 8 misclassified more: 0.125 lower, above the 0.10 tolerance but only one image
    assertThat(
            CollapseGuard.collapsed(
                start, new Validation.Figures(0.625, 0.875, Double.NaN, 8, 0), 0.10))
        .isFalse();
    // two images of 8
    assertThat(
            CollapseGuard.collapsed(
                start, new Validation.Figures(0.500, 0.950, Double.NaN, 8, 0), 0.10))
        .isTrue();
    // mAP alone falling by more than one image's worth
    assertThat(
            CollapseGuard.collapsed(
                start, new Validation.Figures(0.750, 0.800, Double.NaN, 8, 0), 0.10))
        .isTrue();
    // on 40 held-out images the tolerance decides: 5 images (0.125) is a collapse, 4 (0.10) is not
    Validation.Figures big = new Validation.Figures(0.750, 0.900, Double.NaN, 40, 0);
    assertThat(
            CollapseGuard.collapsed(
                big, new Validation.Figures(0.625, 0.900, Double.NaN, 40, 0), 0.10))
        .isTrue();
    assertThat(
            CollapseGuard.collapsed(
                big, new Validation.Figures(0.650, 0.900, Double.NaN, 40, 0), 0.10))
        .isFalse();
  }

  @Test
  void shouldRollBackToTheSnapshotExactly() {
    GainSettings gs = GainSettings.defaults(Method.CAM).withSeed(2).withBatchSize(8);
    List<Example> train =
        Batches.fromSynthetic(
            SyntheticDataset.generate(new SyntheticDataset.Spec(3, 64, 40, 0.35, false, 0.9, 5)),
            32,
            0);
    try (GainTrainer t = new GainTrainer(SPEC, gs)) {
      Random rnd = new Random(2);
      for (int i = 0; i < 20; i++) {
        t.step(Batches.sample(train, 8, 3, 32, false, rnd));
      }
      Batch probe = Batches.of(train.subList(0, 8), 3, 32, false);
      float[] before = t.predict(probe.images(), 8).attention();
      GainTrainer.Snapshot s = t.snapshot();
      for (int i = 0; i < 20; i++) {
        t.step(Batches.sample(train, 8, 3, 32, false, rnd));
      }
      assertThat(t.predict(probe.images(), 8).attention()).isNotEqualTo(before);
      t.restore(s, 0.5f);
      assertThat(t.predict(probe.images(), 8).attention()).isEqualTo(before);
      assertThat(t.alpha()).isEqualTo(0.5f);
      assertThat(t.steps()).as("steps keep counting").isEqualTo(40);
    }
  }

  @Test
  void shouldCallAMinedModelWorseOnlyWhenItLosesClassificationOrLocalisation() {
    Validation.Figures warm = new Validation.Figures(0.75, 1.0, Double.NaN, 16, 0, 0.40);
    assertThat(CollapseGuard.worseThan(warm, warm, 1e-9)).isNull();
    assertThat(
            CollapseGuard.worseThan(
                warm, new Validation.Figures(0.75, 1.0, Double.NaN, 16, 0, 0.45), 1e-9))
        .as("better localisation")
        .isNull();
    assertThat(
            CollapseGuard.worseThan(
                warm, new Validation.Figures(0.6875, 1.0, Double.NaN, 16, 0, 0.40), 1e-9))
        .as("one image of 16 is noise")
        .isNull();
    assertThat(
            CollapseGuard.worseThan(
                warm, new Validation.Figures(0.50, 0.9, Double.NaN, 16, 0, 0.60), 1e-9))
        .contains("exact match 0.500");
    assertThat(
            CollapseGuard.worseThan(
                warm, new Validation.Figures(0.75, 1.0, Double.NaN, 16, 0, 0.30), 1e-9))
        .contains("erasing");
    Validation.Figures warmPx = new Validation.Figures(0.75, 1.0, 0.50, 16, 4, 0.40);
    assertThat(
            CollapseGuard.worseThan(
                warmPx, new Validation.Figures(0.75, 1.0, 0.45, 16, 4, 0.60), 1e-9))
        .as("pixel labels decide where there are some")
        .contains("fg mIoU 0.450");
  }

  @Test
  void shouldJudgeTheErasedDropAgainstItsControl() {
    // warm-up: erasing its attended fifth costs 0.30, erasing another image's 0.05
    Validation.Figures warm = new Validation.Figures(0.75, 1.0, Double.NaN, 16, 0, 0.30, 0.2, 0.05);
    // the shortcut found on photos: any erased patch kills the score, attended or not
    Validation.Figures patch =
        new Validation.Figures(0.75, 1.0, Double.NaN, 16, 0, 0.77, 0.2, 0.70);
    assertThat(CollapseGuard.worseThan(warm, patch, 1e-9))
        .as("a higher drop that any patch gets is no better localisation")
        .contains("more than erasing another image's");
    Validation.Figures mined =
        new Validation.Figures(0.75, 1.0, Double.NaN, 16, 0, 0.45, 0.2, 0.10);
    assertThat(CollapseGuard.worseThan(warm, mined, 1e-9)).isNull();
    Validation.Figures spread =
        new Validation.Figures(0.75, 1.0, Double.NaN, 16, 0, 0.20, 0.2, 0.18);
    assertThat(CollapseGuard.worseThan(warm, spread, 1e-9)).contains("another image's");
    // attention that grew over the scenery the classifier uses: the drop rises, the area too
    Validation.Figures scenery =
        new Validation.Figures(0.75, 1.0, Double.NaN, 16, 0, 0.45, 0.23, 0.10);
    assertThat(CollapseGuard.worseThan(warm, scenery, 1e-9))
        .isEqualTo("its attention spread from 0.200 to 0.230 of the image");
    Validation.Figures bitWider =
        new Validation.Figures(0.75, 1.0, Double.NaN, 16, 0, 0.45, 0.215, 0.10);
    assertThat(CollapseGuard.worseThan(warm, bitWider, 1e-9)).isNull();
  }
}
