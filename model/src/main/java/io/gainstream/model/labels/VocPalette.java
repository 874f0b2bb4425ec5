package io.gainstream.model.labels;

import java.awt.image.IndexColorModel;

/**
 * The PASCAL VOC colour map: class k gets the colour whose RGB bits interleave k's bits, so 0 is
 * black, 1 dark red, 255 (ignore) cream. Viewers and dataset tools recognise it.
 */
public final class VocPalette {
  private static final IndexColorModel MODEL = build();

  private VocPalette() {}

  /** Packed {@code 0xRRGGBB} colour of class index {@code k} (0..255). */
  public static int rgb(int k) {
    if (k < 0 || k > 255) {
      throw new IllegalArgumentException("palette index must be in [0, 255], got " + k);
    }
    int r = 0;
    int g = 0;
    int b = 0;
    int c = k;
    for (int j = 0; j < 8; j++) {
      r |= ((c) & 1) << (7 - j);
      g |= ((c >> 1) & 1) << (7 - j);
      b |= ((c >> 2) & 1) << (7 - j);
      c >>= 3;
    }
    return (r << 16) | (g << 8) | b;
  }

  /** The 256 entries as {@code r, g, b} triples (a PNG {@code PLTE} chunk). */
  public static byte[] rgbTriples() {
    byte[] t = new byte[768];
    for (int k = 0; k < 256; k++) {
      int c = rgb(k);
      t[3 * k] = (byte) (c >> 16);
      t[3 * k + 1] = (byte) (c >> 8);
      t[3 * k + 2] = (byte) c;
    }
    return t;
  }

  /** An 8-bit, 256-entry colour model of the palette. */
  public static IndexColorModel colorModel() {
    return MODEL;
  }

  private static IndexColorModel build() {
    byte[] r = new byte[256];
    byte[] g = new byte[256];
    byte[] b = new byte[256];
    for (int k = 0; k < 256; k++) {
      int c = rgb(k);
      r[k] = (byte) (c >> 16);
      g[k] = (byte) (c >> 8);
      b[k] = (byte) c;
    }
    return new IndexColorModel(8, 256, r, g, b);
  }
}
