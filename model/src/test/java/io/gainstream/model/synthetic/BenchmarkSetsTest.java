package io.gainstream.model.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmark sets are what they claim: exact masks of the labelled classes, and the promised
 * context.
 */
class BenchmarkSetsTest {
  private static void assertMasksMatchLabels(
      List<SyntheticDataset.Sample> set, int classes, int minPixels) {
    for (SyntheticDataset.Sample s : set) {
      int[] count = new int[256];
      for (byte b : s.mask()) {
        count[b & 0xff]++;
      }
      for (int k = 1; k <= classes; k++) {
        final int kk = k;
        boolean labelled = Arrays.stream(s.classes()).anyMatch(c -> c == kk);
        if (labelled) {
          assertThat(count[k]).as("%s class %d", s.id(), k).isGreaterThanOrEqualTo(minPixels);
        } else {
          assertThat(count[k]).as("%s class %d", s.id(), k).isZero();
        }
      }
    }
  }

  @Test
  void shouldGivePartObjectsExactMasksAndAMarkInTheClassColour() {
    List<SyntheticDataset.Sample> set = PartObjects.generate(60, 96, PartObjects.Split.BIASED, 1);
    // two large bodies may overlap (the later in front), so a labelled class may show little
    assertMasksMatchLabels(set, 4, 1);
    // the mark: a run of strongly saturated pixels inside the body of every single-object image
    for (SyntheticDataset.Sample s : set) {
      if (s.classes().length != 1) {
        continue;
      }
      int saturated = 0;
      for (int p = 0; p < s.mask().length; p++) {
        if (s.mask()[p] == s.classes()[0]) {
          int rgb = s.image().getRGB(p % 96, p / 96);
          float[] hsb =
              java.awt.Color.RGBtoHSB((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff, null);
          if (hsb[1] > 0.7f) {
            saturated++;
          }
        }
      }
      assertThat(saturated).as(s.id()).isBetween(36, 100);
    }
  }

  @Test
  void shouldReproducePartObjectsFromTheSeedAndKeepSplitsApart() {
    var a = PartObjects.generate(5, 96, PartObjects.Split.SHIFTED, 3);
    var b = PartObjects.generate(5, 96, PartObjects.Split.SHIFTED, 3);
    var c = PartObjects.generate(5, 96, PartObjects.Split.BIASED, 3);
    for (int i = 0; i < 5; i++) {
      assertThat(b.get(i).mask()).isEqualTo(a.get(i).mask());
      assertThat(c.get(i).id()).isNotEqualTo(a.get(i).id());
    }
  }

  @Test
  void shouldCompositeFashionItemsOnRealTexturesWithExactMasks() throws Exception {
    assertThat(FashionComposites.available())
        .as("Debian packages dataset-fashion-mnist and python3-skimage (installed by .ci/run)")
        .isTrue();
    List<SyntheticDataset.Sample> set = FashionComposites.generate(40, 96, 5);
    assertMasksMatchLabels(set, 4, 80);
    assertThat(set.get(0).id()).isEqualTo("fashion-5-0");
  }
}
