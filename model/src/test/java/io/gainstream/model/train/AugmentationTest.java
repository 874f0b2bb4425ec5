package io.gainstream.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class AugmentationTest {
  private static final int S = 16;

  /** Channel c at (x, y) = 100c + 10y + x (distinct everywhere); mask: class 1 on the left half. */
  private static Example example() {
    float[] chw = new float[3 * S * S];
    byte[] mask = new byte[S * S];
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < S; y++) {
        for (int x = 0; x < S; x++) {
          chw[c * S * S + y * S + x] = 100 * c + 10 * y + x;
          mask[y * S + x] = (byte) (x < S / 2 ? 1 : 0);
        }
      }
    }
    return new Example("e", chw, new int[] {1}, mask);
  }

  @Test
  void noneLeavesTheExampleAsItIs() {
    Example e = example();
    assertSame(e, Augmentation.NONE.apply(e, S, new Random(1)));
  }

  @Test
  void aFlipMirrorsImageAndMaskExactly() {
    Augmentation flipOnly = new Augmentation(true, 1f);
    Example e = example();
    Random rnd = new Random(3);
    int mirrored = 0;
    int kept = 0;
    for (int i = 0; i < 40; i++) {
      Example a = flipOnly.apply(e, S, rnd);
      if (a == e) {
        kept++;
        continue;
      }
      mirrored++;
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < S; y++) {
          for (int x = 0; x < S; x++) {
            assertEquals(
                e.chw()[c * S * S + y * S + (S - 1 - x)], a.chw()[c * S * S + y * S + x], 1e-4);
            assertEquals(e.mask()[y * S + (S - 1 - x)], a.mask()[y * S + x]);
          }
        }
      }
      assertArrayEquals(e.classes(), a.classes());
    }
    assertTrue(mirrored > 5 && kept > 5, "about half mirrored: " + mirrored + " of 40");
  }

  @Test
  void aCropZoomsIntoOneWindowOfTheImageAndItsMask() {
    Augmentation cropOnly = new Augmentation(false, 0.5f);
    Example e = example();
    Random rnd = new Random(7);
    for (int i = 0; i < 20; i++) {
      Example a = cropOnly.apply(e, S, rnd);
      float[] v = a.chw();
      // the image is linear in x and y, so a zoomed window stays linear with one common slope < 1
      // (away from the border, where sampling clamps to the edge pixel)
      float dx = v[S + 2] - v[S + 1];
      float dy = v[2 * S + 1] - v[S + 1];
      assertTrue(dx > 0.45f && dx <= 1.0001f, "x step " + dx);
      assertEquals(10 * dx, dy, 1e-3, "the crop is square: same zoom in x and y");
      for (int y = 1; y < S - 1; y++) {
        for (int x = 1; x < S - 2; x++) {
          assertEquals(dx, v[y * S + x + 1] - v[y * S + x], 1e-3);
        }
      }
      // channels move together; mask labels only take values that were there, left before right
      assertEquals(100, v[S * S] - v[0], 1e-3);
      for (int y = 0; y < S; y++) {
        for (int x = 1; x < S; x++) {
          assertTrue(
              a.mask()[y * S + x] <= a.mask()[y * S + x - 1],
              "the left-half label stays on the left");
        }
      }
    }
  }

  @Test
  void theSameSeedGivesTheSameAugmentation() {
    Example e = example();
    Example a = Augmentation.PHOTOS.apply(e, S, new Random(11));
    Example b = Augmentation.PHOTOS.apply(e, S, new Random(11));
    assertArrayEquals(a.chw(), b.chw());
    assertArrayEquals(a.mask(), b.mask());
  }

  @Test
  void refusesACropShareOutsideZeroToOne() {
    assertThrows(IllegalArgumentException.class, () -> new Augmentation(true, 0f));
    assertThrows(IllegalArgumentException.class, () -> new Augmentation(true, 1.5f));
  }

  @Test
  void shouldBlackOutOneRectangleOnTheShareAskedAndChangeNothingElse() {
    int size = 32;
    float[] chw = new float[3 * size * size];
    java.util.Arrays.fill(chw, 0.5f);
    Example e = new Example("a", chw, new int[] {1}, null);
    Augmentation always = new Augmentation(false, 1f, 1f);
    Example cut = always.apply(e, size, new java.util.Random(3));
    long black = 0;
    for (float v : cut.chw()) {
      if (v == 0f) {
        black++;
      }
    }
    // a rectangle of a quarter to half of each side, in all three channels
    assertThat(black % 3).isZero();
    assertThat(black / 3).isBetween(8L * 8, 16L * 16);
    assertThat(e.chw()[0]).as("the example itself is not touched").isEqualTo(0.5f);
    // off: the same draws and the same result as without the option
    Example a = Augmentation.PHOTOS.apply(e, size, new java.util.Random(5));
    Example b = Augmentation.PHOTOS.withCutout(0f).apply(e, size, new java.util.Random(5));
    assertThat(b.chw()).containsExactly(a.chw());
  }
}
