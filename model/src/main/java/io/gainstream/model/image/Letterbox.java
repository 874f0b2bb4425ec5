package io.gainstream.model.image;

import java.util.Arrays;

/**
 * Where an image of {@code width × height} sits inside the square network input of side {@code
 * size}: its long side fills the input, its short side keeps the aspect ratio, and it is centred
 * with padding on both sides of the short one. The same geometry maps an attention map back: the
 * window is cut out and resized to the image's own size, so a map pixel and the image pixel it came
 * from stay on each other (no stretch, no shift).
 *
 * <p>Why not stretch: a 640×480 photo squeezed into a square makes every object a third narrower
 * than the backbone saw it on ImageNet, and a label resized back inherits the distortion. Padding
 * is the ImageNet mean colour ({@link #PAD_RGB}): after the release's normalisation it is zero,
 * what a convolution sees beyond the border anyway. A square image fills the input exactly, so the
 * built-in network on square images is unaffected.
 *
 * @param x left edge of the image in the input
 * @param y top edge of the image in the input
 * @param width the image's width in the input (at least 1)
 * @param height the image's height in the input (at least 1)
 * @param size side of the square input
 */
public record Letterbox(int x, int y, int width, int height, int size) {
  /** The padding colour (8-bit RGB): the ImageNet mean. */
  public static final int PAD_RGB = (124 << 16) | (116 << 8) | 104;

  /** The padding per channel as the network reads it (floats in [0, 1]). */
  public static final float[] PAD = {124 / 255f, 116 / 255f, 104 / 255f};

  /** The window of an {@code imageWidth × imageHeight} image in a {@code size}-square input. */
  public static Letterbox of(int imageWidth, int imageHeight, int size) {
    if (imageWidth < 1 || imageHeight < 1 || size < 1) {
      throw new IllegalArgumentException(
          "sizes must be >= 1, got " + imageWidth + "x" + imageHeight + " into " + size);
    }
    int w;
    int h;
    if (imageWidth >= imageHeight) {
      w = size;
      h = Math.max(1, (int) Math.round((double) imageHeight * size / imageWidth));
    } else {
      h = size;
      w = Math.max(1, (int) Math.round((double) imageWidth * size / imageHeight));
    }
    return new Letterbox((size - w) / 2, (size - h) / 2, w, h, size);
  }

  /** Whether the image fills the input (a square image): nothing is padded. */
  public boolean fills() {
    return width == size && height == size;
  }

  /**
   * A {@code size²} map (row-major) on the input, as a map of the image at {@code outWidth ×
   * outHeight}: the window cut out, then resized bilinearly.
   */
  public float[] mapBack(float[] map, int outWidth, int outHeight) {
    if (map.length != size * size) {
      throw new IllegalArgumentException(
          "map has " + map.length + " values, expected " + size * size);
    }
    return MapResize.bilinear(window(map), width, height, outWidth, outHeight);
  }

  /** The image's window of a {@code size²} plane (the plane itself when the image fills it). */
  public float[] window(float[] plane) {
    if (fills()) {
      return plane;
    }
    float[] window = new float[width * height];
    for (int r = 0; r < height; r++) {
      System.arraycopy(plane, (y + r) * size + x, window, r * width, width);
    }
    return window;
  }

  /**
   * The same image moved to another input size: one channel plane of it boxed at this size,
   * re-boxed at {@code to.size()} into {@code dst} at {@code offset}, the window resized bilinearly
   * and the rest padded with {@code pad}. Both boxes must be of the same image.
   */
  public void reframe(float[] plane, Letterbox to, float pad, float[] dst, int offset) {
    float[] w = MapResize.bilinear(window(plane), width, height, to.width, to.height);
    int s = to.size;
    if (!to.fills()) {
      Arrays.fill(dst, offset, offset + s * s, pad);
    }
    for (int r = 0; r < to.height; r++) {
      System.arraycopy(w, r * to.width, dst, offset + (to.y + r) * s + to.x, to.width);
    }
  }

  /**
   * Nearest-neighbour placement of a class-index label map into the input; padding is background
   * (0).
   */
  public byte[] placeLabels(byte[] labels, int imageWidth, int imageHeight) {
    byte[] inner = Tensors.resizeLabels(labels, imageWidth, imageHeight, width, height);
    if (fills()) {
      return inner;
    }
    byte[] out = new byte[size * size];
    for (int r = 0; r < height; r++) {
      System.arraycopy(inner, r * width, out, (y + r) * size + x, width);
    }
    return out;
  }
}
