package io.gainstream.model.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gainstream.model.labels.LabelPng;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class PixelLabelsTest {
  private static final DecodeLimits LIMITS = DecodeLimits.defaults();

  private static byte[] labels(int w, int h, int value) {
    byte[] l = new byte[w * h];
    l[w + 1] = (byte) value;
    l[0] = (byte) 255;
    return l;
  }

  @Test
  void shouldDecodeAPaletteOrGreyLabel() {
    byte[] l = labels(6, 4, 3);
    assertThat(PixelLabels.decode(LabelPng.writePalette(l, 6, 4), 6, 4, 3, LIMITS)).isEqualTo(l);
    assertThat(PixelLabels.decode(LabelPng.writeGray(l, 6, 4), 6, 4, 3, LIMITS)).isEqualTo(l);
  }

  @Test
  void shouldRejectALabelOfTheWrongSize() {
    byte[] png = LabelPng.writePalette(labels(6, 4, 1), 6, 4);
    assertThatThrownBy(() -> PixelLabels.decode(png, 8, 4, 3, LIMITS))
        .isInstanceOf(InvalidMaskException.class)
        .hasMessageContaining("6x4")
        .hasMessageContaining("8x4")
        .satisfies(
            e ->
                assertThat(((InvalidMaskException) e).reason())
                    .isEqualTo(RejectReason.MASK_WRONG_SIZE));
  }

  @Test
  void shouldRejectOutOfRangeClassValues() {
    byte[] png = LabelPng.writePalette(labels(6, 4, 9), 6, 4);
    assertThatThrownBy(() -> PixelLabels.decode(png, 6, 4, 3, LIMITS))
        .isInstanceOf(InvalidMaskException.class)
        .hasMessageContaining("value 9 at (1,1)")
        .satisfies(
            e ->
                assertThat(((InvalidMaskException) e).reason())
                    .isEqualTo(RejectReason.MASK_VALUE_OUT_OF_RANGE));
  }

  @Test
  void shouldRejectAnRgbLabelAndUndecodableBytes() {
    byte[] rgb = TestImages.encode(TestImages.pattern(6, 4, BufferedImage.TYPE_INT_RGB), "png");
    assertThatThrownBy(() -> PixelLabels.decode(rgb, 6, 4, 3, LIMITS))
        .isInstanceOf(InvalidMaskException.class)
        .hasMessageContaining("single-channel");
    assertThatThrownBy(() -> PixelLabels.decode(new byte[] {1, 2, 3}, 6, 4, 3, LIMITS))
        .isInstanceOf(InvalidMaskException.class)
        .hasMessageContaining("pixel label")
        .satisfies(
            e ->
                assertThat(((InvalidMaskException) e).reason())
                    .isEqualTo(RejectReason.MASK_UNDECODABLE));
  }
}
