package io.gainstream.model.refine;

import java.util.Arrays;

/**
 * A fully connected CRF over an image's pixels (Krähenbühl and Koltun, NeurIPS 2011), the
 * refinement GAIN's own VOC pipeline, SEC and DSRG apply to their seeds: labels are background plus
 * the image's labelled classes, unaries come from the attention maps, and every pair of pixels is
 * joined by a Potts term weighted by a smoothness kernel (position only) and an appearance kernel
 * (position and colour), so that a label spreads over pixels that look alike and stops at edges.
 *
 * <p>Inference is mean field with parallel updates, {@code Q ← softmax(−U + Σ_m w_m K̃_m Q)}, where
 * each kernel is symmetrically normalised, {@code K̃ = D^{-1/2} K D^{-1/2}} with {@code D =
 * diag(K1)} (the normalisation of the authors' second release). With a symmetric positive
 * semi-definite kernel each update minimises an upper bound of the mean-field free energy that
 * touches it at the current Q (the concave–convex argument of Krähenbühl and Koltun, ICML 2013), so
 * the energy never increases; {@link #energy} computes it and the tests hold the exact filter to
 * it. Kernels are applied through a {@link PermutohedralLattice} (linear time) or, on small images,
 * exactly.
 */
public final class DenseCrf {
  /**
   * @param iterations mean-field updates
   * @param smoothWeight weight of the smoothness kernel
   * @param smoothXy its width in pixels
   * @param appearanceWeight weight of the appearance kernel
   * @param appearanceXy its spatial width in pixels
   * @param appearanceRgb its colour width in 8-bit levels
   */
  public record Settings(
      int iterations,
      float smoothWeight,
      float smoothXy,
      float appearanceWeight,
      float appearanceXy,
      float appearanceRgb) {
    public Settings {
      if (iterations < 0
          || !(smoothWeight >= 0)
          || !(appearanceWeight >= 0)
          || !(smoothXy > 0)
          || !(appearanceXy > 0)
          || !(appearanceRgb > 0)) {
        throw new IllegalArgumentException(
            "need iterations >= 0, weights >= 0 and widths > 0, got " + this);
      }
    }

    /**
     * The widths and weights of the dense-CRF refinement used by AffinityNet and IRN on CAM seeds
     * (pydensecrf).
     */
    public static Settings defaults() {
      return new Settings(10, 3f, 3f, 10f, 80f, 13f);
    }

    /**
     * The same kernels on an image scaled by {@code factor} (spatial widths scale, colour does
     * not).
     */
    public Settings scaled(double factor) {
      return new Settings(
          iterations,
          smoothWeight,
          (float) (smoothXy * factor),
          appearanceWeight,
          (float) (appearanceXy * factor),
          appearanceRgb);
    }
  }

  /** A kernel as a linear filter of point-major values ({@code v[i * channels + c]}). */
  interface Kernel {
    void filter(float[] in, float[] out, int channels);
  }

  private final Settings settings;
  private final int n;
  private final Kernel smooth;
  private final Kernel appearance;
  private final float[] smoothNorm;
  private final float[] appearanceNorm;

  private DenseCrf(Settings settings, int n, Kernel smooth, Kernel appearance) {
    this.settings = settings;
    this.n = n;
    this.smooth = smooth;
    this.appearance = appearance;
    this.smoothNorm = norm(smooth, n);
    this.appearanceNorm = norm(appearance, n);
  }

  /** The CRF of an image (interleaved {@code r, g, b} bytes), kernels through the lattice. */
  public static DenseCrf of(byte[] rgb, int width, int height, Settings s) {
    return new DenseCrf(
        s,
        width * height,
        lattice(smoothFeatures(width, height, s)),
        lattice(appearanceFeatures(rgb, width, height, s)));
  }

  /**
   * The same CRF with kernels computed exactly, pair by pair: O(n²), for small images and tests.
   */
  public static DenseCrf exact(byte[] rgb, int width, int height, Settings s) {
    return new DenseCrf(
        s,
        width * height,
        exactKernel(smoothFeatures(width, height, s), 2),
        exactKernel(appearanceFeatures(rgb, width, height, s), 5));
  }

  private static Kernel lattice(Features f) {
    PermutohedralLattice l = PermutohedralLattice.build(f.values, f.n, f.d);
    return l::filter;
  }

  private record Features(float[] values, int n, int d) {}

