package io.gainstream.model.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RgbResizeTest {
  /** A smooth colour field with some noise, in a 3-byte BGR image as ImageIO decodes photos. */
  private static BufferedImage photo(int w, int h, long seed) {
    Random rnd = new Random(seed);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int r = (int) (127 + 120 * Math.sin(x / 9.0));
        int g = (int) (127 + 120 * Math.cos(y / 7.0));
        int b = Math.min(255, (x * 3 + y * 2) % 256 + rnd.nextInt(4));
        img.setRGB(x, y, r << 16 | g << 8 | b);
      }
    }
    return img;
  }

  private static int[] unpack(byte[] packed) {
    int[] rgb = new int[packed.length / 3];
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] =
          (packed[3 * i] & 0xff) << 16
              | (packed[3 * i + 1] & 0xff) << 8
              | (packed[3 * i + 2] & 0xff);
    }
    return rgb;
  }

  /** A sub-image shares its parent's pixels at an offset: it must be read as the sub-image. */
  @Test
  void shouldReadASubImageAsItselfNotItsParent() {
    BufferedImage parent = photo(60, 40, 7);
    BufferedImage sub = parent.getSubimage(10, 5, 32, 32);
    assertThat(unpack(RgbResize.packed(sub, 32)))
        .isEqualTo(masked(sub.getRGB(0, 0, 32, 32, null, 0, 32)));
  }

  @Test
  void shouldCopyAnImageOfTheInputSizeUnchanged() {
    BufferedImage img = photo(32, 32, 2);
    assertThat(unpack(RgbResize.packed(img, 32)))
        .isEqualTo(masked(img.getRGB(0, 0, 32, 32, null, 0, 32)));
  }

  @Test
  void shouldPadOutsideTheWindowWithTheMeanColour() {
    BufferedImage img = photo(60, 30, 3);
    int[] out = unpack(RgbResize.packed(img, 40));
    Letterbox box = Letterbox.of(60, 30, 40);
    for (int y = 0; y < 40; y++) {
      boolean inside = y >= box.y() && y < box.y() + box.height();
      if (!inside) {
        for (int x = 0; x < 40; x++) {
          assertThat(out[y * 40 + x]).isEqualTo(Letterbox.PAD_RGB);
        }
      }
    }
  }

  /** The Java2D bilinear draw it replaced: the same pixels within rounding, up and down. */
  @Test
  void shouldAgreeWithJava2dBilinearScaling() {
    int[][] cases = {{40, 30, 64}, {200, 120, 64}, {480, 480, 448}, {640, 480, 448}, {97, 211, 50}};
    for (int[] c : cases) {
      BufferedImage img = photo(c[0], c[1], c[2]);
      int s = c[2];
      Letterbox box = Letterbox.of(c[0], c[1], s);
      BufferedImage ref = new BufferedImage(s, s, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = ref.createGraphics();
      g.setColor(new java.awt.Color(Letterbox.PAD_RGB));
      g.fillRect(0, 0, s, s);
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(img, box.x(), box.y(), box.width(), box.height(), null);
      g.dispose();
      int[] want = ref.getRGB(0, 0, s, s, null, 0, s);
      int[] got = unpack(RgbResize.packed(img, s));
      long sum = 0;
      int worst = 0;
      for (int i = 0; i < got.length; i++) {
        for (int sh = 0; sh <= 16; sh += 8) {
          int d = Math.abs(((got[i] >> sh) & 0xff) - ((want[i] >> sh) & 0xff));
          sum += d;
          worst = Math.max(worst, d);
        }
      }
      double mean = (double) sum / (3.0 * got.length);
      assertThat(mean).as("mean difference %dx%d -> %d", c[0], c[1], s).isLessThan(0.75);
      assertThat(worst).as("worst difference %dx%d -> %d", c[0], c[1], s).isLessThanOrEqualTo(8);
    }
  }

  @Test
  void shouldTreatOtherImageKindsAsTheirRgbConversion() {
    BufferedImage rgb = photo(50, 34, 4);
    for (int type :
        new int[] {
          BufferedImage.TYPE_INT_RGB,
          BufferedImage.TYPE_BYTE_GRAY,
          BufferedImage.TYPE_BYTE_INDEXED,
          BufferedImage.TYPE_4BYTE_ABGR,
          BufferedImage.TYPE_USHORT_GRAY
        }) {
      BufferedImage other = new BufferedImage(50, 34, type);
      Graphics2D g = other.createGraphics();
      g.drawImage(rgb, 0, 0, null);
      g.dispose();
      BufferedImage asRgb = new BufferedImage(50, 34, BufferedImage.TYPE_3BYTE_BGR);
      g = asRgb.createGraphics();
      g.drawImage(other, 0, 0, null);
      g.dispose();
      assertThat(RgbResize.packed(other, 40))
          .as("type %d", type)
          .isEqualTo(RgbResize.packed(asRgb, 40));
    }
  }

  private static int[] masked(int[] argb) {
    for (int i = 0; i < argb.length; i++) {
      argb[i] &= 0xffffff;
    }
    return argb;
  }
}
