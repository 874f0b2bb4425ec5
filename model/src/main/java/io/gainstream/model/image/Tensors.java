package io.gainstream.model.image;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;

/**
 * Pre-processing as pure functions: RGB images to the network's NCHW float layout, and pixel
 * labels to per-class binary planes. No model needed to test them.
 */
public final class Tensors {
  private Tensors() {}

  /**
   * Resizes (bilinear) into the {@code size × size} input as a {@link Letterbox}: aspect ratio kept,
   * centred, padded with the mean colour. Returns the same image when it already is the input.
   */
  public static BufferedImage resize(BufferedImage img, int size) {
    if (img.getWidth() == size && img.getHeight() == size && img.getType() == BufferedImage.TYPE_INT_RGB) {
      return img;
    }
    Letterbox box = Letterbox.of(img.getWidth(), img.getHeight(), size);
    BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      if (!box.fills()) {
        g.setColor(new java.awt.Color(Letterbox.PAD_RGB));
        g.fillRect(0, 0, size, size);
      }
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(img, box.x(), box.y(), box.width(), box.height(), null);
    } finally {
      g.dispose();
    }
    return out;
  }

  /**
   * Writes an RGB image, resized into the {@code size} input ({@link #resize}), as 3×size×size floats in [0, 1] (CHW) into
   * {@code dst} at {@code offset}.
   */
  public static void toChw(BufferedImage img, int size, float[] dst, int offset) {
    BufferedImage r = resize(img, size);
    int plane = size * size;
    int[] rgb = r.getRGB(0, 0, size, size, null, 0, size);
    for (int p = 0; p < plane; p++) {
      int v = rgb[p];
      dst[offset + p] = ((v >> 16) & 0xff) / 255f;
      dst[offset + plane + p] = ((v >> 8) & 0xff) / 255f;
      dst[offset + 2 * plane + p] = (v & 0xff) / 255f;
    }
  }

  /**
   * An RGB image resized to {@code size} as interleaved 8-bit {@code r, g, b} bytes: a quarter of
   * the floats' size, which is what the pipeline buffers (and changelogs) between validation and
   * the batched model run. Takes any decoded image as it is (grey, palette, alpha, 16-bit): the one
   * resizing draw converts it, so no separate full-size RGB copy is made first.
   */
  public static byte[] packRgb(BufferedImage img, int size) {
    int[] rgb = resize(img, size).getRGB(0, 0, size, size, null, 0, size);
    byte[] packed = new byte[rgb.length * 3];
    for (int i = 0; i < rgb.length; i++) {
      packed[3 * i] = (byte) (rgb[i] >> 16);
      packed[3 * i + 1] = (byte) (rgb[i] >> 8);
      packed[3 * i + 2] = (byte) rgb[i];
    }
    return packed;
  }

  /**
   * Unpacks {@link #packRgb} bytes of one image into CHW floats in [0, 1] at {@code offset}.
   *
   * @param plane pixels of the image ({@code size²})
   */
  public static void unpackRgb(ByteBuffer rgb, float[] dst, int offset, int plane) {
    if (rgb.remaining() != 3 * plane) {
      throw new IllegalArgumentException("expected " + 3 * plane + " RGB bytes, got " + rgb.remaining());
    }
    int base = rgb.position();
    for (int q = 0; q < plane; q++) {
      int i = base + 3 * q;
      dst[offset + q] = (rgb.get(i) & 0xff) / 255f;
      dst[offset + plane + q] = (rgb.get(i + 1) & 0xff) / 255f;
      dst[offset + 2 * plane + q] = (rgb.get(i + 2) & 0xff) / 255f;
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
