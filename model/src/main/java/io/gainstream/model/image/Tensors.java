package io.gainstream.model.image;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Pre-processing as pure functions: RGB images to the network's NCHW float layout, and pixel
 * labels to per-class binary planes. No model needed to test them.
 */
public final class Tensors {
  private Tensors() {}

  /** Resizes (bilinear) to {@code size × size} when needed; returns the same image otherwise. */
  public static BufferedImage resize(BufferedImage img, int size) {
    if (img.getWidth() == size && img.getHeight() == size && img.getType() == BufferedImage.TYPE_INT_RGB) {
      return img;
    }
    BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(img, 0, 0, size, size, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  /**
   * Writes an RGB image, resized to {@code size}, as 3×size×size floats in [0, 1] (CHW) into
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
