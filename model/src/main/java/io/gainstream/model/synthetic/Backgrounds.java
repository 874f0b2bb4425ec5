package io.gainstream.model.synthetic;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.Random;

/**
 * Procedural background families (pattern × hue) for benchmark composites. Families 0..3 are the
 * "training" contexts the biased split ties to classes; families 4..7 never appear in training and
 * make the shifted split (the paper's "boat without water").
 */
final class Backgrounds {
  static final int FAMILIES = 8;
  private static final float[] HUE = {0.58f, 0.30f, 0.08f, 0.83f, 0.45f, 0.15f, 0.70f, 0.0f};

  private Backgrounds() {}

  static void paint(BufferedImage img, int family, Random rnd) {
    int n = img.getWidth();
    float hue = HUE[family] + (float) rnd.nextGaussian() * 0.02f;
    float sat = 0.35f + 0.2f * rnd.nextFloat();
    float bri = 0.35f + 0.25f * rnd.nextFloat();
    int pattern = family % 4;
    double f = 0.25 + 0.2 * rnd.nextDouble();
    double phase = rnd.nextDouble() * Math.PI * 2;
    double angle = rnd.nextDouble() * Math.PI;
    double ca = Math.cos(angle);
    double sa = Math.sin(angle);
    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; x++) {
        double u = x * ca + y * sa;
        double v = -x * sa + y * ca;
        double t =
            switch (pattern) {
              case 0 -> Math.sin(f * u + phase); // stripes ("water")
              case 1 -> Math.signum(Math.sin(f * u) * Math.sin(f * v)); // checker
              case 2 -> Math.sin(f * 0.5 * u + phase) * Math.cos(f * 0.7 * v); // blobs
              default -> Math.sin(f * Math.hypot(x - n / 2.0, y - n / 2.0) + phase); // rings
            };
        float b = (float) (bri + 0.12 * t + rnd.nextGaussian() * 0.04);
        img.setRGB(x, y, Color.HSBtoRGB(hue, sat, Math.max(0f, Math.min(1f, b))));
      }
    }
  }
}
