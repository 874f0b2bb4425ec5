package io.gainstream.model.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MapResizeTest {
  @Test
  void shouldEqualTheInterpolationMatricesProduct() {
    Random rnd = new Random(2);
    for (int trial = 0; trial < 30; trial++) {
      int w = 1 + rnd.nextInt(12);
      int h = 1 + rnd.nextInt(12);
      int ow = 1 + rnd.nextInt(40);
      int oh = 1 + rnd.nextInt(40);
      float[] m = new float[w * h];
      for (int i = 0; i < m.length; i++) {
        m[i] = rnd.nextFloat();
      }
      float[] got = MapResize.bilinear(m, w, h, ow, oh);
      float[] uw = Upsampling.matrix(w, ow);
      float[] uh = Upsampling.matrix(h, oh);
      for (int y = 0; y < oh; y++) {
        for (int x = 0; x < ow; x++) {
          double v = 0;
          for (int j = 0; j < h; j++) {
            for (int i = 0; i < w; i++) {
              v += uh[y * h + j] * m[j * w + i] * uw[x * w + i];
            }
          }
          assertThat((double) got[y * ow + x]).isCloseTo(v, within(1e-5));
        }
      }
    }
  }

  @Test
  void shouldComputeTheSameTapsAsTheDenseMatrix() {
    int[][] sizes = {
      {448, 640},
      {448, 480},
      {448, 427},
      {14, 448},
      {224, 333},
      {640, 448},
      {1, 7},
      {7, 1},
      {3, 1000}
    };
    for (int[] s : sizes) {
      assertSameTaps(s[0], s[1]);
    }
    for (int in = 1; in <= 40; in++) {
      for (int out = 1; out <= 60; out++) {
        assertSameTaps(in, out);
      }
    }
  }

  private static void assertSameTaps(int in, int out) {
    int[] f = new int[out];
    float[] w = new float[out];
    int[] fm = new int[out];
    float[] wm = new float[out];
    MapResize.taps(in, out, f, w);
    MapResize.tapsOfMatrix(in, out, fm, wm);
    assertThat(f).as("first taps %d -> %d", in, out).isEqualTo(fm);
    assertThat(w).as("weights %d -> %d", in, out).isEqualTo(wm);
  }

  @Test
  void shouldKeepConstantMapsConstantAndValuesWithinRange() {
    float[] c = new float[16];
    java.util.Arrays.fill(c, 0.25f);
    for (float v : MapResize.bilinear(c, 4, 4, 13, 7)) {
      assertThat(v).isCloseTo(0.25f, within(1e-6f));
    }
  }
}
