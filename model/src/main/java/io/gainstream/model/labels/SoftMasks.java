package io.gainstream.model.labels;

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

  /** The soft mask quantised to 8-bit grey for storage and display (0 → 0, 1 → 255). */
  public static byte[] toGray(float[] mask) {
    byte[] out = new byte[mask.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Math.round(Math.max(0f, Math.min(1f, mask[i])) * 255f);
    }
    return out;
  }
}
