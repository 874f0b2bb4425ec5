package io.gainstream.model.input;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;

/**
 * Decodes and checks a pixel-level label (GAIN_ext): a single-channel PNG (palette or grey), the
 * size of its image, each pixel a class index in {@code 0..C} or 255 (ignore).
 */
public final class PixelLabels {
  private PixelLabels() {}

  /**
   * Class indices, row-major.
   *
   * @param expectedWidth width of the image the label belongs to
   * @param expectedHeight height of that image
   * @param numClasses foreground classes C
   * @throws InvalidMaskException naming the problem
   */
  public static byte[] decode(
      byte[] png, int expectedWidth, int expectedHeight, int numClasses, DecodeLimits limits) {
    BufferedImage img;
    try {
      img = ImageDecoder.decodeRaw(png, limits);
    } catch (ImageDecodeException e) {
      throw new InvalidMaskException(
          RejectReason.MASK_UNDECODABLE, "pixel label: " + e.getMessage(), e);
    }
    Raster r = img.getRaster();
    if (r.getNumBands() != 1) {
      throw new InvalidMaskException(
          RejectReason.MASK_NOT_SINGLE_CHANNEL,
          "pixel label must be a single-channel (palette or grey) PNG of class indices, got "
              + r.getNumBands()
              + " channels");
    }
    if (img.getWidth() != expectedWidth || img.getHeight() != expectedHeight) {
      throw new InvalidMaskException(
          RejectReason.MASK_WRONG_SIZE,
          "pixel label is "
              + img.getWidth()
              + "x"
              + img.getHeight()
              + ", its image is "
              + expectedWidth
              + "x"
              + expectedHeight);
    }
    return classIndices(r, numClasses);
  }

  /** Class indices of a single-band raster, each checked to be in {@code 0..numClasses} or 255. */
  static byte[] classIndices(Raster r, int numClasses) {
    int w = r.getWidth();
    int h = r.getHeight();
    int[] row = new int[w];
    byte[] out = new byte[w * h];
    for (int y = 0; y < h; y++) {
      r.getSamples(0, y, w, 1, 0, row);
      for (int x = 0; x < w; x++) {
        int v = row[x];
        if (v != 255 && (v < 0 || v > numClasses)) {
          throw new InvalidMaskException(
              RejectReason.MASK_VALUE_OUT_OF_RANGE,
              "pixel label value "
                  + v
                  + " at ("
                  + x
                  + ","
                  + y
                  + ") is not a class index 0.."
                  + numClasses
                  + " or 255 (ignore)");
        }
        out[y * w + x] = (byte) v;
      }
    }
    return out;
  }
}