  private static Features smoothFeatures(int w, int h, Settings s) {
    float[] f = new float[w * h * 2];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = (y * w + x) * 2;
        f[i] = x / s.smoothXy();
        f[i + 1] = y / s.smoothXy();
      }
    }
    return new Features(f, w * h, 2);
  }

  private static Features appearanceFeatures(byte[] rgb, int w, int h, Settings s) {
    if (rgb.length != w * h * 3) {
      throw new IllegalArgumentException(
          "expected " + w * h * 3 + " RGB bytes for " + w + "x" + h + ", got " + rgb.length);
    }
    float[] f = new float[w * h * 5];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = y * w + x;
        int i = p * 5;
        f[i] = x / s.appearanceXy();
        f[i + 1] = y / s.appearanceXy();
        f[i + 2] = (rgb[3 * p] & 0xff) / s.appearanceRgb();
        f[i + 3] = (rgb[3 * p + 1] & 0xff) / s.appearanceRgb();
        f[i + 4] = (rgb[3 * p + 2] & 0xff) / s.appearanceRgb();
      }
    }
    return new Features(f, w * h, 5);
  }

  private static Kernel exactKernel(Features f, int d) {
    return (in, out, channels) -> {
      Arrays.fill(out, 0f);
      for (int i = 0; i < f.n; i++) {
        for (int j = 0; j < f.n; j++) {
          double dist = 0;
          for (int k = 0; k < d; k++) {
            double t = f.values[i * d + k] - f.values[j * d + k];
            dist += t * t;
          }
          float k = (float) Math.exp(-dist / 2);
          for (int c = 0; c < channels; c++) {
            out[i * channels + c] += k * in[j * channels + c];
          }
        }
      }
    };
  }

  private static float[] norm(Kernel k, int n) {
    float[] ones = new float[n];
    Arrays.fill(ones, 1f);
    float[] sum = new float[n];
    k.filter(ones, sum, 1);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (1.0 / Math.sqrt(Math.max(sum[i], 1e-20f)));
    }
    return out;
  }

  /**
   * Mean-field marginals.
   *
   * @param unary {@code unary[l][i]}: −log P of label l at pixel i
   * @return {@code q[l][i]}
   */
  public float[][] infer(float[][] unary) {
    int labels = unary.length;
    for (float[] u : unary) {
      if (u.length != n) {
        throw new IllegalArgumentException("unary of " + u.length + " pixels, the image has " + n);
      }
    }
    float[] q = new float[n * labels];
    softmax(unary, new float[n * labels], q, labels);
    float[] message = new float[n * labels];
    for (int t = 0; t < settings.iterations(); t++) {
      messages(q, message, labels);
      softmax(unary, message, q, labels);
    }
    float[][] out = new float[labels][n];
    for (int i = 0; i < n; i++) {
      for (int l = 0; l < labels; l++) {
        out[l][i] = q[i * labels + l];
      }
    }
    return out;
  }

  /**
   * The appearance kernel's normalised filtering {@code K̃ q} of point-major values, without its
   * weight: what the tests compare between the lattice and the exact computation.
   */
  float[] normalisedMessages(float[] q, int labels) {
    float[] out = new float[n * labels];
    addFiltered(appearance, appearanceNorm, 1f, q, out, labels);
    return out;
  }

  /** {@code Σ_m w_m K̃_m q}, point-major. */
  private void messages(float[] q, float[] message, int labels) {
    Arrays.fill(message, 0f);
    addFiltered(smooth, smoothNorm, settings.smoothWeight(), q, message, labels);
    addFiltered(appearance, appearanceNorm, settings.appearanceWeight(), q, message, labels);
  }

  private void addFiltered(
      Kernel k, float[] norm, float weight, float[] q, float[] message, int labels) {
    if (weight == 0f) {
      return;
    }
    float[] in = new float[n * labels];
    for (int i = 0; i < n; i++) {
      for (int l = 0; l < labels; l++) {
        in[i * labels + l] = norm[i] * q[i * labels + l];
      }
    }
    float[] out = new float[n * labels];
    k.filter(in, out, labels);
    for (int i = 0; i < n; i++) {
      for (int l = 0; l < labels; l++) {
        message[i * labels + l] += weight * norm[i] * out[i * labels + l];
      }
    }
  }

  /** {@code q_i = softmax(−U_i + message_i)} per pixel. */
  private void softmax(float[][] unary, float[] message, float[] q, int labels) {
    for (int i = 0; i < n; i++) {
      float max = Float.NEGATIVE_INFINITY;
      for (int l = 0; l < labels; l++) {
        float e = -unary[l][i] + message[i * labels + l];
        q[i * labels + l] = e;
        max = Math.max(max, e);
      }
      float sum = 0;
      for (int l = 0; l < labels; l++) {
        float e = (float) Math.exp(q[i * labels + l] - max);
        q[i * labels + l] = e;
        sum += e;
      }
      for (int l = 0; l < labels; l++) {
        q[i * labels + l] /= sum;
      }
    }
  }

  /**
   * The mean-field free energy of marginals {@code q[l][i]}: {@code Σ Q·U + Σ Q log Q − ½ Σ_m w_m
   * Σ_l q_lᵀ K̃_m q_l} (the Potts term up to a constant).
   */
  public double energy(float[][] unary, float[][] q) {
    int labels = unary.length;
    double e = 0;
    float[] packed = new float[n * labels];
    for (int i = 0; i < n; i++) {
      for (int l = 0; l < labels; l++) {
        float v = q[l][i];
        packed[i * labels + l] = v;
        e += v * unary[l][i];
        if (v > 0) {
          e += v * Math.log(v);
        }
      }
    }
    float[] message = new float[n * labels];
    messages(packed, message, labels);
    for (int k = 0; k < packed.length; k++) {
      e -= 0.5 * packed[k] * message[k];
    }
    return e;
  }

  /**
   * Unaries of an image's labels from its normalised attention maps: background scores {@code (1 −
   * max_c A_c)^power}, class c scores {@code A_c}, normalised per pixel to probabilities (floored
   * at 1e-5) and turned into −log P. Label 0 is background, label c + 1 the map {@code maps[c]}.
   */
  public static float[][] unaries(float[][] maps, int pixels, float backgroundPower) {
    int labels = maps.length + 1;
    float[][] u = new float[labels][pixels];
    for (int i = 0; i < pixels; i++) {
      float max = 0;
      for (float[] m : maps) {
        max = Math.max(max, Math.min(1f, Math.max(0f, m[i])));
      }
      float bg = (float) Math.pow(1f - max, backgroundPower);
      float sum = bg;
      for (float[] m : maps) {
        sum += Math.min(1f, Math.max(0f, m[i]));
      }
      for (int l = 0; l < labels; l++) {
        float s = l == 0 ? bg : Math.min(1f, Math.max(0f, maps[l - 1][i]));
        float p = sum > 0 ? s / sum : 1f / labels;
        u[l][i] = (float) -Math.log(Math.max(p, 1e-5f));
      }
    }
    return u;
  }
}
