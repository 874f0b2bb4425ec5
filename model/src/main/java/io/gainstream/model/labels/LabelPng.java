package io.gainstream.model.labels;

import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.input.ImageDecoder;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * Class-index label maps as PNG: 8-bit palette PNGs with the VOC palette (so they are viewable and
 * tools read the indices back), and 8-bit grey PNGs for soft and ternary masks.
 */
public final class LabelPng {
  private LabelPng() {}

  /** A decoded single-channel PNG. */
  public record Decoded(int width, int height, byte[] values, boolean palette) {}

  /** 8-bit palette PNG of class indices with the VOC palette. */
  public static byte[] writePalette(byte[] labels, int width, int height) {
    return encode(labels, width, height, VocPalette.colorModel());
  }

  /** 8-bit grey PNG (masks, zones). */
  public static byte[] writeGray(byte[] values, int width, int height) {
    return encode(values, width, height, null);
  }

  private static byte[] encode(byte[] values, int width, int height, IndexColorModel palette) {
    if (width < 1 || height < 1 || values.length != width * height) {
      throw new IllegalArgumentException(values.length + " values do not make a " + width + "x" + height + " image");
    }
    BufferedImage img =
        palette == null
            ? new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY)
            : new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED, palette);
    WritableRaster r = img.getRaster();
    r.setDataElements(0, 0, width, height, values);
    ByteArrayOutputStream out = new ByteArrayOutputStream(values.length / 4 + 128);
    try {
      if (!ImageIO.write(img, "png", out)) {
        throw new IllegalStateException("no PNG writer available");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Reads a single-channel PNG back to its raw values (palette indices, not colours). */
  public static Decoded read(byte[] png, DecodeLimits limits) {
    BufferedImage img = ImageDecoder.decodeRaw(png, limits);
    Raster r = img.getRaster();
    if (r.getNumBands() != 1) {
      throw new IllegalArgumentException("expected a single-channel PNG, got " + r.getNumBands() + " channels");
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
