package io.gainstream.model.labels;

import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.input.ImageDecoder;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Class-index label maps as PNG: 8-bit palette PNGs with the VOC palette (so they are viewable and
 * tools read the indices back), and 8-bit grey PNGs for soft and ternary masks.
 */
public final class LabelPng {
  private static final byte[] PALETTE = VocPalette.rgbTriples();

  private LabelPng() {}

  /** A decoded single-channel PNG. */
  public record Decoded(int width, int height, byte[] values, boolean palette) {}

  /** 8-bit palette PNG of class indices with the VOC palette. */
  public static byte[] writePalette(byte[] labels, int width, int height) {
    return PngWriter.palette(labels, width, height, PALETTE, PngWriter.DEFAULT_LEVEL);
  }

  /** 8-bit grey PNG (masks, zones). */
  public static byte[] writeGray(byte[] values, int width, int height) {
    return PngWriter.grey(values, width, height, PngWriter.DEFAULT_LEVEL);
  }

  /** Reads a single-channel PNG back to its raw values (palette indices, not colours). */
  public static Decoded read(byte[] png, DecodeLimits limits) {
    BufferedImage img = ImageDecoder.decodeRaw(png, limits);
    Raster r = img.getRaster();
    if (r.getNumBands() != 1) {
      throw new IllegalArgumentException(
          "expected a single-channel PNG, got " + r.getNumBands() + " channels");
    }
    int w = img.getWidth();
    int h = img.getHeight();
    int[] samples = r.getSamples(0, 0, w, h, 0, (int[]) null);
    byte[] values = new byte[samples.length];
    for (int i = 0; i < samples.length; i++) {
      values[i] = (byte) samples[i];
    }
    return new Decoded(w, h, values, img.getColorModel() instanceof IndexColorModel);
  }
}
