package io.gainstream.model.labels;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** GAIN's soft mask {@code T(A) = sigmoid(ω · (A − σ))} (Li et al., CVPR 2018, eq. 3). */
public final class SoftMasks {
  private SoftMasks() {}

  /**
   * Soft mask of a normalised attention map.
   *
   * @param attention values in [0, 1]
   * @param sigma threshold σ, where the mask crosses 0.5
   * @param omega scale ω; larger is closer to a hard threshold
   */
  public static float[] soft(float[] attention, float sigma, float omega) {
    float[] out = new float[attention.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (1.0 / (1.0 + Math.exp(-omega * (attention[i] - sigma))));
    }
    return out;
  }

  /**
   * {@code toGray(soft(attention, sigma, omega))} in one pass and without an exponential per pixel:
   * the labelling stage's largest cost on photos (two {@code exp} per pixel and class, about 5 ms
   * of a 640×480 image's 6 ms of thresholding). Results are the same bytes, see {@link Gray}.
   */
  public static byte[] gray(float[] attention, float sigma, float omega) {
    return Gray.of(sigma, omega).apply(attention);
  }

  /**
   * The quantised soft mask as a table. {@code a ↦ round(255 · sigmoid(ω (a − σ)))}, computed
   * exactly as {@link #soft} and {@link #toGray} compute it, never decreases as {@code a} grows
   * (every step of it rounds monotonically), so it is fixed by the 255 smallest inputs at which it
   * reaches 1, 2, …, 255. Those are found once by bisection over the float bit patterns of [0, 1];
   * a pixel then starts from a 4096-bucket table and steps up past the boundaries it is at or above
   * (rarely more than one). Values outside [0, 1], and NaN, take the direct formula.
   */
  public static final class Gray {
    private static final int BUCKETS = 4096;
    private static final Map<Long, Gray> CACHE = new ConcurrentHashMap<>();
    private final float sigma;
    private final float omega;

    /** {@code bound[k]}: the smallest a in [0, 1] whose grey is at least k (+∞ if none). */
    private final float[] bound = new float[257];

    private final byte[] bucket = new byte[BUCKETS + 1];

    private Gray(float sigma, float omega) {
      this.sigma = sigma;
      this.omega = omega;
      int one = Float.floatToIntBits(1f);
      for (int k = 0; k <= 256; k++) {
        if (k == 0) {
          bound[k] = Float.NEGATIVE_INFINITY;
        } else if (k == 256 || direct(1f) < k) {
          bound[k] = Float.POSITIVE_INFINITY;
        } else {
          // smallest bit pattern b in [0, one] with direct(b) >= k; bit order is value order here
          int lo = 0;
          int hi = one;
          while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (direct(Float.intBitsToFloat(mid)) >= k) {
              hi = mid;
            } else {
              lo = mid + 1;
            }
          }
          bound[k] = Float.intBitsToFloat(lo);
        }
      }
      for (int b = 0; b <= BUCKETS; b++) {
        bucket[b] = (byte) direct((float) b / BUCKETS);
      }
    }

    /** The table of a (σ, ω): built once (about 8 000 evaluations), then shared. */
    public static Gray of(float sigma, float omega) {
      long key =
          ((long) Float.floatToIntBits(sigma) << 32) | (Float.floatToIntBits(omega) & 0xffffffffL);
      return CACHE.computeIfAbsent(key, k -> new Gray(sigma, omega));
    }

    /** Grey of one value, as {@code toGray(soft(...))} computes it. */
    int direct(float a) {
      float m = (float) (1.0 / (1.0 + Math.exp(-omega * (a - sigma))));
      return Math.round(Math.max(0f, Math.min(1f, m)) * 255f);
    }

    public byte[] apply(float[] attention) {
      byte[] out = new byte[attention.length];
      for (int i = 0; i < out.length; i++) {
        float a = attention[i];
        int g;
        if (a >= 0f && a <= 1f) {
          // a * 4096 is exact (a power of two), so the bucket's start is at or below a
          g = bucket[(int) (a * BUCKETS)] & 0xff;
          while (a >= bound[g + 1]) {
            g++;
          }
        } else {
          g = direct(a);
        }
        out[i] = (byte) g;
      }
      return out;
    }
  }

  /** The soft mask quantised to 8-bit grey for storage and display (0 → 0, 1 → 255). */
  public static byte[] toGray(float[] mask) {
    byte[] out = new byte[mask.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Math.round(Math.max(0f, Math.min(1f, mask[i])) * 255f);
    }
    return out;
  }
}
