package io.gainstream.model.labels;

import io.gainstream.model.image.Letterbox;

/**
 * The refiners' test image: a letterboxed 96×64 photo-like image with an object (bright, right of
 * column 60) on a dark background, and a map of it that is blurred and shifted left, as a coarse
 * attention grid gives, at the model's 48-pixel input.
 */
final class EdgeImage {
  static final int W = 96;
  static final int H = 64;
  static final int S = 48;
  static final int EDGE = 60;

  /** The model's input, interleaved r, g, b. */
  final byte[] rgb = new byte[S * S * 3];

  /**
   * The map: crosses 0.5 ten image pixels left of the edge, and falls by {@code fade} to the right.
   */
  final float[] map = new float[S * S];

  EdgeImage(double fade) {
    Letterbox box = Letterbox.of(W, H, S);
    for (int y = 0; y < S; y++) {
      for (int x = 0; x < S; x++) {
        int p = y * S + x;
        boolean inside = y >= box.y() && y < box.y() + box.height();
        // image column of this input column
        double ix = (x + 0.5) * W / (double) S - 0.5;
        int v = !inside ? 124 : ix >= EDGE ? 220 : 30;
        rgb[3 * p] = (byte) v;
        rgb[3 * p + 1] = (byte) v;
        rgb[3 * p + 2] = (byte) v;
        map[p] =
            inside
                ? (float) (1 / (1 + Math.exp(-(ix - (EDGE - 10)) / 4)) * (1 - fade * ix / W))
                : 0f;
      }
    }
  }

  /** Pixels whose label is not {@code object} right of the edge and {@code left} left of it. */
  static int wrong(byte[] labels, int left, int object) {
    int n = 0;
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        n += labels[y * W + x] != (x >= EDGE ? object : left) ? 1 : 0;
      }
    }
    return n;
  }
}
