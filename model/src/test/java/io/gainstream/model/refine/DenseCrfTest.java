package io.gainstream.model.refine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DenseCrfTest {
  /** A w×h image dark left of column {@code edge} and bright from it on, with a little noise. */
  private static byte[] edgeImage(int w, int h, int edge, long seed) {
    Random rnd = new Random(seed);
    byte[] rgb = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int base = x < edge ? 40 : 210;
        for (int c = 0; c < 3; c++) {
          rgb[(y * w + x) * 3 + c] = (byte) (base + rnd.nextInt(9) - 4);
        }
      }
    }
    return rgb;
  }

  /**
   * A soft step whose 0.5 crossing is at {@code at}: the blurred attention of an object on the
   * right.
   */
  private static float[] blurredStep(int w, int h, double at, double width) {
    float[] m = new float[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        m[y * w + x] = (float) (1 / (1 + Math.exp(-(x - at) / width)));
      }
    }
    return m;
  }

  private static int[] argmax(float[][] q) {
    int[] out = new int[q[0].length];
    for (int i = 0; i < out.length; i++) {
      int best = 0;
      for (int l = 1; l < q.length; l++) {
        if (q[l][i] > q[best][i]) {
          best = l;
        }
      }
      out[i] = best;
    }
    return out;
  }

  @Test
  void shouldMoveTheLabelBoundaryOntoTheImageEdge() {
    int w = 48;
    int h = 24;
    int edge = 20;
    byte[] rgb = edgeImage(w, h, edge, 1);
    // the unrefined boundary (map 0.5) is 6 pixels right of the edge
    float[][] u = DenseCrf.unaries(new float[][] {blurredStep(w, h, edge + 6, 4)}, w * h, 1f);
    DenseCrf.Settings s = new DenseCrf.Settings(10, 3f, 3f, 10f, 20f, 13f);
    for (DenseCrf crf : new DenseCrf[] {DenseCrf.of(rgb, w, h, s), DenseCrf.exact(rgb, w, h, s)}) {
      int[] before = argmax(crfUnaryOnly(u));
      int[] after = argmax(crf.infer(u));
      int wrongBefore = 0;
      int wrongAfter = 0;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int truth = x < edge ? 0 : 1;
          wrongBefore += before[y * w + x] != truth ? 1 : 0;
          wrongAfter += after[y * w + x] != truth ? 1 : 0;
        }
      }
      assertThat(wrongBefore)
          .as("the unary alone is off by about 6 columns")
          .isGreaterThanOrEqualTo(5 * h);
      assertThat(wrongAfter)
          .as("pixels on the wrong side of the edge after the CRF")
          .isLessThanOrEqualTo(h);
    }
  }

  private static float[][] crfUnaryOnly(float[][] u) {
    float[][] q = new float[u.length][u[0].length];
    for (int i = 0; i < u[0].length; i++) {
      for (int l = 0; l < u.length; l++) {
        q[l][i] = (float) Math.exp(-u[l][i]);
      }
    }
    return q;
  }

  @Test
  void shouldNeverIncreaseTheMeanFieldEnergy() {
    int w = 20;
    int h = 16;
    Random rnd = new Random(3);
    byte[] rgb = new byte[w * h * 3];
    rnd.nextBytes(rgb);
    float[][] maps = {new float[w * h], new float[w * h]};
    for (float[] m : maps) {
      for (int i = 0; i < m.length; i++) {
        m[i] = rnd.nextFloat();
      }
    }
    float[][] u = DenseCrf.unaries(maps, w * h, 1f);
    double last = Double.POSITIVE_INFINITY;
    for (int t = 0; t <= 8; t++) {
      DenseCrf crf = DenseCrf.exact(rgb, w, h, new DenseCrf.Settings(t, 3f, 3f, 10f, 8f, 13f));
      double e = crf.energy(u, crf.infer(u));
      assertThat(e)
          .as("energy after %d iterations", t)
          .isLessThanOrEqualTo(last + 1e-6 * Math.abs(last));
      last = e;
    }
  }

  @Test
  void shouldHandleAnImageWithoutClassesAndAnAllBackgroundMap() {
    int w = 10;
    int h = 8;
    byte[] rgb = edgeImage(w, h, 5, 2);
    DenseCrf crf = DenseCrf.of(rgb, w, h, DenseCrf.Settings.defaults());
    float[][] none = crf.infer(DenseCrf.unaries(new float[0][], w * h, 1f));
    assertThat(none).hasDimensions(1, w * h);
    for (float v : none[0]) {
      assertThat(v).isEqualTo(1f);
    }
    float[][] q = crf.infer(DenseCrf.unaries(new float[][] {new float[w * h]}, w * h, 1f));
    assertThat(argmax(q)).containsOnly(0);
  }

  @Test
  void shouldBeDeterministic() {
    int w = 30;
    int h = 20;
    byte[] rgb = edgeImage(w, h, 12, 4);
    float[][] u = DenseCrf.unaries(new float[][] {blurredStep(w, h, 15, 3)}, w * h, 1f);
    float[][] a = DenseCrf.of(rgb, w, h, DenseCrf.Settings.defaults()).infer(u);
    float[][] b = DenseCrf.of(rgb, w, h, DenseCrf.Settings.defaults()).infer(u);
    assertThat(a).isDeepEqualTo(b);
  }

  /**
   * The lattice against the exact dense filter on a small image: the normalised messages agree
   * within 0.1 (on values in [0, 1]; their mean error is below 0.03), and after the full mean field
   * at least 97 % of pixels get the same label.
   */
  @Test
  void shouldAgreeWithTheExactDenseComputation() {
    int w = 32;
    int h = 24;
    Random rnd = new Random(6);
    byte[] rgb = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        boolean inside = (x - 14) * (x - 14) + (y - 11) * (y - 11) < 60;
        for (int c = 0; c < 3; c++) {
          rgb[(y * w + x) * 3 + c] = (byte) ((inside ? 190 : 60) + c * 10 + rnd.nextInt(21) - 10);
        }
      }
    }
    float[] map = new float[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        map[y * w + x] = (float) Math.exp(-((x - 16) * (x - 16) + (y - 12) * (y - 12)) / 60.0);
      }
    }
    float[][] u = DenseCrf.unaries(new float[][] {map}, w * h, 1f);
    DenseCrf.Settings s = new DenseCrf.Settings(10, 3f, 3f, 10f, 10f, 13f);
    DenseCrf exact = DenseCrf.exact(rgb, w, h, s);
    DenseCrf lattice = DenseCrf.of(rgb, w, h, s);
    float[] q = new float[w * h * 2];
    for (int i = 0; i < w * h; i++) {
      q[2 * i] = (float) Math.exp(-u[0][i]);
      q[2 * i + 1] = (float) Math.exp(-u[1][i]);
    }
    float[] me = exact.normalisedMessages(q, 2);
    float[] ml = lattice.normalisedMessages(q, 2);
    double worst = 0;
    double sum = 0;
    for (int k = 0; k < me.length; k++) {
      double d = Math.abs(me[k] - ml[k]);
      worst = Math.max(worst, d);
      sum += d;
    }
    System.out.printf("lattice vs exact messages: worst %.4f, mean %.4f%n", worst, sum / me.length);
    assertThat(worst).isLessThan(0.1);
    assertThat(sum / me.length).isLessThan(0.03);
    int[] a = argmax(exact.infer(u));
    int[] b = argmax(lattice.infer(u));
    int same = 0;
    for (int i = 0; i < a.length; i++) {
      same += a[i] == b[i] ? 1 : 0;
    }
    assertThat(same).isGreaterThanOrEqualTo((int) Math.ceil(0.97 * a.length));
  }
}
