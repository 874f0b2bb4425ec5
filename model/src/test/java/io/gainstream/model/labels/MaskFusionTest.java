package io.gainstream.model.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Each fusion rule on hand-made maps of a 6x4 image (rows of six pixels). */
class MaskFusionTest {
  private static final int W = 6;
  private static final int H = 4;

  /** A map from rows of digits: '0'..'9' as tenths. */
  private static float[] map(String... rows) {
    float[] m = new float[W * H];
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        m[y * W + x] = (rows[y].charAt(x) - '0') / 10f;
      }
    }
    return m;
  }

  /** A label from rows: digits are class indices, '#' is 255. */
  private static byte[] label(String... rows) {
    byte[] l = new byte[W * H];
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        char ch = rows[y].charAt(x);
        l[y * W + x] = ch == '#' ? (byte) 255 : (byte) (ch - '0');
      }
    }
    return l;
  }

  private static MaskFusion.Settings rule(MaskFusion.Rule r) {
    return MaskFusion.Settings.defaults().withRule(r);
  }

  /** No attention label at all (background everywhere). */
  private static final byte[] NONE = new byte[W * H];

  /** {@code rule} on a foreground map and one attention map per class, classes 1, 2, … */
  private static byte[] fuse(MaskFusion.Rule rule, float[] fg, byte[] unfused, float[]... maps) {
    int[] classes = new int[maps.length];
    for (int c = 0; c < maps.length; c++) {
      classes[c] = c + 1;
    }
    return MaskFusion.fuse(fg, maps, classes, unfused, W, H, rule(rule));
  }

  @Test
  void hysteresisKeepsWeakForegroundOnlyWhereTheAttentionIsStrong() {
    // a sure object on the left; a faint one on the right (fg 0.3), attended on its top half
    // only; no foreground at all under strong attention (bottom right) stays background
    float[] fg = map("990330", "990330", "990330", "000000");
    float[] horse = map("990000", "990000", "990000", "000000");
    float[] car = map("000990", "000990", "000110", "000099");
    byte[] fused = fuse(MaskFusion.Rule.HYSTERESIS, fg, NONE, horse, car);
    assertThat(fused).isEqualTo(label("110220", "110220", "110000", "000000"));
    // the same maps under the plain threshold: the faint object is lost
    assertThat(fuse(MaskFusion.Rule.THRESHOLD, fg, NONE, horse, car))
        .isEqualTo(label("110000", "110000", "110000", "000000"));
  }

  @Test
  void hysteresisLeavesTheHazeUnderTheWeakLevelToTheBackground() {
    // around a sure object, foreground of 0.1 under full attention: below the default weak level
    // (0.2, measured with the zoomed look) it is the haze around the object, not more of it
    float[] fg = map("199100", "199100", "199100", "111100");
    float[] horse = map("999900", "999900", "999900", "999900");
    assertThat(fuse(MaskFusion.Rule.HYSTERESIS, fg, NONE, horse))
        .isEqualTo(label("011000", "011000", "011000", "000000"));
    // at 0.2 the same pixels are foreground
    float[] faint = map("299200", "299200", "299200", "222200");
    assertThat(fuse(MaskFusion.Rule.HYSTERESIS, faint, NONE, horse))
        .isEqualTo(label("111100", "111100", "111100", "111100"));
  }

  @Test
  void thresholdGivesEveryForegroundPixelTheMostAttendedClass() {
    float[] fg = map("990000", "990000", "990000", "990000");
    float[] horse = map("900000", "500000", "100000", "000000");
    float[] car = map("000000", "100000", "300000", "300000");
    byte[] fused = fuse(MaskFusion.Rule.THRESHOLD, fg, NONE, horse, car);
    // car's map peaks at 0.3, so 0.3 is its full strength: it wins the lower rows
    assertThat(fused).isEqualTo(label("110000", "110000", "210000", "210000"));
  }

  @Test
  void regionsTakeTheClassTheirAttentionVotesForAndLeaveUnattendedSalientThingsAt255() {
    float[] fg = map("990099", "990099", "000000", "000000");
    // the attention sees only the top corner of the left object, nothing of the right one
    float[] horse = map("900000", "000000", "000000", "000000");
    byte[] unfused = label("100000", "000000", "000000", "000000");
    byte[] fused = fuse(MaskFusion.Rule.REGIONS, fg, unfused, horse);
    assertThat(fused).isEqualTo(label("1100##", "1100##", "000000", "000000"));
  }

  @Test
  void regionsKeepAnObjectTheMaskModelMissed() {
    // the mask model found the horse (left) but not the small car (bottom right)
    float[] fg = map("990000", "990000", "000000", "000000");
    float[] horse = map("990000", "990000", "000000", "000000");
    float[] car = map("000000", "000000", "000009", "000009");
    byte[] unfused = label("110000", "110000", "000002", "000022");
    byte[] fused = fuse(MaskFusion.Rule.REGIONS, fg, unfused, horse, car);
    assertThat(fused).isEqualTo(label("110000", "110000", "000002", "000022"));
    // the horse's attention spilling past its region stays background: the horse won a region
    byte[] spill = label("111000", "111000", "000002", "000022");
    assertThat(fuse(MaskFusion.Rule.REGIONS, fg, spill, horse, car))
        .isEqualTo(label("110000", "110000", "000002", "000022"));
  }

  @Test
  void regionsSplitPixelByPixelOnlyBetweenClassesWithARealShareOfTheVote() {
    float[] fg = map("999999", "999999", "000000", "000000");
    float[] person = map("999000", "999000", "000000", "000000");
    float[] dog = map("000999", "000999", "000000", "000000");
    byte[] both = fuse(MaskFusion.Rule.REGIONS, fg, NONE, person, dog);
    assertThat(both).isEqualTo(label("111222", "111222", "000000", "000000"));
    // a dog that holds a tenth of the vote does not carve out the pixels it peaks on
    float[] faint = map("000001", "000000", "000000", "000000");
    byte[] one = fuse(MaskFusion.Rule.REGIONS, fg, NONE, person, faint);
    assertThat(one).isEqualTo(label("111111", "111111", "000000", "000000"));
  }

  @Test
  void shouldLabelAnImageWithoutClassesBackgroundAndRefuseBadSettings() {
    assertThat(
            MaskFusion.fuse(
                map("999999", "999999", "999999", "999999"),
                new float[0][],
                new int[0],
                new byte[W * H],
                W,
                H,
                MaskFusion.Settings.defaults()))
        .isEqualTo(new byte[W * H]);
    assertThatThrownBy(
            () -> new MaskFusion.Settings(MaskFusion.Rule.REGIONS, 1f, 0.1f, 0.5f, 0.05f, 0.25f))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new MaskFusion.Settings(MaskFusion.Rule.HYSTERESIS, 0.5f, 0.6f, 0.5f, 0.05f, 0.25f))
        .as("weak above sure")
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(MaskFusion.Rule.parse(" Regions ")).isEqualTo(MaskFusion.Rule.REGIONS);
    assertThatThrownBy(() -> MaskFusion.Rule.parse("crf"))
        .hasMessageContaining("expected hysteresis, threshold or regions");
    assertThat(MaskFusion.Settings.defaults().describe())
        .isEqualTo("hysteresis(fg 0.50, weak 0.20 where attention >= 0.50)");
    assertThat(MaskFusion.Settings.defaults().withRule(MaskFusion.Rule.REGIONS).describe())
        .isEqualTo("regions(fg 0.50)");
  }
}
