package io.gainstream.model.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The animal check on hand-made labels: a classifier stand-in that calls everything left of the
 * middle an animal and everything right of it not.
 */
class RegionCheckTest {
  private static final int W = 40;
  private static final int H = 20;
  private static final RegionCheck.Settings S = RegionCheck.Settings.defaults();

  /** Class {@code c} on the columns {@code [x0, x1)} of rows 5 to 14. */
  private static void paint(byte[] map, int c, int x0, int x1) {
    for (int y = 5; y < 15; y++) {
      for (int x = x0; x < x1; x++) {
        map[y * W + x] = (byte) c;
      }
    }
  }

  /** Animal (0.95) when a crop's centre is left of the middle, else 0.02; records every call. */
  private static final class LeftIsAnimal implements RegionCheck.AnimalShares {
    final List<List<RegionCheck.Box>> calls = new ArrayList<>();

    @Override
    public float[] of(List<RegionCheck.Box> crops) {
      calls.add(crops);
      float[] out = new float[crops.size()];
      for (int i = 0; i < out.length; i++) {
        RegionCheck.Box b = crops.get(i);
        out[i] = (b.x0() + b.x1()) / 2f < W / 2f ? 0.95f : 0.02f;
      }
      return out;
    }
  }

  @Test
  void shouldTakeOutTheRegionOfAnAnimalClassThatShowsNoAnimal() {
    byte[] fused = new byte[W * H];
    paint(fused, 2, 2, 12); // the animal
    paint(fused, 2, 26, 38); // a boat the mask model found too
    LeftIsAnimal judge = new LeftIsAnimal();

    RegionCheck.Outcome o = RegionCheck.apply(fused, W, H, new int[] {2}, S, judge);

    assertThat(o.regionsOut()).isEqualTo(1);
    assertThat(o.pixelsOut()).isEqualTo(12 * 10);
    assertThat(o.classMap()[10 * W + 5]).isEqualTo((byte) 2);
    assertThat(o.classMap()[10 * W + 30]).isEqualTo((byte) 255);
    assertThat(o.classMap()[0]).isEqualTo((byte) 0);
    // the input is left as it was, and the two regions were asked about in one call
    assertThat(fused[10 * W + 30]).isEqualTo((byte) 2);
    assertThat(judge.calls).hasSize(1);
    assertThat(judge.calls.get(0)).hasSize(2);
  }

  @Test
  void shouldLeaveClassesThatAreNotAnimalsAndSmallRegionsAlone() {
    byte[] fused = new byte[W * H];
    paint(fused, 2, 2, 12); // an animal
    paint(fused, 2, 30, 31); // one column of it on the right: 10 of the 800 px
    paint(fused, 1, 22, 28); // a class that is no animal, on the right
    LeftIsAnimal judge = new LeftIsAnimal();
    RegionCheck.Settings big = new RegionCheck.Settings(0.1f, 0.02f, 0.15f);

    // the one-column region is 1.25 % of the image, under the 2 % asked for; class 1 is not asked
    assertThat(RegionCheck.apply(fused, W, H, new int[] {2}, big, judge).classMap())
        .isEqualTo(fused);
    RegionCheck.Outcome all = RegionCheck.apply(fused, W, H, new int[] {2}, S, judge);
    // at the default ½ % it is asked about and taken out; class 1 on the right is not touched
    assertThat(all.regionsOut()).isEqualTo(1);
    assertThat(all.classMap()[10 * W + 30]).isEqualTo((byte) 255);
    assertThat(all.classMap()[10 * W + 25]).isEqualTo((byte) 1);
    // no animal class labelled: nothing asked
    int asked = judge.calls.size();
    assertThat(RegionCheck.apply(fused, W, H, new int[0], S, judge).classMap()).isEqualTo(fused);
    assertThat(judge.calls).hasSize(asked);
  }

  @Test
  void shouldCallAPhotoAnAnimalWhenOneOfItsCropsShowsOne() {
    // the whole photo and the centre are mostly right of the middle: only a left quarter shows
    // the "animal"
    assertThat(RegionCheck.photoCrops(W, H))
        .hasSize(6)
        .contains(new RegionCheck.Box(0, 0, W, H), new RegionCheck.Box(0, 0, W / 2, H / 2));
    assertThat(RegionCheck.animalPhoto(W, H, new LeftIsAnimal())).isTrue();
    assertThat(RegionCheck.animalPhoto(W, H, crops -> new float[crops.size()])).isFalse();
  }

  @Test
  void shouldRefuseARegionLevelThatNoAnimalPhotoCouldPass() {
    assertThatThrownBy(() -> new RegionCheck.Settings(0.5f, 0.005f, 0.15f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("region < 0.5");
  }
}
