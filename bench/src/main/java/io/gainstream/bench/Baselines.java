package io.gainstream.bench;

/** Label-free baselines that a weakly supervised labeller has to beat. */
final class Baselines {
  private Baselines() {}

  /**
   * A centred ellipse spanning 80 % of the width and height, labelled {@code cls}, background
   * around it ({@code cls} 0: all background) — the "objects are in the middle" prior of photos.
   */
  static byte[] centreEllipse(int width, int height, int cls) {
    byte[] map = new byte[width * height];
    if (cls == 0) {
      return map;
    }
    double rx = 0.4 * width;
    double ry = 0.4 * height;
    double cx = (width - 1) / 2.0;
    double cy = (height - 1) / 2.0;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double dx = (x - cx) / rx;
        double dy = (y - cy) / ry;
        if (dx * dx + dy * dy <= 1) {
          map[y * width + x] = (byte) cls;
        }
      }
    }
    return map;
  }
}
