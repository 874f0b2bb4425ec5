package io.gainstream.model.labels;

import io.gainstream.model.image.Letterbox;
import io.gainstream.model.image.MapResize;

/**
 * The grid a refiner works on: the {@link Letterbox} window of the model's input (the image without
 * its padding) resized to at most {@code gridSide} pixels on the long side, so that a refiner's
 * cost is set by its grid and not by the image. Maps and colours go onto the grid; the refiner's
 * result comes back onto the image's own pixels bilinearly.
 *
 * @param rgb the window's colours on the grid, interleaved {@code r, g, b} bytes
 * @param width the grid's width
 * @param height the grid's height
 */
record RefineGrid(
    Letterbox box, byte[] rgb, int width, int height, int imageWidth, int imageHeight) {

  /**
   * @param mapSize side of the model's input
   * @param input the model's input, {@code mapSize²} interleaved {@code r, g, b} bytes
   */
  static RefineGrid of(int mapSize, byte[] input, int imageWidth, int imageHeight, int gridSide) {
    if (input.length != mapSize * mapSize * 3) {
      throw new IllegalArgumentException(
          "expected "
              + mapSize * mapSize * 3
              + " RGB bytes of the model input, got "
              + input.length);
    }
    Letterbox box = Letterbox.of(imageWidth, imageHeight, mapSize);
    double shrink = Math.min(1.0, gridSide / (double) Math.max(box.width(), box.height()));
    int gw = Math.max(1, (int) Math.round(box.width() * shrink));
    int gh = Math.max(1, (int) Math.round(box.height() * shrink));
    return new RefineGrid(
        box, window(input, mapSize, box, gw, gh), gw, gh, imageWidth, imageHeight);
  }

  /** Each {@code mapSize²} map's window on the grid. */
  float[][] maps(float[][] maps) {
    float[][] out = new float[maps.length][];
    for (int c = 0; c < maps.length; c++) {
      out[c] = MapResize.bilinear(box.window(maps[c]), box.width(), box.height(), width, height);
    }
    return out;
  }

  /** A grid map on the image's own pixels. */
  float[] toImage(float[] grid) {
    return MapResize.bilinear(grid, width, height, imageWidth, imageHeight);
  }

  /** The window of the packed input, resized to the grid, as interleaved bytes. */
  private static byte[] window(byte[] rgb, int size, Letterbox box, int gw, int gh) {
    byte[] out = new byte[gw * gh * 3];
    float[] plane = new float[size * size];
    for (int ch = 0; ch < 3; ch++) {
      for (int i = 0; i < plane.length; i++) {
        plane[i] = rgb[3 * i + ch] & 0xff;
      }
      float[] g = MapResize.bilinear(box.window(plane), box.width(), box.height(), gw, gh);
      for (int i = 0; i < g.length; i++) {
        out[3 * i + ch] = (byte) Math.max(0, Math.min(255, Math.round(g[i])));
      }
    }
    return out;
  }
}
