package io.gainstream.services.export;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * COCO's uncompressed run-length encoding of a binary mask: run lengths over the pixels in
 * column-major (Fortran) order, alternating background and foreground and always starting with a
 * background run (of length 0 when the first pixel is foreground). The runs add up to {@code width
 * * height}. This is the {@code counts} list pycocotools reads with {@code frPyObjects}; kept apart
 * from the JSON writing so it can be tested on its own.
 *
 * <p>Masks are given and returned row-major, like every other pixel array in gainstream.
 */
public final class Rle {
  private Rle() {}

  /** Runs of a row-major mask. */
  public static int[] encode(boolean[] mask, int width, int height) {
    requireLength(mask == null ? -1 : mask.length, width, height);
    return encode(i -> mask[i], width, height);
  }

  /** Runs of a row-major mask; any non-zero byte is foreground. */
  public static int[] encode(byte[] mask, int width, int height) {
    requireLength(mask == null ? -1 : mask.length, width, height);
    return encode(i -> mask[i] != 0, width, height);
  }

  /** Runs of the row-major pixels {@code i} for which {@code foreground} holds. */
  static int[] encode(IntPredicate foreground, int width, int height) {
    requireSize(width, height);
    int[] runs = new int[16];
    int n = 0;
    boolean inForeground = false;
    int run = 0;
    for (int x = 0; x < width; x++) {
      for (int y = 0, i = x; y < height; y++, i += width) {
        if (foreground.test(i) != inForeground) {
          if (n == runs.length) {
            runs = Arrays.copyOf(runs, n * 2);
          }
          runs[n++] = run;
          run = 0;
          inForeground = !inForeground;
        }
        run++;
      }
    }
    if (n == runs.length) {
      runs = Arrays.copyOf(runs, n + 1);
    }
    runs[n++] = run;
    return Arrays.copyOf(runs, n);
  }

  /** The row-major mask of {@code counts}; they must be non-negative and add up to the size. */
  public static boolean[] decode(int[] counts, int width, int height) {
    requireSize(width, height);
    if (counts == null) {
      throw new IllegalArgumentException("counts must not be null");
    }
    int total = width * height;
    boolean[] mask = new boolean[total];
    long pos = 0;
    for (int r = 0; r < counts.length; r++) {
      int c = counts[r];
      if (c < 0 || pos + c > total) {
        throw new IllegalArgumentException(
            "run " + r + " (" + c + ") is negative or runs past the " + total + " pixels");
      }
      if (r % 2 == 1) {
        for (int j = (int) pos; j < pos + c; j++) {
          mask[(j % height) * width + j / height] = true;
        }
      }
      pos += c;
    }
    if (pos != total) {
      throw new IllegalArgumentException("runs cover " + pos + " pixels, expected " + total);
    }
    return mask;
  }

  private static void requireLength(int length, int width, int height) {
    requireSize(width, height);
    if (length != width * height) {
      throw new IllegalArgumentException(
          "a " + width + "x" + height + " mask needs " + width * height + " values, got " + length);
    }
  }

  private static void requireSize(int width, int height) {
    if (width < 1 || height < 1 || (long) width * height > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("bad mask size " + width + "x" + height);
    }
  }
}
