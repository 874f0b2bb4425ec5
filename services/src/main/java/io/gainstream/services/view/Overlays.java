package io.gainstream.services.view;

import io.gainstream.model.image.ImageBytes;
import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.input.ImageDecoder;
import io.gainstream.model.labels.LabelPng;
import io.gainstream.model.labels.Zone;
import java.awt.Dimension;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Base64;

/**
 * Pictures of a proxy label for people: the attention heat map blended over the image, the SeeNet
 * zones in three colours, and PNG data URIs for HTML. Shared by the live dashboard and the static
 * report of {@code label} and {@code demo}.
 */
public final class Overlays {
  private static final DecodeLimits LIMITS = DecodeLimits.defaults();

  /**
   * Longest side of the pictures drawn for people. The report and the dashboard show each at 80 to
   * 90 px (and a reader may open one on its own); a phone's 12-megapixel photo drawn at its own
   * size made 13 MB of pictures per image (332 MB for a 40-photo report, written for 1.5 minutes
   * after the last label).
   */
  public static final int SHOWN = 512;

  private Overlays() {}

  /** The size a {@code w × h} label is drawn at: the longest side at most {@link #SHOWN}. */
  public static Dimension shown(int w, int h) {
    double f = Math.min(1.0, SHOWN / (double) Math.max(w, h));
    return new Dimension(
        Math.max(1, (int) Math.round(w * f)), Math.max(1, (int) Math.round(h * f)));
  }

  /** A {@code w × h} map of bytes (labels, soft masks, zones) at {@code to}, nearest pixel. */
  public static byte[] sampled(byte[] map, int w, int h, Dimension to) {
    if (to.width == w && to.height == h) {
      return map;
    }
    byte[] out = new byte[to.width * to.height];
    for (int y = 0; y < to.height; y++) {
      int sy = Math.min(h - 1, (int) ((y + 0.5) * h / to.height));
      for (int x = 0; x < to.width; x++) {
        out[y * to.width + x] = map[sy * w + Math.min(w - 1, (int) ((x + 0.5) * w / to.width))];
      }
    }
    return out;
  }

  /**
   * A {@code w × h} class-index PNG of a proxy label (VOC palette) as drawn: the same bytes when it
   * is no larger than {@link #shown}, else decoded, sampled and written again at that size.
   */
  public static byte[] shownLabel(byte[] png, int w, int h) {
    Dimension to = shown(w, h);
    if (to.width == w && to.height == h) {
      return png;
    }
    LabelPng.Decoded d = LabelPng.read(png, LIMITS);
    return LabelPng.writePalette(
        sampled(d.values(), d.width(), d.height(), to), to.width, to.height);
  }

  /**
   * The image scaled to {@code w × h}. Shrinking by more than half goes in halving steps, each
   * bilinear, so that a photo drawn as a thumbnail is averaged over its pixels instead of sampled
   * (one bilinear step from 4032 to 512 px reads one pixel in eight and shows their moiré).
   */
  public static BufferedImage fit(BufferedImage img, int w, int h) {
    BufferedImage cur = img;
    while (cur.getWidth() / 2 >= w && cur.getHeight() / 2 >= h) {
      cur = drawn(cur, cur.getWidth() / 2, cur.getHeight() / 2);
    }
    return drawn(cur, w, h);
  }

  private static BufferedImage drawn(BufferedImage img, int w, int h) {
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(img, 0, 0, w, h, null);
    g.dispose();
    return out;
  }

  /**
   * The soft mask (0..255 per pixel) as a jet-coloured heat map blended over the image, stronger
   * where attention is high.
   */
  public static BufferedImage heatmap(BufferedImage base, byte[] soft, int w, int h) {
    BufferedImage b = fit(base, w, h);
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        float a = (soft[y * w + x] & 0xff) / 255f;
        int jet = jet(a);
        int px = b.getRGB(x, y);
        float alpha = 0.25f + 0.5f * a;
        out.setRGB(x, y, blend(px, jet, alpha));
      }
    }
    return out;
  }

  /** SeeNet zones: background dark blue, potential zone amber, attention zone red. */
  public static BufferedImage zones(byte[] zones, int w, int h) {
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < zones.length; i++) {
      int z = zones[i] & 0xff;
      int c =
          z == Zone.ATTENTION.code() ? 0xE53935 : z == Zone.POTENTIAL.code() ? 0xFFB300 : 0x1A237E;
      out.setRGB(i % w, i / w, c);
    }
    return out;
  }

  /** Decodes a grey mask PNG of a proxy label. */
  public static byte[] grey(byte[] png) {
    return LabelPng.read(png, LIMITS).values();
  }

  public static BufferedImage decode(byte[] image) {
    return ImageDecoder.decodeRgb(image, LIMITS);
  }

  public static String dataUri(BufferedImage img) {
    return dataUri(png(img));
  }

  public static String dataUri(byte[] png) {
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
  }

  public static byte[] png(BufferedImage img) {
    return ImageBytes.encode(img, "png");
  }

  /** The jet colour map at {@code v} in [0, 1]. */
  static int jet(float v) {
    float r = clamp(1.5f - Math.abs(4 * v - 3));
    float g = clamp(1.5f - Math.abs(4 * v - 2));
    float b = clamp(1.5f - Math.abs(4 * v - 1));
    return ((int) (r * 255) << 16) | ((int) (g * 255) << 8) | (int) (b * 255);
  }

  private static int blend(int under, int over, float alpha) {
    int r = (int) (((under >> 16) & 0xff) * (1 - alpha) + ((over >> 16) & 0xff) * alpha);
    int g = (int) (((under >> 8) & 0xff) * (1 - alpha) + ((over >> 8) & 0xff) * alpha);
    int b = (int) ((under & 0xff) * (1 - alpha) + (over & 0xff) * alpha);
    return (r << 16) | (g << 8) | b;
  }

  private static float clamp(float v) {
    return Math.max(0f, Math.min(1f, v));
  }
}
