package io.gainstream.model.refine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The random walk of AffinityNet (Ahn and Kwak, CVPR 2018) and IRN (Ahn et al., CVPR 2019) on a
 * square grid: each class's attention map is propagated by a transition matrix built from pairwise
 * affinities between pixels within a radius, so that attention spreads over pixels the affinity
 * says belong together and stops where it says they do not.
 *
 * <p>With affinities {@code a_ij ∈ [0, 1]} the walk uses {@code W_ij = a_ij^β} between neighbours
 * (β sharpens: a weak affinity is almost no edge), {@code W_ii = 1}, and the row-stochastic {@code
 * T = D^{-1} W}; the maps after {@code t} steps are {@code T^t m}. T is applied {@code t} times as
 * a sparse product (linear in grid pixels × neighbours per step) rather than raised to a power.
 *
 * <p>Row-stochastic means a constant map stays constant, and attention never crosses a pair whose
 * affinity is zero: mass spreads within regions the affinity joins.
 */
public final class RandomWalk {
  /**
   * @param radius neighbours are pixels closer than this (grid cells)
   * @param beta exponent on the affinities
   * @param steps walk steps
   */
  public record Settings(int radius, float beta, int steps) {
    public Settings {
      if (radius < 1 || !(beta > 0) || steps < 0) {
        throw new IllegalArgumentException(
            "need radius >= 1, beta > 0 and steps >= 0, got " + this);
      }
    }

    /** AffinityNet's radius 5, β = 8, 2^8 steps. */
    public static Settings defaults() {
      return new Settings(5, 8f, 256);
    }
  }

  private RandomWalk() {}

  /**
   * Half of the neighbourhood: offsets {@code (dy, dx)} with {@code dy > 0}, or {@code dy = 0} and
   * {@code dx > 0}, closer than {@code radius}. Each pair of pixels appears once; the other half is
   * its mirror.
   */
  public static List<int[]> halfOffsets(int radius) {
    List<int[]> out = new ArrayList<>();
    for (int dy = 0; dy < radius; dy++) {
      for (int dx = -radius + 1; dx < radius; dx++) {
        if ((dy > 0 || dx > 0) && dy * dy + dx * dx < radius * radius) {
          out.add(new int[] {dy, dx});
        }
      }
    }
    return out;
  }

  /**
   * Affinities {@code exp(−mean_d |e_i − e_j|)} (AffinityNet's form) between each pixel and its
   * neighbour at each half offset; 0 where the neighbour is outside the grid.
   *
   * @param embedding {@code dim × height × width} (channel-major)
   * @return per offset, per pixel {@code i}: the affinity of {@code i} and {@code i + offset}
   */
  public static float[][] affinities(
      float[] embedding, int dim, int width, int height, List<int[]> offsets) {
    int n = width * height;
    if (embedding.length != dim * n) {
      throw new IllegalArgumentException(
          "expected " + dim * n + " embedding values, got " + embedding.length);
    }
    float[][] out = new float[offsets.size()][n];
    for (int o = 0; o < offsets.size(); o++) {
      int dy = offsets.get(o)[0];
      int dx = offsets.get(o)[1];
      for (int y = 0; y + dy < height; y++) {
        for (int x = Math.max(0, -dx); x < width && x + dx < width; x++) {
          int i = y * width + x;
          int j = (y + dy) * width + x + dx;
          float d = 0;
          for (int k = 0; k < dim; k++) {
            d += Math.abs(embedding[k * n + i] - embedding[k * n + j]);
          }
          out[o][i] = (float) Math.exp(-d / dim);
        }
      }
    }
    return out;
  }

  /**
   * The maps after the walk.
   *
   * @param affinities from {@link #affinities} (same offsets and grid)
   * @param maps per class, {@code width × height} values
   */
  public static float[][] walk(
      float[][] affinities,
      List<int[]> offsets,
      int width,
      int height,
      float[][] maps,
      Settings settings) {
    int n = width * height;
    float[][] w = new float[affinities.length][n];
    float[] degree = new float[n];
    Arrays.fill(degree, 1f);
    int[] shift = new int[offsets.size()];
    for (int o = 0; o < offsets.size(); o++) {
      shift[o] = offsets.get(o)[0] * width + offsets.get(o)[1];
      for (int i = 0; i < n; i++) {
        float a = affinities[o][i];
        if (a > 0) {
          float v = (float) Math.pow(a, settings.beta());
          w[o][i] = v;
          degree[i] += v;
          degree[i + shift[o]] += v;
        }
      }
    }
    float[][] out = new float[maps.length][];
    float[] next = new float[n];
    for (int c = 0; c < maps.length; c++) {
      if (maps[c].length != n) {
        throw new IllegalArgumentException("expected " + n + " map values, got " + maps[c].length);
      }
      float[] m = maps[c].clone();
      for (int t = 0; t < settings.steps(); t++) {
        System.arraycopy(m, 0, next, 0, n);
        for (int o = 0; o < shift.length; o++) {
          int j0 = shift[o];
          float[] wo = w[o];
          for (int i = 0; i < n; i++) {
            float v = wo[i];
            if (v != 0) {
              next[i] += v * m[i + j0];
              next[i + j0] += v * m[i];
            }
          }
        }
        for (int i = 0; i < n; i++) {
          m[i] = next[i] / degree[i];
        }
      }
      out[c] = m;
    }
    return out;
  }
}
