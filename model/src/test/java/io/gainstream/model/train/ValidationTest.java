package io.gainstream.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ValidationTest {
  @Test
  void shouldHoldOutAStableShareByImageId() {
    int held = 0;
    for (int i = 0; i < 20_000; i++) {
      String id = "img-" + i + ".png";
      boolean h = Validation.heldOut(id, 0.1);
      assertThat(Validation.heldOut(id, 0.1)).isEqualTo(h);
      if (h) {
        held++;
        assertThat(Validation.heldOut(id, 0.2))
            .as("a larger share keeps what a smaller one held out")
            .isTrue();
      }
    }
    assertThat(held / 20_000.0).isCloseTo(0.1, within(0.01));
    assertThat(Validation.heldOut("anything", 0)).isFalse();
    assertThatThrownBy(() -> Validation.heldOut("x", 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldComputeMeanAveragePrecisionByHand() {
    // class 1: scores rank positives 1st and 3rd of 4 -> AP = (1/1 + 2/3) / 2 = 0.8333
    // class 2: perfect ranking -> AP = 1; class 3: no positive -> left out
    float[] scores = {0.9f, 0.1f, 0.2f, 0.8f, 0.9f, 0.3f, 0.7f, 0.2f, 0.4f, 0.1f, 0.1f, 0.5f};
    float[] labels = {1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0};
    assertThat(Metrics.meanAveragePrecision(scores, labels, 4, 3))
        .isCloseTo((0.8333333 + 1) / 2, within(1e-6));
    assertThat(Metrics.meanAveragePrecision(scores, new float[12], 4, 3)).isNaN();
  }

  @Test
  void shouldCarryFiguresThroughReleaseMetrics() {
    Validation.Figures f = new Validation.Figures(0.8, 0.9, 0.45, 60, 4);
    assertThat(Validation.Figures.fromMetrics(f.metrics())).isEqualTo(f);
    Validation.Figures noPixels = new Validation.Figures(0.8, 0.9, Double.NaN, 60, 0);
    assertThat(noPixels.metrics()).doesNotContainKey(Validation.FG_MIOU);
    assertThat(Validation.Figures.fromMetrics(noPixels.metrics()).hasPixels()).isFalse();
    assertThat(Validation.Figures.fromMetrics(java.util.Map.of("loss", 0.1))).isNull();
    Validation.Figures control = new Validation.Figures(0.8, 0.9, Double.NaN, 60, 0, 0.7, 0.2, 0.6);
    assertThat(Validation.Figures.fromMetrics(control.metrics())).isEqualTo(control);
    assertThat(control.specificDrop()).isCloseTo(0.1, within(1e-9));
    assertThat(control.summary()).contains("another image's: 0.600");
  }

  @Test
  void shouldMeasureTheErasedDropAndItsControlWhateverTheImagesCarry() {
    io.gainstream.model.net.NetworkSpec spec = new io.gainstream.model.net.NetworkSpec(32, 8, 3, 3);
    java.util.Random rnd = new java.util.Random(3);
    java.util.List<Example> examples = new java.util.ArrayList<>();
    int[][] classes = {{1}, {}, {2, 3}, {}};
    for (int i = 0; i < classes.length; i++) {
      float[] chw = new float[3 * 32 * 32];
      for (int j = 0; j < chw.length; j++) {
        chw[j] = (float) rnd.nextGaussian();
      }
      examples.add(new Example("img-" + i, chw, classes[i], null));
    }
    try (GainTrainer t = new GainTrainer(spec, GainSettings.defaults(Method.GAIN).withSeed(1))) {
      // images without classes (background only) have no map to lend the control
      Validation.Figures f =
          Validation.evaluate(
              t, examples, io.gainstream.model.labels.ProxyLabels.Thresholds.defaults());
      assertThat(f.erasedDrop()).isBetween(-1.0, 1.0);
      assertThat(f.controlDrop()).isBetween(-1.0, 1.0);
      // one image alone borrows its own map turned half a turn
      Validation.Figures alone =
          Validation.evaluate(
              t,
              examples.subList(0, 1),
              io.gainstream.model.labels.ProxyLabels.Thresholds.defaults());
      assertThat(alone.controlDrop()).isBetween(-1.0, 1.0);
    }
  }

  @Test
  void shouldEraseExactlyTheTopFifthEvenOfAFlatMap() {
    float[] flat = new float[100];
    assertThat(Validation.topShare(flat, 0.2)).hasSize(20);
    float[] peaked = new float[100];
    for (int i = 0; i < 100; i++) {
      peaked[i] = i;
    }
    assertThat(Validation.topShare(peaked, 0.2))
        .containsExactlyInAnyOrder(
            java.util.stream.IntStream.range(80, 100).boxed().toArray(Integer[]::new));
  }
}
