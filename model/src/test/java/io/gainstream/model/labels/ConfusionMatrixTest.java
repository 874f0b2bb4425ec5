package io.gainstream.model.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ConfusionMatrixTest {
  private static byte[] b(int... v) {
    byte[] out = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (byte) v[i];
    }
    return out;
  }

  @Test
  void shouldComputeIouPerClassByHand() {
    ConfusionMatrix m = new ConfusionMatrix(2);
    //            truth: 0 0 0 1 1 1 2 2
    //       prediction: 0 0 1 1 1 0 2 1
    m.add(b(0, 0, 1, 1, 1, 0, 2, 1), b(0, 0, 0, 1, 1, 1, 2, 2));
    // class 0: tp 2, truth 3, predicted 3 → 2/4
    assertThat(m.iou(0)).isCloseTo(0.5, within(1e-12));
    // class 1: tp 2, truth 3, predicted 4 → 2/5
    assertThat(m.iou(1)).isCloseTo(0.4, within(1e-12));
    // class 2: tp 1, truth 2, predicted 1 → 1/2
    assertThat(m.iou(2)).isCloseTo(0.5, within(1e-12));
    assertThat(m.meanIou()).isCloseTo((0.5 + 0.4 + 0.5) / 3, within(1e-12));
    assertThat(m.foregroundMeanIou()).isCloseTo(0.45, within(1e-12));
    assertThat(m.pixelAccuracy()).isCloseTo(5 / 8.0, within(1e-12));
  }

  @Test
  void shouldSkipTruthVoidAndCountPredictedIgnoreSeparately() {
    ConfusionMatrix m = new ConfusionMatrix(1);
    m.add(b(1, 255, 255, 0, 1), b(1, 1, 0, 255, 255));
    assertThat(m.ignoredTruthPixels()).isEqualTo(2);
    assertThat(m.ignoredPredictedPixels()).isEqualTo(2);
    assertThat(m.count(1, 1)).isEqualTo(1);
    assertThat(m.iou(1)).isEqualTo(1.0);
    assertThat(m.iou(0)).as("class 0 absent from scored pixels").isNaN();
    assertThat(m.ignoredShare()).isCloseTo(2 / 3.0, within(1e-12));
    // strict: the class-1 pixel left at 255 counts as missed → 1 / 2; class 0: 0 / 1
    assertThat(m.strictIou(1)).isCloseTo(0.5, within(1e-12));
    assertThat(m.strictIou(0)).isZero();
    assertThat(m.strictForegroundMeanIou()).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void shouldGiveOneForAPerfectPrediction() {
    ConfusionMatrix m = new ConfusionMatrix(3);
    byte[] t = b(0, 1, 2, 3, 3, 2);
    m.add(t, t);
    assertThat(m.meanIou()).isEqualTo(1.0);
    assertThat(m.ignoredShare()).isZero();
  }

  @Test
  void shouldRejectClassesOutsideTheMatrix() {
    ConfusionMatrix m = new ConfusionMatrix(2);
    assertThatThrownBy(() -> m.add(b(3), b(0))).hasMessageContaining("prediction has class 3");
    assertThatThrownBy(() -> m.add(b(0, 0), b(0))).hasMessageContaining("pixels");
  }
}
