package io.gainstream.model.backbone;

import java.util.Arrays;

/**
 * How a backbone wants its pixels: RGB in [0, 1], then {@code (x − mean) / std} per channel. The
 * backbone block and the exported release both start with this step, so the pipeline feeds every
 * release the same [0, 1] RGB tensor and no setting has to be kept equal by hand.
 *
 * @param mean per-channel mean (R, G, B)
 * @param std per-channel standard deviation (R, G, B), all positive
 */
public record Preprocessing(float[] mean, float[] std) {
  public Preprocessing {
    if (mean.length != 3 || std.length != 3) {
      throw new IllegalArgumentException("mean and std need 3 values (R, G, B)");
    }
    for (float s : std) {
      if (!(s > 0)) {
        throw new IllegalArgumentException("std must be positive, got " + Arrays.toString(std));
      }
    }
    mean = mean.clone();
    std = std.clone();
  }

  /** torchvision's and timm's ImageNet statistics, what most exported classifiers expect. */
  public static Preprocessing imagenet() {
    return new Preprocessing(
        new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
  }

  /** Pixels in [0, 1] as they are. */
  public static Preprocessing none() {
    return new Preprocessing(new float[] {0, 0, 0}, new float[] {1, 1, 1});
  }

  /** {@code "m0,m1,m2;s0,s1,s2"}, as the release metadata stores it. */
  public String encode() {
    return join(mean) + ";" + join(std);
  }

  public static Preprocessing decode(String s) {
    String[] parts = s.split(";");
    if (parts.length != 2) {
      throw new IllegalArgumentException("preprocessing '" + s + "' is not 'mean;std'");
    }
    return new Preprocessing(parse(parts[0]), parse(parts[1]));
  }

  private static String join(float[] v) {
    return v[0] + "," + v[1] + "," + v[2];
  }

  private static float[] parse(String s) {
    String[] p = s.split(",");
    float[] v = new float[p.length];
    for (int i = 0; i < p.length; i++) {
      v[i] = Float.parseFloat(p[i].trim());
    }
    return v;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Preprocessing p && Arrays.equals(mean, p.mean) && Arrays.equals(std, p.std);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return "mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std);
  }
}
