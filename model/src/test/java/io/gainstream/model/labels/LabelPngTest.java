package io.gainstream.model.labels;

import static org.assertj.core.api.Assertions.assertThat;

import io.gainstream.model.input.DecodeLimits;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class LabelPngTest {
  @Test
  void shouldUseTheVocColours() {
    assertThat(VocPalette.rgb(0)).isEqualTo(0x000000);
    assertThat(VocPalette.rgb(1)).isEqualTo(0x800000);
    assertThat(VocPalette.rgb(2)).isEqualTo(0x008000);
    assertThat(VocPalette.rgb(15)).isEqualTo(0xC08080); // person
    assertThat(VocPalette.rgb(255)).isEqualTo(0xE0E0C0); // ignore
  }

  @Test
  void shouldRoundTripClassIndicesThroughAPalettePng() throws Exception {
    Random rnd = new Random(9);
    int w = 37;
    int h = 23;
    byte[] labels = new byte[w * h];
    for (int i = 0; i < labels.length; i++) {
      int v = rnd.nextInt(10);
      labels[i] = (byte) (v == 9 ? 255 : v);
    }
    byte[] png = LabelPng.writePalette(labels, w, h);
    LabelPng.Decoded back = LabelPng.read(png, DecodeLimits.defaults());
    assertThat(back.width()).isEqualTo(w);
    assertThat(back.height()).isEqualTo(h);
    assertThat(back.palette()).isTrue();
    assertThat(back.values()).isEqualTo(labels);

    // any viewer sees the VOC colours
    BufferedImage seen = ImageIO.read(new ByteArrayInputStream(png));
    for (int i = 0; i < 50; i++) {
      int x = rnd.nextInt(w);
      int y = rnd.nextInt(h);
      assertThat(seen.getRGB(x, y) & 0xffffff).isEqualTo(VocPalette.rgb(labels[y * w + x] & 0xff));
    }
  }

  @Test
  void shouldRoundTripGreyMasks() {
    byte[] v = new byte[256];
    for (int i = 0; i < 256; i++) {
      v[i] = (byte) i;
    }
    LabelPng.Decoded back = LabelPng.read(LabelPng.writeGray(v, 16, 16), DecodeLimits.defaults());
    assertThat(back.values()).isEqualTo(v);
    assertThat(back.palette()).isFalse();
  }

  @Test
  void shouldRoundTripRandomGreyValuesOfAnyShape() throws Exception {
    Random rnd = new Random(4);
    int[][] shapes = {{1, 1}, {1, 40}, {40, 1}, {97, 3}, {64, 64}};
    for (int[] s : shapes) {
      byte[] v = new byte[s[0] * s[1]];
      rnd.nextBytes(v);
      byte[] png = LabelPng.writeGray(v, s[0], s[1]);
      assertThat(LabelPng.read(png, DecodeLimits.defaults()).values())
          .as("%dx%d", s[0], s[1])
          .isEqualTo(v);
      BufferedImage seen = ImageIO.read(new ByteArrayInputStream(png));
      assertThat(seen.getWidth()).isEqualTo(s[0]);
      assertThat(seen.getHeight()).isEqualTo(s[1]);
    }
  }

  @Test
  void shouldRefuseValuesThatDoNotMatchTheSize() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> LabelPng.writeGray(new byte[10], 3, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3x3");
  }
}
