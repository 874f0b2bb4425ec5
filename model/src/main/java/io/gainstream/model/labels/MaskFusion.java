package io.gainstream.model.labels;

import java.util.Arrays;
import java.util.Locale;

/**
 * A class-agnostic foreground probability fused with the class attention of the image's labelled
 * classes: the mask model says where objects end, the attention which object each one is. Pure
 * functions on maps at the image's own size.
 *
 * <p>Three rules, compared by measurement (docs/QUALITY.md, "Object extent"):
 *
 * <ul>
 *   <li>{@link Rule#HYSTERESIS}, the default: a pixel is foreground where the mask model is sure
 *       ({@code fg ≥ foreground}), or where it is only weakly so ({@code fg ≥ weak}) and the
 *       attention of its most attended class is strong there ({@code ≥ supported}, max-normalised);
 *       a foreground pixel takes that class: two thresholds on the mask model's output, the lower
 *       one backed by a second cue. It is how the attention adds what the mask model cannot see:
 *       the parts of an object, or the objects, that the mask model finds only faintly because they
 *       are not the salient thing in the picture (cars in a street frame, a second animal). On the
 *       two photo folders it beat the plain threshold by 2 to 4 points and the regions rule by 4 to
 *       5.
 *   <li>{@link Rule#THRESHOLD}, the reference: every pixel the mask model calls foreground takes
 *       the class whose (max-normalised) attention is highest there; the rest is background.
 *   <li>{@link Rule#REGIONS}: each connected foreground region takes the class its attention votes
 *       for (two classes share a region pixel by pixel only when each holds a real share of the
 *       vote); a region no class attends is a salient thing that is no labelled class and is left
 *       at 255; and a class the attention is sure of but no region went to — an object the mask
 *       model missed (small, off-centre, not the salient one) — keeps its attention label.
 * </ul>
 */
public final class MaskFusion {
  /** How foreground and attention make the label. */
  public enum Rule {
    HYSTERESIS,
    THRESHOLD,
    REGIONS;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Rule parse(String s) {
      for (Rule r : values()) {
        if (r.id().equals(s.trim().toLowerCase(Locale.ROOT))) {
          return r;
        }
      }
      throw new IllegalArgumentException(
          "unknown fusion '" + s + "', expected hysteresis, threshold or regions");
    }
  }

  /**
   * @param rule the fusion rule
   * @param foreground foreground probability at which a pixel is the mask model's foreground
   * @param weak lower foreground probability that is foreground where the attention supports it
   *     ({@link Rule#HYSTERESIS})
   * @param supported max-normalised attention that supports weak foreground
   * @param attended mean normalised attention below which a region belongs to no labelled class
   *     ({@link Rule#REGIONS})
   * @param share share of a region's vote a second class needs to split the region pixel by pixel
   */
  public record Settings(
      Rule rule, float foreground, float weak, float supported, float attended, float share) {
    public Settings {
      if (!(foreground > 0 && foreground < 1)
          || !(weak > 0 && weak <= foreground)
          || !(supported > 0 && supported <= 1)
          || !(attended >= 0 && attended < 1)
          || !(share > 0 && share <= 0.5f)) {
        throw new IllegalArgumentException(
            "need 0 < weak <= foreground < 1, 0 < supported <= 1, 0 <= attended < 1,"
                + " 0 < share <= 0.5; got "
                + this);
      }
    }

    /**
     * The measured defaults (docs/QUALITY.md, "Object extent" and "The weak level again, with the
     * zoomed look"): support at half a class's peak; weak foreground from 0.2. Chosen at 0.1 before
     * the mask model's second look around the attention's peak existed; with that look a car that
     * is not the salient thing of the street is sure foreground of its window, and the weak band
     * adds mostly the haze around sure objects. 0.2 scored 0.4 to 0.8 points above 0.1 on each of
     * the five folder-seed pairs measured with that look, 0.15 to 0.3 within 0.4 points of each
     * pair's best; without the look it is 0.5 to 0.6 points better on coco-dev and 0.05 to 0.15
     * worse on horse-street-dev, so it stays the default either way.
     */
    public static Settings defaults() {
      return new Settings(Rule.HYSTERESIS, 0.5f, 0.2f, 0.5f, 0.05f, 0.25f);
    }

    /** The same with another rule. */
    public Settings withRule(Rule r) {
      return new Settings(r, foreground, weak, supported, attended, share);
    }

    /**
     * What a label records about its fusion, e.g. {@code hysteresis(fg 0.50, weak 0.20 where
     * attention >= 0.50)}.
     */
    public String describe() {
      return rule == Rule.HYSTERESIS
          ? String.format(
              Locale.ROOT,
              "%s(fg %.2f, weak %.2f where attention >= %.2f)",
              rule.id(),
              foreground,
              weak,
              supported)
          : String.format(Locale.ROOT, "%s(fg %.2f)", rule.id(), foreground);
    }
  }

  private MaskFusion() {}

  /**
   * The fused label.
   *
   * @param fg foreground probability per pixel ({@code w·h})
   * @param maps attention map per labelled class at the same size (any non-negative scale)
   * @param classes class index of each map
   * @param unfused the attention's own label at the same size (0, a class index, or 255)
   * @return class index per pixel, 0 background, 255 ignore
   */
  public static byte[] fuse(
      float[] fg, float[][] maps, int[] classes, byte[] unfused, int w, int h, Settings s) {
    int n = w * h;
    if (fg.length != n || unfused.length != n) {
      throw new IllegalArgumentException("maps must all be " + w + "x" + h);
    }
    byte[] out = new byte[n];
    if (classes.length == 0) {
      return out;
    }
    float[][] a = normalised(maps, n);
    return switch (s.rule()) {
      case HYSTERESIS -> hysteresis(fg, a, classes, s);
      case THRESHOLD -> threshold(fg, a, classes, s.foreground());
      case REGIONS -> regions(fg, a, classes, unfused, w, h, s);
    };
  }

