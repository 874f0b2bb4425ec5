package io.gainstream.model.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gainstream.model.refine.RandomWalk;
import org.junit.jupiter.api.Test;

/**
 * The walk on {@link EdgeImage}: it spreads the blurred map over the object's colour and not over
 * the background's, so the label's boundary moves onto the object's edge.
 */
class WalkRefinerTest {
  private static final int W = EdgeImage.W;
  private static final int H = EdgeImage.H;
  private static final int S = EdgeImage.S;

  private final EdgeImage image = new EdgeImage(0.3);
  private final byte[] rgb = image.rgb;
  private final float[] map = image.map;

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
    assertThat(EdgeImage.wrong(before.classMap(), 0, 2))
        .as("thresholded: off by about 10 columns")
        .isGreaterThanOrEqualTo(8 * H);
    assertThat(EdgeImage.wrong(after.classMap(), 0, 2))
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
    assertThat(EdgeImage.wrong(out, 1, 3)).isLessThanOrEqualTo(2 * H);
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
}
