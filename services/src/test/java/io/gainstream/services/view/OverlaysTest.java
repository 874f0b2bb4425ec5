package io.gainstream.services.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.labels.LabelPng;
import java.awt.Dimension;
import org.junit.jupiter.api.Test;

class OverlaysTest {
  @Test
  void shouldDrawAPhoneSizedLabelAtMostShownOnItsLongerSideAndASmallOneAsItIs() {
    assertThat(Overlays.shown(4032, 3024)).isEqualTo(new Dimension(512, 384));
    assertThat(Overlays.shown(3024, 4032)).isEqualTo(new Dimension(384, 512));
    assertThat(Overlays.shown(100, 5000)).isEqualTo(new Dimension(10, 512));
    assertThat(Overlays.shown(300, 200)).isEqualTo(new Dimension(300, 200));
    assertThat(Overlays.shown(1, 100_000)).isEqualTo(new Dimension(1, 512));
  }

  @Test
  void shouldSampleAMapAtTheNearestPixelKeepingEveryValueAsItIs() {
    // 4 x 2, halved: the pixel nearest each output pixel's centre
    byte[] map = {1, 2, 3, 4, 5, 6, 7, (byte) 255};
    assertThat(Overlays.sampled(map, 4, 2, new Dimension(2, 1))).containsExactly(6, (byte) 255);
    assertThat(Overlays.sampled(map, 4, 2, new Dimension(4, 2))).isSameAs(map);
  }

  @Test
  void shouldShrinkALargeLabelPngToItsShownSizeWithItsClassesAndIgnoreInPlace() {
    int w = 2048;
    int h = 1024;
    byte[] values = new byte[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        values[y * w + x] = (byte) (x < w / 2 ? 1 : y < h / 2 ? 255 : 0);
      }
    }
    byte[] png = LabelPng.writePalette(values, w, h);
    LabelPng.Decoded d = LabelPng.read(Overlays.shownLabel(png, w, h), DecodeLimits.defaults());
    assertThat(d.palette()).isTrue();
    assertThat(d.width()).isEqualTo(512);
    assertThat(d.height()).isEqualTo(256);
    assertThat(d.values()[10 * 512 + 10]).isEqualTo((byte) 1);
    assertThat(d.values()[10 * 512 + 500]).isEqualTo((byte) 255);
    assertThat(d.values()[250 * 512 + 500]).isEqualTo((byte) 0);
    byte[] small = LabelPng.writePalette(new byte[] {0, 1, 1, 0}, 2, 2);
    assertThat(Overlays.shownLabel(small, 2, 2)).isSameAs(small);
  }
}