  private static byte[] hysteresis(float[] fg, float[][] a, int[] classes, Settings s) {
    byte[] out = new byte[fg.length];
    for (int p = 0; p < fg.length; p++) {
      if (fg[p] < s.weak()) {
        continue;
      }
      int c = argmax(a, p);
      if (fg[p] >= s.foreground() || a[c][p] >= s.supported()) {
        out[p] = (byte) classes[c];
      }
    }
    return out;
  }

  private static byte[] threshold(float[] fg, float[][] a, int[] classes, float t) {
    byte[] out = new byte[fg.length];
    for (int p = 0; p < fg.length; p++) {
      if (fg[p] >= t) {
        out[p] = (byte) classes[argmax(a, p)];
      }
    }
    return out;
  }

  private static byte[] regions(
      float[] fg, float[][] a, int[] classes, byte[] unfused, int w, int h, Settings s) {
    int n = w * h;
    int[] region = components(fg, s.foreground(), w, h);
    int regions = 0;
    for (int r : region) {
      regions = Math.max(regions, r);
    }
    double[][] votes = new double[regions + 1][classes.length];
    int[] size = new int[regions + 1];
    for (int p = 0; p < n; p++) {
      int r = region[p];
      if (r > 0) {
        size[r]++;
        for (int c = 0; c < classes.length; c++) {
          votes[r][c] += a[c][p];
        }
      }
    }
    // per region: -1 unattended (255), else the winning map, and which maps may split it
    int[] winner = new int[regions + 1];
    boolean[][] splits = new boolean[regions + 1][classes.length];
    boolean[] won = new boolean[classes.length];
    for (int r = 1; r <= regions; r++) {
      double total = 0;
      int best = 0;
      for (int c = 0; c < classes.length; c++) {
        total += votes[r][c];
        if (votes[r][c] > votes[r][best]) {
          best = c;
        }
      }
      if (votes[r][best] / size[r] < s.attended()) {
        winner[r] = -1;
        continue;
      }
      winner[r] = best;
      won[best] = true;
      for (int c = 0; c < classes.length; c++) {
        splits[r][c] = c == best || votes[r][c] >= s.share() * total;
        won[c] |= splits[r][c];
      }
    }
    byte[] out = new byte[n];
    for (int p = 0; p < n; p++) {
      int r = region[p];
      if (r == 0) {
        int k = unfused[p] & 0xff;
        // an object the mask model missed: its class won no region, and the attention labels it
        int c = indexOf(classes, k);
        out[p] = c >= 0 && !won[c] ? (byte) k : 0;
      } else if (winner[r] < 0) {
        out[p] = (byte) 255;
      } else {
        int best = winner[r];
        for (int c = 0; c < classes.length; c++) {
          if (splits[r][c] && a[c][p] > a[best][p]) {
            best = c;
          }
        }
        out[p] = (byte) classes[best];
      }
    }
    return out;
  }

  /** 4-connected components of {@code fg ≥ t}, numbered from 1; 0 where below. */
  static int[] components(float[] fg, float t, int w, int h) {
    int[] label = new int[w * h];
    int[] queue = new int[w * h];
    int next = 0;
    for (int start = 0; start < label.length; start++) {
      if (label[start] != 0 || fg[start] < t) {
        continue;
      }
      next++;
      int head = 0;
      int tail = 0;
      queue[tail++] = start;
      label[start] = next;
      while (head < tail) {
        int p = queue[head++];
        int x = p % w;
        int y = p / w;
        if (x > 0) {
          tail = visit(fg, t, label, queue, tail, p - 1, next);
        }
        if (x < w - 1) {
          tail = visit(fg, t, label, queue, tail, p + 1, next);
        }
        if (y > 0) {
          tail = visit(fg, t, label, queue, tail, p - w, next);
        }
        if (y < h - 1) {
          tail = visit(fg, t, label, queue, tail, p + w, next);
        }
      }
    }
    return label;
  }

  private static int visit(float[] fg, float t, int[] label, int[] queue, int tail, int q, int id) {
    if (label[q] == 0 && fg[q] >= t) {
      label[q] = id;
      queue[tail++] = q;
    }
    return tail;
  }

  /** Each map divided by its own maximum (a class's attention is relative to its own peak). */
  private static float[][] normalised(float[][] maps, int n) {
    float[][] a = new float[maps.length][];
    for (int c = 0; c < maps.length; c++) {
      if (maps[c].length != n) {
        throw new IllegalArgumentException("attention map " + c + " is not " + n + " pixels");
      }
      float max = 0;
      for (float v : maps[c]) {
        max = Math.max(max, v);
      }
      a[c] = max > 0 ? scaled(maps[c], 1f / max) : new float[n];
    }
    return a;
  }

  private static float[] scaled(float[] m, float f) {
    float[] out = Arrays.copyOf(m, m.length);
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.max(0f, out[i] * f);
    }
    return out;
  }

  private static int argmax(float[][] a, int p) {
    int best = 0;
    for (int c = 1; c < a.length; c++) {
      if (a[c][p] > a[best][p]) {
        best = c;
      }
    }
    return best;
  }

  private static int indexOf(int[] classes, int k) {
    for (int c = 0; c < classes.length; c++) {
      if (classes[c] == k) {
        return c;
      }
    }
    return -1;
  }
}
