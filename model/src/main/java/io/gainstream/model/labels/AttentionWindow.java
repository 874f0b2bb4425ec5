package io.gainstream.model.labels;

import java.util.Locale;
import java.util.Optional;

/**
 * The part of an image where the class attention peaks, widened by a margin: where a class-agnostic
 * mask model is run a second time, on that part alone.
 *
 * <p>Why: a mask model finds the salient object of the picture it is shown. In a street frame the
 * car is rarely that object, and ISNet returned almost no foreground on the whole frame for many
 * horse-street-dev cars; shown the window around the attention's peak, the car is what the picture
 * is about. On horse-street-dev the second look lifted cars from 0.46 to 0.51 IoU (horses within a
 * point) and the folder's foreground mIoU from 0.682 to 0.703 (docs/QUALITY.md, "Object extent").
 * The attention's own extent is no help here: on those photos the region at half its peak covers 50
 * to 90 % of the frame; the region at 80 % of it is the part it is sure of.
 *
 * @param x left edge, in image pixels
 * @param y top edge
 * @param width window width
 * @param height window height
 */
public record AttentionWindow(int x, int y, int width, int height) {
  /**
   * @param on whether the mask model looks a second time
   * @param peak share of its own maximum at which a class's attention counts as its peak
   * @param margin share of the peak region's width (height) added on each side
   */
  public record Settings(boolean on, float peak, float margin) {
    public Settings {
      if (!(peak > 0 && peak <= 1) || !(margin >= 0 && margin <= 2)) {
        throw new IllegalArgumentException(
            "need 0 < peak <= 1 and 0 <= margin <= 2; got peak " + peak + ", margin " + margin);
      }
    }

    /** The measured default: on, at 80 % of the peak, 30 % margin. */
    public static Settings defaults() {
      return new Settings(true, 0.8f, 0.3f);
    }

    /** The same, off. */
    public Settings off() {
      return new Settings(false, peak, margin);
    }

    /** What a label records, e.g. {@code zoom(attention >= 0.80, margin 0.30)}; empty when off. */
    public String describe() {
      return on
          ? String.format(Locale.ROOT, "zoom(attention >= %.2f, margin %.2f)", peak, margin)
          : "";
    }
  }

  /**
   * The window around the pixels where the most attended class's attention is at least {@code peak}
   * of that class's maximum, widened by {@code margin} of its size on each side and clipped to the
   * image; empty when no class is attended or the window is the whole image (a second look would
   * see the same picture).
   *
   * @param maps attention map per labelled class at {@code w × h} (any non-negative scale)
   */
  public static Optional<AttentionWindow> of(float[][] maps, int w, int h, Settings s) {
    if (maps.length == 0) {
      return Optional.empty();
    }
    float[] max = new float[maps.length];
    for (int c = 0; c < maps.length; c++) {
      if (maps[c].length != w * h) {
        throw new IllegalArgumentException("attention map " + c + " is not " + w + "x" + h);
      }
      for (float v : maps[c]) {
        max[c] = Math.max(max[c], v);
      }
    }
    int x0 = w;
    int y0 = h;
    int x1 = -1;
    int y1 = -1;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = y * w + x;
        float best = 0;
        for (int c = 0; c < maps.length; c++) {
          if (max[c] > 0) {
            best = Math.max(best, maps[c][p] / max[c]);
          }
        }
        if (best >= s.peak()) {
          x0 = Math.min(x0, x);
          x1 = Math.max(x1, x);
          y0 = Math.min(y0, y);
          y1 = Math.max(y1, y);
        }
      }
    }
    if (x1 < 0) {
      return Optional.empty();
    }
    int mx = (int) ((x1 - x0 + 1) * s.margin());
    int my = (int) ((y1 - y0 + 1) * s.margin());
    x0 = Math.max(0, x0 - mx);
    y0 = Math.max(0, y0 - my);
    x1 = Math.min(w - 1, x1 + mx);
    y1 = Math.min(h - 1, y1 + my);
    AttentionWindow window = new AttentionWindow(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
    return window.width() == w && window.height() == h ? Optional.empty() : Optional.of(window);
  }

  /**
   * {@code fg} (at {@code w × h}) with the window's own foreground ({@code width × height}) laid
   * over it, each pixel the larger of the two: the second look adds what the first did not see and
   * takes away nothing it saw.
   */
  public float[] overlay(float[] fg, int w, float[] inside) {
    if (inside.length != width * height) {
      throw new IllegalArgumentException("window foreground is not " + width + "x" + height);
    }
    float[] out = fg.clone();
    for (int row = 0; row < height; row++) {
      int o = (y + row) * w + x;
      int i = row * width;
      for (int col = 0; col < width; col++) {
        out[o + col] = Math.max(out[o + col], inside[i + col]);
      }
    }
    return out;
  }
}
