package io.gainstream.model.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gainstream.model.labels.ProxyLabels.Thresholds;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProxyLabelsTest {
  private static final Thresholds T = Thresholds.defaults(); // fg 0.30, bg 0.05

  private static int label(float[][] maps, int[] classes, int pixel) {
    return ProxyLabels.assign(maps, classes, maps[0].length, T)[pixel] & 0xff;
  }

  @Test
  void shouldApplyThresholdsAtTheirBoundaries() {
    float[][] maps = {{0.30f, 0.2999f, 0.05f, 0.0499f, 1f, 0f}};
    byte[] out = ProxyLabels.assign(maps, new int[] {7}, 6, T);
    assertThat(out[0] & 0xff).as("at fg: confident").isEqualTo(7);
    assertThat(out[1] & 0xff).as("just below fg: unsure").isEqualTo(255);
    assertThat(out[2] & 0xff).as("at bg: not below it, unsure").isEqualTo(255);
    assertThat(out[3] & 0xff).as("below bg: background").isEqualTo(0);
    assertThat(out[4] & 0xff).isEqualTo(7);
    assertThat(out[5] & 0xff).isEqualTo(0);
  }

  @Test
  void shouldPickTheStrongestConfidentClassAndIgnoreConflicts() {
    float[][] maps = {{0.9f, 0.9f, 0.2f}, {0.2f, 0.6f, 0.1f}};
    int[] classes = {2, 5};
    assertThat(label(maps, classes, 0)).isEqualTo(2);
    assertThat(label(maps, classes, 1)).as("two confident classes").isEqualTo(255);
    assertThat(label(maps, classes, 2)).as("best 0.2 is between thresholds").isEqualTo(255);
  }

  @Test
  void shouldLabelAllZeroMapsAsBackground() {
    byte[] out =
        ProxyLabels.assign(new float[][] {new float[10], new float[10]}, new int[] {1, 2}, 10, T);
    assertThat(out).containsOnly((byte) 0);
  }

  @Test
  void shouldLabelImagesWithoutAnyLabelAsBackground() {
    byte[] out = ProxyLabels.assign(new float[0][], new int[0], 12, T);
    assertThat(out).hasSize(12).containsOnly((byte) 0);
  }

  @Test
  void shouldLabelOnlyTheSinglePixelOfASinglePixelMap() {
    float[] m = new float[16];
    m[5] = 1f;
    byte[] out = ProxyLabels.assign(new float[][] {m}, new int[] {3}, 16, T);
    for (int i = 0; i < 16; i++) {
      assertThat(out[i] & 0xff).isEqualTo(i == 5 ? 3 : 0);
    }
  }

  @Test
  void shouldOnlyEverAssignAConfidentUncontestedClassOrBackgroundBelowTheThreshold() {
    Random rnd = new Random(17);
    for (int trial = 0; trial < 300; trial++) {
      int n = 1 + rnd.nextInt(3);
      int[] classes = new int[n];
      float[][] maps = new float[n][20];
      for (int c = 0; c < n; c++) {
        classes[c] = c + 1 + rnd.nextInt(3) * 3;
        for (int p = 0; p < 20; p++) {
          maps[c][p] = rnd.nextFloat();
        }
      }
      byte[] out = ProxyLabels.assign(maps, classes, 20, T);
      for (int p = 0; p < 20; p++) {
        int v = out[p] & 0xff;
        int confident = 0;
        float max = 0;
        for (int c = 0; c < n; c++) {
          max = Math.max(max, maps[c][p]);
          if (maps[c][p] >= 0.30f) {
            confident++;
          }
        }
        if (v == 0) {
          assertThat(max).isLessThan(0.05f);
        } else if (v == 255) {
          assertThat(max >= 0.05f && (max < 0.30f || confident > 1)).isTrue();
        } else {
          int idx = java.util.Arrays.stream(classes).boxed().toList().indexOf(v);
          assertThat(idx).isGreaterThanOrEqualTo(0);
          assertThat(maps[idx][p]).isEqualTo(max).isGreaterThanOrEqualTo(0.30f);
          assertThat(confident).isEqualTo(1);
        }
      }
    }
  }

  @Test
  void shouldRejectInconsistentArguments() {
    assertThatThrownBy(() -> ProxyLabels.assign(new float[][] {new float[3]}, new int[] {1}, 4, T))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected 4");
    assertThatThrownBy(
            () -> ProxyLabels.assign(new float[][] {new float[3]}, new int[] {255}, 3, T))
        .hasMessageContaining("[1, 254]");
    assertThatThrownBy(() -> new Thresholds(0.1f, 0.2f))
        .hasMessageContaining("background <= foreground");
  }
}
