package io.gainstream.model.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.gainstream.model.image.Tensors;
import io.gainstream.model.labels.ImageLabeler;
import io.gainstream.model.labels.ProxyLabels;
import io.gainstream.model.labels.TtaScales;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelPathTest {
  static BufferedImage picture(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    g.setColor(Color.RED);
    g.fillRect(w / 4, h / 4, w / 2, h / 2);
    g.dispose();
    return img;
  }

  static LabelPath path(int side) {
    return new LabelPath(
        new LabelRecipe(
            "cam",
            side,
            List.of("square"),
            ProxyLabels.Thresholds.defaults(),
            null,
            TtaScales.single(),
            false),
        ImageLabeler.Settings.defaults());
  }

  @Test
  void shouldBatchImagesPreparedAtItsSideExactlyAsTheTrainerFeedsThem() {
    BufferedImage a = picture(60, 40);
    BufferedImage b = picture(30, 50);
    float[] batch = path(32).batch(List.of(LabelPath.prepare(a, 32), LabelPath.prepare(b, 32)));

    float[] expected = new float[2 * 3 * 32 * 32];
    Tensors.toChw(a, 32, expected, 0);
    Tensors.toChw(b, 32, expected, 3 * 32 * 32);
    assertThat(batch).containsExactly(expected);
  }

  /** An image validated under an older release's side is re-boxed at the new side, not lost. */
  @Test
  void shouldReboxAnImagePreparedAtAnotherSideCloseToPreparingItThere() {
    BufferedImage a = picture(64, 48);
    float[] reboxed = path(32).batch(List.of(LabelPath.prepare(a, 48)));
    float[] direct = path(32).batch(List.of(LabelPath.prepare(a, 32)));

    double err = 0;
    for (int i = 0; i < direct.length; i++) {
      err += Math.abs(reboxed[i] - direct[i]);
    }
    assertThat(err / direct.length).isLessThan(0.03);
    byte[] back = LabelPath.modelRgb(LabelPath.prepare(a, 48).rgb(), 48, reboxed, 0, 32);
    assertThat(back).hasSize(3 * 32 * 32);
    // the centre of the red square reads back red
    int centre = 3 * (16 * 32 + 16);
    assertThat(back[centre] & 0xff).isGreaterThan(200);
    assertThat(back[centre + 1] & 0xff).isLessThan(50);
  }

  @Test
  void shouldLabelAtTheImagesOwnSizeWithTheRecipesThresholds() {
    int side = 16;
    float[] map = new float[side * side];
    for (int y = 4; y < 12; y++) {
      for (int x = 4; x < 12; x++) {
        map[y * side + x] = 1f;
      }
    }
    ImageLabeler.Result r = path(side).label(new float[][] {map}, new int[] {1}, 32, 32, null);

    assertThat(r.classMap()).hasSize(32 * 32);
    assertThat(r.classMap()[16 * 32 + 16]).isEqualTo((byte) 1);
    assertThat(r.classMap()[0]).isEqualTo((byte) 0);
  }
}
