package io.gainstream.model.synthetic;

import java.awt.Color;
import java.awt.Shape;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Benchmark set (a): objects whose class is given away by a small part. Every object is a grey body
 * whose shape depends on the class (a weak cue) carrying one small mark in the class colour (a
 * strong cue); the mask is the whole body (its visible part: when two objects share an image they
 * may overlap, the later in front). Bodies are large (60–80 % of the image side) against the
 * network's receptive field and the mark is small, so a classifier names the class from the mark
 * and plain CAM lights up the mark — the case GAIN's attention mining is for. (With bodies of 34–46
 * % the CAM blob already covered most of the body and the methods could not be told apart.)
 *
 * <p>Splits: {@link Split#BIASED} ties each class to its own background family (probability 0.9),
 * like boats on water; {@link Split#SHIFTED} puts the same objects on backgrounds never used in
 * training; {@link Split#NEUTRAL} draws training backgrounds at random.
 */
public final class PartObjects {
  public static final List<String> CLASSES = List.of("disc", "square", "triangle", "cross");
  private static final float[] MARK_HUE = {0.0f, 0.33f, 0.62f, 0.15f};

  /** Which backgrounds the objects sit on. */
  public enum Split {
    BIASED,
    SHIFTED,
    NEUTRAL
  }

  private PartObjects() {}

  public static List<SyntheticDataset.Sample> generate(
      int count, int size, Split split, long seed) {
    return generate(count, size, split, seed, CLASSES.size());
  }

  /**
   * The same set with only the first {@code numClasses} classes (2 to 4); with all four it is the
   * benchmark set, image for image.
   */
  public static List<SyntheticDataset.Sample> generate(
      int count, int size, Split split, long seed, int numClasses) {
    if (numClasses < 2 || numClasses > CLASSES.size()) {
      throw new IllegalArgumentException(
          "numClasses must be in [2, " + CLASSES.size() + "], got " + numClasses);
    }
    Random rnd = new Random(seed * 31 + split.ordinal());
    List<SyntheticDataset.Sample> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      SyntheticDataset.Draw draw = SyntheticDataset.drawClasses(rnd, numClasses, 0.3);
      int first = draw.first();
      int[] classes = draw.classes();
      int family =
          switch (split) {
            case BIASED -> rnd.nextDouble() < 0.9 ? first - 1 : rnd.nextInt(4);
            case SHIFTED -> 4 + rnd.nextInt(4);
            case NEUTRAL -> rnd.nextInt(4);
          };
      BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
      Backgrounds.paint(img, family, rnd);
      byte[] mask = new byte[size * size];
      List<Rectangle2D> placed = new ArrayList<>();
      for (int k : classes) {
        paintObject(img, mask, k, 0.6, 0.2, placed, rnd);
      }
      out.add(
          new SyntheticDataset.Sample(
              "part-" + split.name().toLowerCase() + "-" + seed + "-" + i, img, classes, mask));
    }
    return out;
  }

  /** One body of side {@code [min, min + range)} × image size, with its mark. */
  private static void paintObject(
      BufferedImage img,
      byte[] mask,
      int cls,
      double min,
      double range,
      List<Rectangle2D> placed,
      Random rnd) {
    int n = img.getWidth();
    Shape body = null;
    for (int attempt = 0; attempt < 100; attempt++) {
      double side = n * (min + range * rnd.nextDouble());
      double x = rnd.nextDouble() * (n - side);
      double y = rnd.nextDouble() * (n - side);
      body = body(cls, x, y, side);
      Rectangle2D box = body.getBounds2D();
      if (placed.stream().noneMatch(p -> p.intersects(box)) || attempt == 99) {
        placed.add(box);
        break;
      }
    }
    float grey = 0.55f + 0.3f * rnd.nextFloat();
    float tint = rnd.nextFloat();
    Rectangle2D b = body.getBounds2D();
    List<int[]> inside = new ArrayList<>();
    for (int y = Math.max(0, (int) b.getMinY());
        y <= Math.min(n - 1, (int) Math.ceil(b.getMaxY()));
        y++) {
      for (int x = Math.max(0, (int) b.getMinX());
          x <= Math.min(n - 1, (int) Math.ceil(b.getMaxX()));
          x++) {
        if (body.contains(x + 0.5, y + 0.5)) {
          float v = Math.max(0f, Math.min(1f, grey + (float) rnd.nextGaussian() * 0.04f));
          img.setRGB(x, y, Color.HSBtoRGB(tint, 0.08f, v));
          mask[y * n + x] = (byte) cls;
          inside.add(new int[] {x, y});
        }
      }
    }
    // the give-away mark: a small square in the class colour, fully inside the body
    int m = Math.max(3, n / 14);
    for (int attempt = 0; attempt < 200 && !inside.isEmpty(); attempt++) {
      int[] c = inside.get(rnd.nextInt(inside.size()));
      if (fits(mask, n, c[0], c[1], m, cls)) {
        Color col = Color.getHSBColor(MARK_HUE[cls - 1], 0.9f, 0.95f);
        for (int y = c[1]; y < c[1] + m; y++) {
          for (int x = c[0]; x < c[0] + m; x++) {
            img.setRGB(x, y, col.getRGB());
          }
        }
        return;
      }
    }
  }

  private static boolean fits(byte[] mask, int n, int x0, int y0, int m, int cls) {
    if (x0 + m >= n || y0 + m >= n) {
      return false;
    }
    for (int y = y0; y < y0 + m; y++) {
      for (int x = x0; x < x0 + m; x++) {
        if (mask[y * n + x] != cls) {
          return false;
        }
      }
    }
    return true;
  }

  private static Shape body(int cls, double x, double y, double s) {
    return switch (cls) {
      case 1 -> new Ellipse2D.Double(x, y, s, s);
      case 2 -> new Rectangle2D.Double(x + s * 0.08, y + s * 0.08, s * 0.84, s * 0.84);
      case 3 -> {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(x + s / 2, y);
        p.lineTo(x + s, y + s);
        p.lineTo(x, y + s);
        p.closePath();
        yield p;
      }
      default -> {
        Area a = new Area(new Rectangle2D.Double(x + s * 0.3, y, s * 0.4, s));
        a.add(new Area(new Rectangle2D.Double(x, y + s * 0.3, s, s * 0.4)));
        yield a;
      }
    };
  }
}
