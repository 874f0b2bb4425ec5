package io.gainstream.model.refine;

import java.util.Arrays;

/**
 * Gaussian filtering in a d-dimensional feature space in linear time: the permutohedral lattice of
 * Adams, Baek and Davis (Eurographics 2010), the approximation the dense CRF of Krähenbühl and
 * Koltun (NeurIPS 2011) runs its mean-field messages through. Each point is splatted onto the d + 1
 * vertices of the lattice simplex that holds it (barycentric weights), the vertex values are
 * blurred with a [1 2 1] kernel along each of the d + 1 lattice directions, and read back (sliced)
 * with the same weights. The result approximates {@code Σ_j exp(−|f_i − f_j|² / 2) v_j} for
 * features already divided by their kernel widths, up to a constant factor; {@link DenseCrf}
 * normalises it away. The lattice is built once per image and filters any number of value channels.
 */
public final class PermutohedralLattice {
  private final int d;
  private final int n;

  /**
   * Vertex (1-based; 0 is an always-zero slot for missing neighbours) of each point's d + 1
   * corners.
   */
  private final int[] offset;

  private final float[] weight;
  private final int vertices;

  /** Per direction j and vertex i (1-based): the two neighbours along j, 0 when absent. */
  private final int[] neighbour1;

  private final int[] neighbour2;

  private PermutohedralLattice(
      int d,
      int n,
      int[] offset,
      float[] weight,
      int vertices,
      int[] neighbour1,
      int[] neighbour2) {
    this.d = d;
    this.n = n;
    this.offset = offset;
    this.weight = weight;
    this.vertices = vertices;
    this.neighbour1 = neighbour1;
    this.neighbour2 = neighbour2;
  }

  /** Lattice vertices in use (a measure of the work per filtering). */
  public int vertices() {
    return vertices;
  }

  /**
   * Builds the lattice of {@code n} points with {@code d} features each ({@code features[i * d +
   * k]}), every feature already divided by its kernel's standard deviation.
   */
  public static PermutohedralLattice build(float[] features, int n, int d) {
    if (d < 1 || n < 1 || features.length != n * d) {
      throw new IllegalArgumentException(
          "need n >= 1 points of d >= 1 features, got "
              + features.length
              + " values for n="
              + n
              + ", d="
              + d);
    }
    int d1 = d + 1;
    double invStd = Math.sqrt(2.0 / 3.0) * d1;
    double[] scale = new double[d];
    for (int i = 0; i < d; i++) {
      scale[i] = invStd / Math.sqrt((i + 1.0) * (i + 2.0));
    }
    int[] canonical = new int[d1 * d1];
    for (int i = 0; i <= d; i++) {
      for (int j = 0; j <= d - i; j++) {
        canonical[i * d1 + j] = i;
      }
      for (int j = d - i + 1; j <= d; j++) {
        canonical[i * d1 + j] = i - d1;
      }
    }
    KeyTable table = new KeyTable(d, Math.max(16, n * d1 / 4));
    int[] offset = new int[n * d1];
    float[] weight = new float[n * d1];
    double[] elevated = new double[d1];
    int[] rem0 = new int[d1];
    int[] rank = new int[d1];
    double[] bary = new double[d + 2];
    int[] key = new int[d];
    double down = 1.0 / d1;
    for (int p = 0; p < n; p++) {
      int base = p * d;
      double sm = 0;
      for (int j = d; j > 0; j--) {
        double cf = features[base + j - 1] * scale[j - 1];
        elevated[j] = sm - j * cf;
        sm += cf;
      }
      elevated[0] = sm;
      // the nearest point of the zero-coloured sub-lattice (coordinates multiples of d + 1)
      int sum = 0;
      for (int i = 0; i <= d; i++) {
        double v = down * elevated[i];
        double up = Math.ceil(v) * d1;
        double lo = Math.floor(v) * d1;
        rem0[i] = (int) (up - elevated[i] < elevated[i] - lo ? up : lo);
        sum += rem0[i];
      }
      sum /= d1;
      Arrays.fill(rank, 0);
      for (int i = 0; i < d; i++) {
        double di = elevated[i] - rem0[i];
        for (int j = i + 1; j <= d; j++) {
          if (di < elevated[j] - rem0[j]) {
            rank[i]++;
          } else {
            rank[j]++;
          }
        }
      }
      if (sum > 0) {
        for (int i = 0; i <= d; i++) {
          if (rank[i] >= d1 - sum) {
            rem0[i] -= d1;
            rank[i] += sum - d1;
          } else {
            rank[i] += sum;
          }
        }
      } else if (sum < 0) {
        for (int i = 0; i <= d; i++) {
          if (rank[i] < -sum) {
            rem0[i] += d1;
            rank[i] += d1 + sum;
          } else {
            rank[i] += sum;
          }
        }
      }
      Arrays.fill(bary, 0);
      for (int i = 0; i <= d; i++) {
        double v = (elevated[i] - rem0[i]) * down;
        bary[d - rank[i]] += v;
        bary[d - rank[i] + 1] -= v;
      }
      bary[0] += 1.0 + bary[d + 1];
      for (int r = 0; r <= d; r++) {
        for (int i = 0; i < d; i++) {
          key[i] = rem0[i] + canonical[r * d1 + rank[i]];
        }
        offset[p * d1 + r] = table.findOrInsert(key) + 1;
        weight[p * d1 + r] = (float) bary[r];
      }
    }
    int m = table.size();
    int[] n1 = new int[d1 * (m + 1)];
    int[] n2 = new int[d1 * (m + 1)];
    int[] k1 = new int[d];
    int[] k2 = new int[d];
    for (int j = 0; j <= d; j++) {
      for (int i = 0; i < m; i++) {
        int kb = i * d;
        for (int k = 0; k < d; k++) {
          k1[k] = table.keys[kb + k] - 1;
          k2[k] = table.keys[kb + k] + 1;
        }
        if (j < d) {
          k1[j] = table.keys[kb + j] + d;
          k2[j] = table.keys[kb + j] - d;
        }
        n1[j * (m + 1) + i + 1] = table.find(k1) + 1;
        n2[j * (m + 1) + i + 1] = table.find(k2) + 1;
      }
    }
    return new PermutohedralLattice(d, n, offset, weight, m, n1, n2);
  }

