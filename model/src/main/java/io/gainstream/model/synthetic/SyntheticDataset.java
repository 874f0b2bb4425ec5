package io.gainstream.model.synthetic;

import java.awt.Color;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Generates images with image-level labels and exact pixel masks: coloured shapes (one class per
 * shape) on noisy backgrounds, one or two objects per image.
 *
 * <p>Masks are exact because every pixel is painted from the same point-in-shape test that writes
 * the mask. With {@code biased} on, most images of a class sit on that class's own background
 * colour — the paper's "boats are on water" bias — so a classifier can cheat with context; the
 * biased/shifted benchmark splits build on it. Everything is drawn from the seed: the same spec
 * gives the same images.
 */
public final class SyntheticDataset {
  private static final String[] NAMES = {"disc", "square", "triangle", "cross", "ring", "diamond"};
  private static final float[] HUES = {0.0f, 0.33f, 0.62f, 0.14f, 0.8f, 0.5f};

  private SyntheticDataset() {}

  /**
   * What to generate.
   *
   * @param numClasses 1..6 classes
   * @param size image side in pixels (≥ 32)
   * @param count number of images
   * @param multiLabelRate probability that an image holds two objects of different classes
   * @param biased whether backgrounds correlate with the class (probability {@code biasStrength})
   * @param biasStrength probability that a biased image uses its class's background
   * @param seed generator seed
   */
  public record Spec(
      int numClasses,
      int size,
      int count,
      double multiLabelRate,
      boolean biased,
      double biasStrength,
      long seed) {
    public Spec {
      if (numClasses < 1 || numClasses > NAMES.length) {
        throw new IllegalArgumentException(
            "numClasses must be in [1, " + NAMES.length + "], got " + numClasses);
      }
      if (size < 32) {
        throw new IllegalArgumentException("size must be >= 32, got " + size);
      }
      if (count < 0) {
        throw new IllegalArgumentException("count must be >= 0, got " + count);
      }
    }

    /** An unbiased set of {@code count} images of 4 classes at 64×64. */
    public static Spec of(int count, long seed) {
      return new Spec(4, 64, count, 0.35, false, 0.9, seed);
    }
  }

  /**
   * One generated image.
   *
   * @param id stable id ("syn-<seed>-<index>")
   * @param image RGB image
   * @param classes class indices present (1-based, ascending)
   * @param mask row-major class index per pixel, 0 background
   */
  public record Sample(String id, BufferedImage image, int[] classes, byte[] mask) {}

  /** Class names of a spec, index k − 1 holding class k. */
  public static List<String> classNames(int numClasses) {
    return List.of(Arrays.copyOf(NAMES, numClasses));
  }

  /** Classes of one image: the first drawn (it picks a biased background) and all, ascending. */
  record Draw(int first, int[] classes) {}

  /** One class, or with probability {@code multiLabelRate} two different ones. */
  static Draw drawClasses(Random rnd, int numClasses, double multiLabelRate) {
    int first = 1 + rnd.nextInt(numClasses);
    if (numClasses > 1 && rnd.nextDouble() < multiLabelRate) {
      int second = 1 + rnd.nextInt(numClasses - 1);
      if (second >= first) {
        second++;
      }
      return new Draw(first, new int[] {Math.min(first, second), Math.max(first, second)});
    }
    return new Draw(first, new int[] {first});
  }

  public static List<Sample> generate(Spec spec) {
    Random rnd = new Random(spec.seed());
    List<Sample> out = new ArrayList<>(spec.count());
    for (int i = 0; i < spec.count(); i++) {
      out.add(one(spec, rnd, "syn-" + spec.seed() + "-" + i));
    }
    return out;
  }

  private static Sample one(Spec spec, Random rnd, String id) {
    int n = spec.size();
    Draw draw = drawClasses(rnd, spec.numClasses(), spec.multiLabelRate());
    int first = draw.first();
    int[] classes = draw.classes();
    BufferedImage img = new BufferedImage(n, n, BufferedImage.TYPE_INT_RGB);
    paintBackground(img, spec, first, rnd);
    byte[] mask = new byte[n * n];
    List<Rectangle2D> placed = new ArrayList<>();
    int[] order =
        classes.length == 2 && rnd.nextBoolean() ? new int[] {classes[1], classes[0]} : classes;
    for (int k : order) {
      Shape shape = place(k, n, rnd, placed);
      paintObject(img, mask, shape, k, rnd);
    }
    return new Sample(id, img, classes, mask);
  }

