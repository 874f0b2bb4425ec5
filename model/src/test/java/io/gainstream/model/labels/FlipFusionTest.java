package io.gainstream.model.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FlipFusionTest {
  private static float[] random(Random rnd, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = rnd.nextFloat();
    }
    return a;
  }

  @Test
  void shouldMirrorRows() {
    float[] m = {1, 2, 3, 4, 5, 6};
    assertThat(FlipFusion.flipHorizontal(m, 3, 2)).containsExactly(3, 2, 1, 6, 5, 4);
  }

  @Test
  void shouldBeSymmetricUnderSwappingImageAndMirror() {
    Random rnd = new Random(5);
    for (int trial = 0; trial < 200; trial++) {
      int w = 1 + rnd.nextInt(9);
      int h = 1 + rnd.nextInt(9);
      float[] a = random(rnd, w * h);
      float[] b = random(rnd, w * h);
      assertThat(FlipFusion.flipHorizontal(FlipFusion.flipHorizontal(a, w, h), w, h)).isEqualTo(a);
      float[] ab = FlipFusion.fuse(a, b, w, h);
      // what the mirror image sees, fused the same way, is the mirror of what the image sees
      assertThat(FlipFusion.fuse(b, a, w, h)).isEqualTo(FlipFusion.flipHorizontal(ab, w, h));
      for (int i = 0; i < a.length; i++) {
        assertThat(ab[i]).isGreaterThanOrEqualTo(a[i]);
      }
    }
  }

  @Test
  void shouldReturnTheMapItselfWhenTheMirrorImageSeesTheMirroredMap() {
    float[] a = {0.1f, 0.9f, 0.3f, 0.4f};
    assertThat(FlipFusion.fuse(a, FlipFusion.flipHorizontal(a, 2, 2), 2, 2)).containsExactly(a);
  }

  @Test
  void shouldRejectMapsOfTheWrongSize() {
    assertThatThrownBy(() -> FlipFusion.fuse(new float[5], new float[5], 2, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2x2");
  }
}
