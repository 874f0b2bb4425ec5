package io.gainstream.model.labels;

/**
 * Horizontal-flip test-time fusion: the map of an image and the map of its mirror image, flipped
 * back, fused by element-wise max (as SeeNet and IRN do at test time).
 */
public final class FlipFusion {
  private FlipFusion() {}

  /** Mirror of a row-major {@code height × width} map around its vertical axis. */
  public static float[] flipHorizontal(float[] map, int width, int height) {
    check(map, width, height);
    float[] out = new float[map.length];
    for (int y = 0; y < height; y++) {
      int row = y * width;
      for (int x = 0; x < width; x++) {
        out[row + x] = map[row + width - 1 - x];
      }
    }
    return out;
  }

  /**
   * {@code max(map, flip(mapOfFlipped))}.
   *
   * @param map attention of the image
   * @param mapOfFlipped attention computed on the horizontally flipped image
   */
  public static float[] fuse(float[] map, float[] mapOfFlipped, int width, int height) {
    check(map, width, height);
    float[] back = flipHorizontal(mapOfFlipped, width, height);
    for (int i = 0; i < back.length; i++) {
      back[i] = Math.max(map[i], back[i]);
    }
    return back;
  }

  private static void check(float[] map, int width, int height) {
    if (width < 1 || height < 1 || map.length != width * height) {
      throw new IllegalArgumentException(
          "map of " + map.length + " values is not " + width + "x" + height);
    }
  }
}
