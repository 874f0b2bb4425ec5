package io.gainstream.model.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AttentionWindowTest {
  private static final AttentionWindow.Settings DEFAULTS = AttentionWindow.Settings.defaults();

  /**
   * A map of {@code w × h} that is {@code v} inside the given rectangle and {@code rest} outside.
   */
  private static float[] map(int w, int h, int x0, int y0, int x1, int y1, float v, float rest) {
    float[] m = new float[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        m[y * w + x] = x >= x0 && x < x1 && y >= y0 && y < y1 ? v : rest;
      }
    }
    return m;
  }

  @Test
  void shouldFrameThePeakOfTheAttentionWithItsMarginOnEachSide() {
    // peak 20 x 10 at (40, 30); half the peak everywhere else, which is below 0.8 of it
    float[] a = map(100, 80, 40, 30, 60, 40, 5f, 2.5f);
    AttentionWindow w = AttentionWindow.of(new float[][] {a}, 100, 80, DEFAULTS).orElseThrow();
    // 30 % of 20 is 6, of 10 is 3
    assertThat(w).isEqualTo(new AttentionWindow(34, 27, 32, 16));
  }

  @Test
  void shouldTakeEachClassAgainstItsOwnPeakAndClipToTheImage() {
    // a weak class whose peak is in the top-left corner and a strong one in the middle: each is
    // measured against its own maximum, so the window spans both, clipped at the corner
    float[] weak = map(50, 50, 0, 0, 5, 5, 0.1f, 0f);
    float[] strong = map(50, 50, 20, 20, 30, 30, 9f, 0f);
    AttentionWindow w =
        AttentionWindow.of(new float[][] {weak, strong}, 50, 50, DEFAULTS).orElseThrow();
    assertThat(w).isEqualTo(new AttentionWindow(0, 0, 39, 39));
  }

  @Test
  void shouldGiveNoWindowWhenItWouldBeTheWholeImageOrNothingIsAttended() {
    float[] flat = map(40, 30, 0, 0, 40, 30, 1f, 1f);
    assertThat(AttentionWindow.of(new float[][] {flat}, 40, 30, DEFAULTS)).isEmpty();
    assertThat(AttentionWindow.of(new float[][] {new float[40 * 30]}, 40, 30, DEFAULTS)).isEmpty();
    assertThat(AttentionWindow.of(new float[0][], 40, 30, DEFAULTS)).isEmpty();
  }

  @Test
  void shouldLayTheSecondLookOverTheFirstKeepingTheLargerForegroundOfEach() {
    float[] fg = {0.9f, 0.9f, 0.9f, 0.1f, 0.1f, 0.1f};
    AttentionWindow w = new AttentionWindow(1, 0, 2, 2);
    float[] out = w.overlay(fg, 3, new float[] {0.2f, 0.3f, 0.8f, 0.05f});
    assertThat(out).containsExactly(0.9f, 0.9f, 0.9f, 0.1f, 0.8f, 0.1f);
    assertThat(fg)
        .as("the input is not changed")
        .containsExactly(0.9f, 0.9f, 0.9f, 0.1f, 0.1f, 0.1f);
    assertThatThrownBy(() -> w.overlay(fg, 3, new float[3]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldDescribeItselfOnlyWhenOnAndRefuseSettingsOutOfRange() {
    assertThat(DEFAULTS.describe()).isEqualTo("zoom(attention >= 0.80, margin 0.30)");
    assertThat(DEFAULTS.off().describe()).isEmpty();
    assertThatThrownBy(() -> new AttentionWindow.Settings(true, 0f, 0.3f))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AttentionWindow.Settings(true, 0.8f, -0.1f))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
