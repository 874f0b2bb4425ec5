package io.gainstream.model.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SoftMasksTest {
  @Test
  void shouldBeOneHalfExactlyAtSigma() {
    float[] m = SoftMasks.soft(new float[] {0.5f, 0.25f}, 0.5f, 10f);
    assertThat(m[0]).isEqualTo(0.5f);
    assertThat(SoftMasks.soft(new float[] {0.25f}, 0.25f, 100f)[0]).isEqualTo(0.5f);
  }

  @Test
  void shouldMatchTheSigmoidFormulaOnAnAllZeroMap() {
    float[] m = SoftMasks.soft(new float[16], 0.5f, 10f);
    double expected = 1 / (1 + Math.exp(5.0));
    for (float v : m) {
      assertThat((double) v).isCloseTo(expected, within(1e-7));
    }
  }

  @Test
  void shouldBeMonotoneAndApproachAHardThresholdForLargeOmega() {
    Random rnd = new Random(3);
    for (int trial = 0; trial < 200; trial++) {
      float a = rnd.nextFloat();
      float b = rnd.nextFloat();
      float[] m = SoftMasks.soft(new float[] {Math.min(a, b), Math.max(a, b)}, 0.4f, 8f);
      assertThat(m[0]).isLessThanOrEqualTo(m[1]);
    }
    float[] hard = SoftMasks.soft(new float[] {0.3f, 0.7f}, 0.5f, 1000f);
    assertThat(hard[0]).isLessThan(1e-6f);
    assertThat(hard[1]).isGreaterThan(1 - 1e-6f);
  }

  @Test
  void shouldQuantiseToEightBitGrey() {
    byte[] g = SoftMasks.toGray(new float[] {0f, 0.5f, 1f, 1.7f, -0.2f});
    assertThat(g[0] & 0xff).isEqualTo(0);
    assertThat(g[1] & 0xff).isEqualTo(128);
    assertThat(g[2] & 0xff).isEqualTo(255);
    assertThat(g[3] & 0xff).isEqualTo(255);
    assertThat(g[4] & 0xff).isEqualTo(0);
  }

  @Test
  void shouldQuantiseExactlyAsTheFormulaThroughTheTable() {
    float[][] params = {{0.5f, 10f}, {0.3f, 100f}, {0.5f, 1000f}, {0.7f, 1f}, {0f, 10f}, {1f, 10f}};
    Random rnd = new Random(5);
    for (float[] p : params) {
      SoftMasks.Gray table = SoftMasks.Gray.of(p[0], p[1]);
      java.util.List<Float> values = new java.util.ArrayList<>();
      for (int i = 0; i < 200_000; i++) {
        values.add(rnd.nextFloat());
      }
      // every step of the quantiser and its neighbours, the ends, and values the table leaves to
      // the formula
      for (int k = 0; k <= 4096; k++) {
        float a = k / 4096f;
        values.add(a);
        values.add(Math.nextDown(a));
        values.add(Math.nextUp(a));
      }
      for (float v = 0f; v <= 1f; v += 1e-5f) {
        values.add(v);
      }
      values.addAll(
          java.util.List.of(
              -0f,
              -1e-9f,
              -0.3f,
              1.0000001f,
              1.7f,
              Float.NaN,
              Float.NEGATIVE_INFINITY,
              Float.POSITIVE_INFINITY,
              Float.MIN_VALUE));
      float[] a = new float[values.size()];
      for (int i = 0; i < a.length; i++) {
        a[i] = values.get(i);
      }
      assertThat(table.apply(a))
          .as("sigma %s omega %s", p[0], p[1])
          .isEqualTo(SoftMasks.toGray(SoftMasks.soft(a, p[0], p[1])));
      assertThat(SoftMasks.gray(a, p[0], p[1])).isEqualTo(table.apply(a));
    }
  }
}
