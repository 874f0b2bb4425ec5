package io.gainstream.model.image;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;

/**
 * Pre-processing as pure functions: RGB images to the network's NCHW float layout, and pixel labels
 * to per-class binary planes. No model needed to test them.
 */
public final class Tensors {
  private Tensors() {}

  /**
   * Resizes (bilinear) into the {@code size × size} input as a {@link Letterbox}: aspect ratio
   * kept, centred, padded with the mean colour ({@link RgbResize}).
   */
  public static BufferedImage resize(BufferedImage img, int size) {
    byte[] packed = packRgb(img, size);
    int[] rgb = new int[size * size];
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] =
          (packed[3 * i] & 0xff) << 16
              | (packed[3 * i + 1] & 0xff) << 8
              | (packed[3 * i + 2] & 0xff);
    }
    BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    out.setRGB(0, 0, size, size, rgb, 0, size);
    return out;
  }

  /**
   * Writes an RGB image, resized into the {@code size} input ({@link #resize}), as 3×size×size
   * floats in [0, 1] (CHW) into {@code dst} at {@code offset}.
   */
  public static void toChw(BufferedImage img, int size, float[] dst, int offset) {
    unpackRgb(ByteBuffer.wrap(packRgb(img, size)), dst, offset, size * size);
  }

  /**
   * An RGB image resized to {@code size} as interleaved 8-bit {@code r, g, b} bytes: a quarter of
   * the floats' size, which is what the pipeline buffers (and changelogs) between validation and
   * the batched model run. Takes any decoded image as it is (grey, palette, alpha, 16-bit).
   */
  public static byte[] packRgb(BufferedImage img, int size) {
    return RgbResize.packed(img, size);
  }

  /**
   * Unpacks {@link #packRgb} bytes of one image into CHW floats in [0, 1] at {@code offset}.
   *
   * @param plane pixels of the image ({@code size²})
   */
  public static void unpackRgb(ByteBuffer rgb, float[] dst, int offset, int plane) {
    if (rgb.remaining() != 3 * plane) {
      throw new IllegalArgumentException(
          "expected " + 3 * plane + " RGB bytes, got " + rgb.remaining());
    }
    byte[] b;
    int base;
    if (rgb.hasArray()) {
      b = rgb.array();
      base = rgb.arrayOffset() + rgb.position();
    } else {
      b = new byte[3 * plane];
      rgb.duplicate().get(b);
      base = 0;
    }
    for (int q = 0; q < plane; q++) {
      int i = base + 3 * q;
      dst[offset + q] = UNIT[b[i] & 0xff];
      dst[offset + plane + q] = UNIT[b[i + 1] & 0xff];
      dst[offset + 2 * plane + q] = UNIT[b[i + 2] & 0xff];
    }
  }

  /**
   * {@code v / 255f} for every byte value: the same floats as the division, without one per pixel.
   */
  private static final float[] UNIT = new float[256];

  static {
    for (int v = 0; v < 256; v++) {
      UNIT[v] = v / 255f;
    }
  }

  /** A fresh CHW array of one image. */
  public static float[] toChw(BufferedImage img, int size) {
    float[] dst = new float[3 * size * size];
    toChw(img, size, dst, 0);
    return dst;
  }

  /**
   * Nearest-neighbour resize of a class-index label map (labels must never be interpolated).
   *
   * @param labels row-major {@code height × width} class indices
   */
  public static byte[] resizeLabels(byte[] labels, int width, int height, int outW, int outH) {
    if (width == outW && height == outH) {
      return labels;
    }
    byte[] out = new byte[outW * outH];
    for (int y = 0; y < outH; y++) {
      int sy = Math.min(height - 1, (int) ((y + 0.5) * height / outH));
      for (int x = 0; x < outW; x++) {
        int sx = Math.min(width - 1, (int) ((x + 0.5) * width / outW));
        out[y * outW + x] = labels[sy * width + sx];
      }
    }
    return out;
  }

  /**
   * Binary planes of a square label map: plane k − 1 is 1 where the pixel is class k. Pixels
   * labelled 255 (ignore) are 0 in every plane.
   */
  public static void classPlanes(byte[] labels, int numClasses, float[] dst, int offset) {
    int plane = labels.length;
    for (int p = 0; p < plane; p++) {
      int k = labels[p] & 0xff;
      if (k >= 1 && k <= numClasses) {
        dst[offset + (k - 1) * plane + p] = 1f;
      }
    }
  }
}