  /**
   * Filters {@code channels} values per point ({@code in[i * channels + c]}) into {@code out} (the
   * same layout; may not be {@code in}).
   */
  public void filter(float[] in, float[] out, int channels) {
    if (in.length != n * channels || out.length != n * channels) {
      throw new IllegalArgumentException(
          "expected "
              + n * channels
              + " values in and out, got "
              + in.length
              + " and "
              + out.length);
    }
    int d1 = d + 1;
    int m1 = vertices + 1;
    float[] values = new float[m1 * channels];
    float[] next = new float[m1 * channels];
    for (int p = 0; p < n; p++) {
      int ib = p * channels;
      for (int r = 0; r <= d; r++) {
        int o = offset[p * d1 + r] * channels;
        float w = weight[p * d1 + r];
        for (int c = 0; c < channels; c++) {
          values[o + c] += w * in[ib + c];
        }
      }
    }
    for (int j = 0; j <= d; j++) {
      int nb = j * m1;
      for (int i = 1; i < m1; i++) {
        int a = neighbour1[nb + i] * channels;
        int b = neighbour2[nb + i] * channels;
        int o = i * channels;
        for (int c = 0; c < channels; c++) {
          next[o + c] = values[o + c] + 0.5f * (values[a + c] + values[b + c]);
        }
      }
      float[] t = values;
      values = next;
      next = t;
    }
    for (int p = 0; p < n; p++) {
      int ob = p * channels;
      for (int c = 0; c < channels; c++) {
        out[ob + c] = 0f;
      }
      for (int r = 0; r <= d; r++) {
        int o = offset[p * d1 + r] * channels;
        float w = weight[p * d1 + r];
        for (int c = 0; c < channels; c++) {
          out[ob + c] += w * values[o + c];
        }
      }
    }
  }

  /** Open-addressing table from integer lattice keys (d coordinates) to dense indices. */
  private static final class KeyTable {
    private final int d;
    private int[] keys;
    private int[] slots;
    private int size;

    KeyTable(int d, int expected) {
      this.d = d;
      int cap = Integer.highestOneBit(Math.max(16, expected * 2) - 1) << 1;
      this.slots = new int[cap];
      Arrays.fill(slots, -1);
      this.keys = new int[expected * d];
    }

    int size() {
      return size;
    }

    private static int hash(int[] key) {
      int h = 0;
      for (int k : key) {
        h = (h + k) * 2531011;
      }
      return h ^ (h >>> 15);
    }

    int find(int[] key) {
      int mask = slots.length - 1;
      int s = hash(key) & mask;
      while (true) {
        int idx = slots[s];
        if (idx < 0) {
          return -1;
        }
        if (equal(idx, key)) {
          return idx;
        }
        s = (s + 1) & mask;
      }
    }

    int findOrInsert(int[] key) {
      if (2 * (size + 1) > slots.length) {
        grow();
      }
      int mask = slots.length - 1;
      int s = hash(key) & mask;
      while (true) {
        int idx = slots[s];
        if (idx < 0) {
          if ((size + 1) * d > keys.length) {
            keys = Arrays.copyOf(keys, Math.max(keys.length * 2, (size + 1) * d));
          }
          System.arraycopy(key, 0, keys, size * d, d);
          slots[s] = size;
          return size++;
        }
        if (equal(idx, key)) {
          return idx;
        }
        s = (s + 1) & mask;
      }
    }

    private boolean equal(int idx, int[] key) {
      int b = idx * d;
      for (int k = 0; k < d; k++) {
        if (keys[b + k] != key[k]) {
          return false;
        }
      }
      return true;
    }

    private void grow() {
      int[] old = slots;
      slots = new int[old.length * 2];
      Arrays.fill(slots, -1);
      int mask = slots.length - 1;
      int[] key = new int[d];
      for (int idx : old) {
        if (idx < 0) {
          continue;
        }
        System.arraycopy(keys, idx * d, key, 0, d);
        int s = hash(key) & mask;
        while (slots[s] >= 0) {
          s = (s + 1) & mask;
        }
        slots[s] = idx;
      }
    }
  }
}
