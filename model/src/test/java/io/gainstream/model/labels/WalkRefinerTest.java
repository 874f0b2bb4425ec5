package io.gainstream.model.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gainstream.model.image.Letterbox;
import io.gainstream.model.refine.RandomWalk;
import org.junit.jupiter.api.Test;

/**
 * The walk on CrfRefinerTest's letterboxed 96×64 image: an object (bright, right of column 60) and
 * a map of it that is blurred and shifted left. The walk spreads the map over the object's colour
 * and not over the background's, so the label's boundary moves onto the object's edge.
 */
class WalkRefinerTest {
  private static final int W = 96;
  private static final int H = 64;
  private static final int S = 48;
  private static final int EDGE = 60;

  private final byte[] rgb = new byte[S * S * 3];
  private final float[] map = new float[S * S];

  WalkRefinerTest() {
    Letterbox box = Letterbox.of(W, H, S);
    for (int y = 0; y < S; y++) {
      for (int x = 0; x < S; x++) {
        int p = y * S + x;
        boolean inside = y >= box.y() && y < box.y() + box.height();
        double ix = (x + 0.5) * W / (double) S - 0.5;
        int v = !inside ? 124 : ix >= EDGE ? 220 : 30;
        rgb[3 * p] = (byte) v;
        rgb[3 * p + 1] = (byte) v;
        rgb[3 * p + 2] = (byte) v;
        // the map crosses 0.5 ten image pixels left of the edge, and fades towards the right
        map[p] =
            inside
                ? (float) (1 / (1 + Math.exp(-(ix - (EDGE - 10)) / 4)) * (1 - 0.3 * ix / W))
                : 0f;
      }
    }
  }

  private static ImageLabeler labeler(Refinement r) {
    ImageLabeler.Settings s =
        ImageLabeler.Settings.defaults().withThresholds(new ProxyLabels.Thresholds(0.5f, 0.5f));
    return new ImageLabeler(r == null ? s : s.withRefine(r));
  }

  @Test
  void shouldMoveTheBoundaryOfTheLabelOntoTheObjectsEdge() {
    ImageLabeler.Result before =
        labeler(null).label(new float[][] {map}, new int[] {2}, S, W, H, rgb);
    ImageLabeler.Result after =
        labeler(WalkRefiner.Settings.defaults())
            .label(new float[][] {map}, new int[] {2}, S, W, H, rgb);
    assertThat(after.unrefinedClassMap()).isEqualTo(before.classMap());
    assertThat(wrong(before.classMap()))
        .as("thresholded: off by about 10 columns")
        .isGreaterThanOrEqualTo(8 * H);
    assertThat(wrong(after.classMap()))
        .as("walked: at most two columns off")
        .isLessThanOrEqualTo(2 * H);
    assertThat(after.classMap()).as("the walk leaves nothing at 255").doesNotContain((byte) 255);
    assertThat(after.softMasks().get(2)).isEqualTo(before.softMasks().get(2));
  }

  @Test
  void shouldGiveTheSameLabelEveryTime() {
    Refinement.Refiner r = WalkRefiner.Settings.defaults().refiner();
    ProxyLabels.Thresholds t = new ProxyLabels.Thresholds(0.5f, 0.5f);
    byte[] first = r.classMap(new float[][] {map}, new int[] {2}, S, rgb, W, H, t);
    assertThat(r.classMap(new float[][] {map}, new int[] {2}, S, rgb, W, H, t)).isEqualTo(first);
  }

  @Test
  void shouldGiveEachPixelTheClassWhoseWalkedMapIsHighest() {
    // two classes: one map on the dark part, one on the bright object; each spreads over its own
    float[] left = new float[S * S];
    for (int i = 0; i < S * S; i++) {
      left[i] = map[i] > 0 ? 1 - map[i] : 0;
    }
    byte[] out =
        WalkRefiner.Settings.defaults()
            .refiner()
            .classMap(
                new float[][] {left, map},
                new int[] {1, 3},
                S,
                rgb,
                W,
                H,
                new ProxyLabels.Thresholds(0.5f, 0.5f));
    int wrong = 0;
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        wrong += out[y * W + x] != (x >= EDGE ? 3 : 1) ? 1 : 0;
      }
    }
    assertThat(wrong).isLessThanOrEqualTo(2 * H);
  }

  @Test
  void shouldLeaveAnImageWithoutClassesAllBackground() {
    ImageLabeler.Result r =
        labeler(WalkRefiner.Settings.defaults())
            .label(new float[0][], new int[0], S, W, H, new byte[S * S * 3]);
    assertThat(r.classMap()).hasSize(W * H).containsOnly((byte) 0);
    assertThat(r.unrefinedClassMap()).isEqualTo(r.classMap());
  }

  @Test
  void shouldRejectBadSettingsAndInputsOfTheWrongSize() {
    assertThatThrownBy(() -> new WalkRefiner.Settings(RandomWalk.Settings.defaults(), 0f, 32))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new WalkRefiner.Settings(RandomWalk.Settings.defaults(), 0.05f, 4))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                WalkRefiner.Settings.defaults()
                    .refiner()
                    .classMap(
                        new float[][] {map},
                        new int[] {2},
                        S,
                        new byte[7],
                        W,
                        H,
                        ProxyLabels.Thresholds.defaults()))
        .hasMessageContaining("RGB bytes");
  }

  private static int wrong(byte[] labels) {
    int n = 0;
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        n += labels[y * W + x] != (x >= EDGE ? 2 : 0) ? 1 : 0;
      }
    }
    return n;
  }
}