  private static void paintBackground(BufferedImage img, Spec spec, int cls, Random rnd) {
    int n = img.getWidth();
    float hue;
    float sat;
    if (spec.biased() && rnd.nextDouble() < spec.biasStrength()) {
      hue = (HUES[cls - 1] + 0.5f) % 1f; // the class's own background: complementary hue
      sat = 0.45f;
    } else {
      hue = rnd.nextFloat();
      sat = 0.1f + 0.25f * rnd.nextFloat();
    }
    float bri = 0.35f + 0.3f * rnd.nextFloat();
    double fx = 0.05 + 0.3 * rnd.nextDouble();
    double fy = 0.05 + 0.3 * rnd.nextDouble();
    double phase = rnd.nextDouble() * Math.PI * 2;
    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; x++) {
        float wave = (float) (0.08 * Math.sin(fx * x + fy * y + phase));
        float noise = (float) (rnd.nextGaussian() * 0.04);
        img.setRGB(x, y, Color.HSBtoRGB(hue, sat, clamp(bri + wave + noise)));
      }
    }
  }

  private static Shape place(int cls, int n, Random rnd, List<Rectangle2D> placed) {
    Shape shape = null;
    for (int attempt = 0; attempt < 100; attempt++) {
      double side = n * (0.25 + 0.15 * rnd.nextDouble());
      double x = rnd.nextDouble() * (n - side);
      double y = rnd.nextDouble() * (n - side);
      shape = shape(cls, x, y, side, rnd.nextDouble() * Math.PI / 8);
      Rectangle2D box = shape.getBounds2D();
      boolean free = placed.stream().noneMatch(p -> p.intersects(box));
      if (free) {
        placed.add(box);
        return shape;
      }
    }
    placed.add(shape.getBounds2D());
    return shape;
  }

  private static Shape shape(int cls, double x, double y, double s, double angle) {
    Shape base =
        switch ((cls - 1) % NAMES.length) {
          case 0 -> new Ellipse2D.Double(x, y, s, s);
          case 1 -> new Rectangle2D.Double(x + s * 0.1, y + s * 0.1, s * 0.8, s * 0.8);
          case 2 -> polygon(new double[] {x + s / 2, x + s, x}, new double[] {y, y + s, y + s});
          case 3 -> {
            Area a = new Area(new Rectangle2D.Double(x + s * 0.35, y, s * 0.3, s));
            a.add(new Area(new Rectangle2D.Double(x, y + s * 0.35, s, s * 0.3)));
            yield a;
          }
          case 4 -> {
            Area a = new Area(new Ellipse2D.Double(x, y, s, s));
            a.subtract(new Area(new Ellipse2D.Double(x + s * 0.3, y + s * 0.3, s * 0.4, s * 0.4)));
            yield a;
          }
          default ->
              polygon(
                  new double[] {x + s / 2, x + s, x + s / 2, x},
                  new double[] {y, y + s / 2, y + s, y + s / 2});
        };
    if (cls == 2 || cls == 4) {
      // squares and crosses tilt a little; the bounding box stays inside the image
      return AffineTransform.getRotateInstance(angle * 0.3, x + s / 2, y + s / 2)
          .createTransformedShape(base);
    }
    return base;
  }

  private static Shape polygon(double[] xs, double[] ys) {
    Path2D.Double p = new Path2D.Double();
    p.moveTo(xs[0], ys[0]);
    for (int i = 1; i < xs.length; i++) {
      p.lineTo(xs[i], ys[i]);
    }
    p.closePath();
    return p;
  }

  private static void paintObject(
      BufferedImage img, byte[] mask, Shape shape, int cls, Random rnd) {
    int n = img.getWidth();
    float hue = (HUES[(cls - 1) % HUES.length] + (float) rnd.nextGaussian() * 0.02f + 1f) % 1f;
    float sat = 0.65f + 0.3f * rnd.nextFloat();
    float bri = 0.7f + 0.25f * rnd.nextFloat();
    Rectangle2D b = shape.getBounds2D();
    int x0 = Math.max(0, (int) Math.floor(b.getMinX()));
    int y0 = Math.max(0, (int) Math.floor(b.getMinY()));
    int x1 = Math.min(n - 1, (int) Math.ceil(b.getMaxX()));
    int y1 = Math.min(n - 1, (int) Math.ceil(b.getMaxY()));
    for (int y = y0; y <= y1; y++) {
      for (int x = x0; x <= x1; x++) {
        if (shape.contains(x + 0.5, y + 0.5)) {
          float noise = (float) (rnd.nextGaussian() * 0.05);
          img.setRGB(x, y, Color.HSBtoRGB(hue, sat, clamp(bri + noise)));
          mask[y * n + x] = (byte) cls;
        }
      }
    }
  }

  private static float clamp(float v) {
    return Math.max(0f, Math.min(1f, v));
  }
}
