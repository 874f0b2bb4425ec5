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

  /** Attention peaking on the columns {@code [x0, x1)}. */
  private static float[] peakOn(int x0, int x1) {
    float[] a = new float[W * H];
    for (int y = 5; y < 15; y++) {
      for (int x = x0; x < x1; x++) {
        a[y * W + x] = 1f;
      }
    }
    return a;
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
  void shouldTakeOutTheRegionThatShowsNoAnimalWhenTheAttendedPartDoes() {
    byte[] fused = new byte[W * H];
    paint(fused, 2, 2, 12); // the animal, where the attention peaks
    paint(fused, 2, 26, 38); // a boat the mask model found too
    LeftIsAnimal judge = new LeftIsAnimal();

    RegionCheck.Outcome o =
        RegionCheck.apply(fused, W, H, new int[] {2}, new float[][] {peakOn(3, 10)}, S, judge);

    assertThat(o.regionsOut()).isEqualTo(1);
    assertThat(o.pixelsOut()).isEqualTo(12 * 10);
    assertThat(o.classMap()[10 * W + 5]).isEqualTo((byte) 2);
    assertThat(o.classMap()[10 * W + 30]).isEqualTo((byte) 255);
    assertThat(o.classMap()[0]).isEqualTo((byte) 0);
    // the input is left as it was
    assertThat(fused[10 * W + 30]).isEqualTo((byte) 2);
    // one question for the window, one for the two regions
    assertThat(judge.calls).hasSize(2);
    assertThat(judge.calls.get(1)).hasSize(2);
  }

  @Test
  void shouldLeaveAClassWhoseAttendedPartIsNoAnimalAsFused() {
    byte[] fused = new byte[W * H];
    paint(fused, 1, 2, 12);
    paint(fused, 1, 26, 38);
    LeftIsAnimal judge = new LeftIsAnimal();

    // the attention peaks on the right: not an animal, so no region is asked about
    RegionCheck.Outcome o =
        RegionCheck.apply(fused, W, H, new int[] {1}, new float[][] {peakOn(28, 36)}, S, judge);

    assertThat(o.classMap()).isEqualTo(fused);
    assertThat(o.regionsOut()).isZero();
    assertThat(judge.calls).hasSize(1);
  }

  @Test
  void shouldCheckEachLabelledClassByItsOwnWindowAndLeaveSmallRegions() {
    byte[] fused = new byte[W * H];
    paint(fused, 2, 2, 12); // animal, attended on the left
    paint(fused, 2, 30, 31); // one column of it on the right: 10 of the 800 px
    paint(fused, 1, 22, 28); // the other class, attended on the right: not an animal
    RegionCheck.Settings big =
        new RegionCheck.Settings(0.5f, 0.1f, 0.02f, 0.15f, AttentionWindow.Settings.defaults());

    RegionCheck.Outcome o =
        RegionCheck.apply(
            fused,
            W,
            H,
            new int[] {1, 2},
            new float[][] {peakOn(22, 28), peakOn(3, 10)},
            big,
            new LeftIsAnimal());

    // the one-column region is 1.25 % of the image, under the 2 % asked for: left alone
    assertThat(o.classMap()).isEqualTo(fused);
    RegionCheck.Outcome all =
        RegionCheck.apply(
            fused,
            W,
            H,
            new int[] {1, 2},
            new float[][] {peakOn(22, 28), peakOn(3, 10)},
            S,
            new LeftIsAnimal());
    // at the default ½ % it is asked about and taken out; class 1 on the right is not touched
    assertThat(all.regionsOut()).isEqualTo(1);
    assertThat(all.classMap()[10 * W + 30]).isEqualTo((byte) 255);
    assertThat(all.classMap()[10 * W + 25]).isEqualTo((byte) 1);
  }

  @Test
  void shouldAskAboutTheWholeImageWhenTheAttentionHasNoPeakRegion() {
    byte[] fused = new byte[W * H];
    paint(fused, 2, 26, 38);
    LeftIsAnimal judge = new LeftIsAnimal();
    float[] flat = new float[W * H];
    java.util.Arrays.fill(flat, 1f);

    RegionCheck.apply(fused, W, H, new int[] {2}, new float[][] {flat}, S, judge);

    assertThat(judge.calls.get(0)).containsExactly(new RegionCheck.Box(0, 0, W, H));
  }

  @Test
  void shouldRefuseLevelsThatCannotBothHold() {
    assertThatThrownBy(
            () ->
                new RegionCheck.Settings(
                    0.3f, 0.3f, 0.005f, 0.15f, AttentionWindow.Settings.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("region < animal");
    assertThatThrownBy(
            () ->
                RegionCheck.apply(
                    new byte[W * H], W, H, new int[] {1, 2}, new float[1][], S, c -> new float[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
