package io.gainstream.model.labels;

import static org.assertj.core.api.Assertions.assertThat;

import io.gainstream.model.image.Letterbox;
import io.gainstream.model.refine.DenseCrf;
import org.junit.jupiter.api.Test;

/**
 * The refiner on a letterboxed 96×64 photo-like image: an object (bright, right of column 60) and a
 * map of it that is blurred and shifted left, as a coarse attention grid gives. Thresholding puts
 * the boundary where the map crosses; the CRF moves it to the object's edge, at the image's size.
 */
class CrfRefinerTest {
  private static final int W = 96;
  private static final int H = 64;
  private static final int S = 48;
  private static final int EDGE = 60;

  @Test
  void shouldMoveTheBoundaryOfTheLabelOntoTheObjectsEdge() {
    Letterbox box = Letterbox.of(W, H, S);
    byte[] rgb = new byte[S * S * 3];
    float[] map = new float[S * S];
    for (int y = 0; y < S; y++) {
      for (int x = 0; x < S; x++) {
        int p = y * S + x;
        boolean inside = y >= box.y() && y < box.y() + box.height();
        // image column of this input column
        double ix = (x + 0.5) * W / (double) S - 0.5;
        int v = !inside ? 124 : ix >= EDGE ? 220 : 30;
        rgb[3 * p] = (byte) v;
        rgb[3 * p + 1] = (byte) v;
        rgb[3 * p + 2] = (byte) v;
        // the map crosses 0.5 ten image pixels left of the edge
        map[p] = inside ? (float) (1 / (1 + Math.exp(-(ix - (EDGE - 10)) / 4))) : 0f;
      }
    }
    ImageLabeler plain =
        new ImageLabeler(
            ImageLabeler.Settings.defaults()
                .withThresholds(new ProxyLabels.Thresholds(0.5f, 0.5f)));
    ImageLabeler refining =
        new ImageLabeler(
            plain
                .settings()
                .withRefine(
                    new CrfRefiner.Settings(
                        new DenseCrf.Settings(10, 3f, 3f, 10f, 40f, 13f), 1f, 0f, 256)));
    ImageLabeler.Result before = plain.label(new float[][] {map}, new int[] {2}, S, W, H, rgb);
    ImageLabeler.Result after = refining.label(new float[][] {map}, new int[] {2}, S, W, H, rgb);
    assertThat(before.unrefinedClassMap()).as("an unrefining labeler keeps no second map").isNull();
    assertThat(after.unrefinedClassMap()).isEqualTo(before.classMap());
    assertThat(wrong(before.classMap()))
        .as("thresholded: off by about 10 columns")
        .isGreaterThanOrEqualTo(8 * H);
    assertThat(wrong(after.classMap()))
        .as("refined: at most two columns off")
        .isLessThanOrEqualTo(2 * H);
    // masks are maps, not labels: unchanged by refinement
    assertThat(after.softMasks().get(2)).isEqualTo(before.softMasks().get(2));
    assertThat(after.zones().get(2)).isEqualTo(before.zones().get(2));
  }

  @Test
  void shouldLeaveAnImageWithoutClassesAllBackground() {
    ImageLabeler refining =
        new ImageLabeler(
            ImageLabeler.Settings.defaults().withRefine(CrfRefiner.Settings.defaults()));
    ImageLabeler.Result r =
        refining.label(new float[0][], new int[0], S, W, H, new byte[S * S * 3]);
    assertThat(r.classMap()).hasSize(W * H).containsOnly((byte) 0);
    assertThat(r.unrefinedClassMap())
        .as("refined and unrefined labels cover the same images")
        .isEqualTo(r.classMap());
  }

  private static int wrong(byte[] labels) {
    int n = 0;
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        int truth = x >= EDGE ? 2 : 0;
        n += labels[y * W + x] != truth ? 1 : 0;
      }
    }
    return n;
  }
}
