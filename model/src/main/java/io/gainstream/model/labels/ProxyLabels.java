package io.gainstream.model.labels;

/**
 * Proxy segmentation labels from normalised attention maps, in PASCAL VOC convention: 0 background,
 * k for class k, {@link #IGNORE} (255) where the labeller is unsure.
 *
 * <p>Per pixel, over the image's own classes only: the strongest map value {@code v} decides.
 * {@code v < background} → 0; {@code v ≥ foreground} → that class, unless a second class is also
 * confident there (a conflict → 255); anything in between → 255. Defaults follow IRN's seeds (0.30
 * / 0.05). An image without labels is all background.
 */
public final class ProxyLabels {
  /** The VOC "ignore" / "void" value. */
  public static final int IGNORE = 255;

  /**
   * Foreground and background thresholds on maps normalised to [0, 1].
   *
   * @param foreground a class is confident at or above this
   * @param background a pixel is background strictly below this
   */
  public record Thresholds(float foreground, float background) {
    public Thresholds {
      if (!(background >= 0 && background <= foreground && foreground <= 1)) {
        throw new IllegalArgumentException(
            "need 0 <= background <= foreground <= 1, got foreground="
                + foreground
                + ", background="
                + background);
      }
    }

    public static Thresholds defaults() {
      return new Thresholds(0.30f, 0.05f);
    }
  }

  private ProxyLabels() {}

  /**
   * Labels of one image.
   *
   * @param maps one map per labelled class, each {@code pixels} long
   * @param classes class index of each map (1..254)
   * @param pixels number of pixels (width × height)
   */
  public static byte[] assign(float[][] maps, int[] classes, int pixels, Thresholds t) {
    if (maps.length != classes.length) {
      throw new IllegalArgumentException(maps.length + " maps but " + classes.length + " classes");
    }
    for (int c = 0; c < classes.length; c++) {
      if (classes[c] < 1 || classes[c] >= IGNORE) {
        throw new IllegalArgumentException("class index must be in [1, 254], got " + classes[c]);
      }
      if (maps[c].length != pixels) {
        throw new IllegalArgumentException(
            "map of class "
                + classes[c]
                + " has "
                + maps[c].length
                + " values, expected "
                + pixels);
      }
    }
    byte[] out = new byte[pixels];
    if (maps.length == 0) {
      return out;
    }
    for (int p = 0; p < pixels; p++) {
      int best = -1;
      float v = Float.NEGATIVE_INFINITY;
      int confident = 0;
      for (int c = 0; c < maps.length; c++) {
        float a = maps[c][p];
        if (a >= t.foreground()) {
          confident++;
        }
        if (a > v) {
          v = a;
          best = c;
        }
      }
      int label;
      if (v < t.background()) {
        label = 0;
      } else if (v >= t.foreground()) {
        label = confident > 1 ? IGNORE : classes[best];
      } else {
        label = IGNORE;
      }
      out[p] = (byte) label;
    }
    return out;
  }
}
