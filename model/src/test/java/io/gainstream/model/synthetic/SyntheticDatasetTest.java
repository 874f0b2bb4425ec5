package io.gainstream.model.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticDatasetTest {
  @Test
  void shouldGenerateTheSameImagesFromTheSameSeed() {
    List<SyntheticDataset.Sample> a = SyntheticDataset.generate(SyntheticDataset.Spec.of(5, 3));
    List<SyntheticDataset.Sample> b = SyntheticDataset.generate(SyntheticDataset.Spec.of(5, 3));
    for (int i = 0; i < 5; i++) {
      assertThat(b.get(i).id()).isEqualTo(a.get(i).id());
      assertThat(b.get(i).mask()).isEqualTo(a.get(i).mask());
      assertThat(b.get(i).image().getRGB(0, 0, 64, 64, null, 0, 64))
          .isEqualTo(a.get(i).image().getRGB(0, 0, 64, 64, null, 0, 64));
    }
  }

  @Test
  void shouldMaskExactlyTheLabelledClassesAndMixSingleAndMultiLabelImages() {
    List<SyntheticDataset.Sample> s = SyntheticDataset.generate(SyntheticDataset.Spec.of(300, 4));
    int multi = 0;
    int[] perClass = new int[5];
    for (SyntheticDataset.Sample x : s) {
      int[] pixels = new int[256];
      for (byte b : x.mask()) {
        pixels[b & 0xff]++;
      }
      for (int k = 1; k <= 4; k++) {
        final int kk = k;
        boolean labelled = java.util.Arrays.stream(x.classes()).anyMatch(c -> c == kk);
        if (labelled) {
          assertThat(pixels[k]).as("%s class %d has pixels", x.id(), kk).isGreaterThan(60);
          perClass[k]++;
        } else {
          assertThat(pixels[k]).as("%s class %d absent", x.id(), kk).isZero();
        }
      }
      assertThat(pixels[0]).isGreaterThan(64 * 64 / 3);
      if (x.classes().length == 2) {
        multi++;
      }
    }
    assertThat(multi).isBetween(60, 150);
    for (int k = 1; k <= 4; k++) {
      assertThat(perClass[k]).isGreaterThan(50);
    }
  }

  @Test
  void shouldCorrelateBackgroundWithClassOnlyWhenBiased() {
    double biased = backgroundSpread(true);
    double unbiased = backgroundSpread(false);
    // the corner pixel's colour varies far less within a class when biased
    assertThat(biased).isLessThan(unbiased * 0.6);
  }

  private static double backgroundSpread(boolean biased) {
    List<SyntheticDataset.Sample> s =
        SyntheticDataset.generate(new SyntheticDataset.Spec(2, 64, 200, 0.0, biased, 1.0, 8));
    double sum = 0;
    double sq = 0;
    int n = 0;
    for (SyntheticDataset.Sample x : s) {
      if (x.classes()[0] != 1 || x.mask()[0] != 0) {
        continue;
      }
      int rgb = x.image().getRGB(0, 0);
      double r = (rgb >> 16) & 0xff;
      double g = (rgb >> 8) & 0xff;
      double hueProxy = r - g;
      sum += hueProxy;
      sq += hueProxy * hueProxy;
      n++;
    }
    double mean = sum / n;
    return Math.sqrt(sq / n - mean * mean);
  }
}
