package io.gainstream.model.labels;

import static org.assertj.core.api.Assertions.assertThat;

import io.gainstream.model.refine.DenseCrf;
import org.junit.jupiter.api.Test;

/**
 * The refiner on {@link EdgeImage}: thresholding puts the boundary where the blurred map crosses;
 * the CRF moves it to the object's edge, at the image's size.
 */
class CrfRefinerTest {
  private static final int W = EdgeImage.W;
  private static final int H = EdgeImage.H;
  private static final int S = EdgeImage.S;

  @Test
  void shouldMoveTheBoundaryOfTheLabelOntoTheObjectsEdge() {
    EdgeImage image = new EdgeImage(0);
    byte[] rgb = image.rgb;
    float[] map = image.map;
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
    assertThat(EdgeImage.wrong(before.classMap(), 0, 2))
        .as("thresholded: off by about 10 columns")
        .isGreaterThanOrEqualTo(8 * H);
    assertThat(EdgeImage.wrong(after.classMap(), 0, 2))
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
}
