package io.gainstream.model.labels;

import java.util.Arrays;

/**
 * SeeNet's ternary mask: thresholds relative to the map's own maximum, {@code δ_h = high · max} and
 * {@code δ_l = low · max} (paper: 0.7 and 0.05; released code 0.8 and 0.05).
 */
public final class SeeNetZones {
  public static final float DEFAULT_HIGH = 0.7f;
  public static final float DEFAULT_LOW = 0.05f;

  private SeeNetZones() {}

  /**
   * Zone codes ({@link Zone#code}) per pixel: {@code A > δ_h} attention, {@code A < δ_l}
   * background, otherwise potential. A map without any positive value has no attention at all:
   * every pixel is background.
   */
  public static byte[] zones(float[] attention, float high, float low) {
    if (!(low >= 0 && low <= high && high <= 1)) {
      throw new IllegalArgumentException(
          "need 0 <= low <= high <= 1, got low=" + low + ", high=" + high);
    }
    float max = 0f;
    for (float v : attention) {
      max = Math.max(max, v);
    }
    byte[] out = new byte[attention.length];
    if (max <= 0f) {
      Arrays.fill(out, (byte) Zone.BACKGROUND.code());
      return out;
    }
    float dh = high * max;
    float dl = low * max;
    // the codes as bytes once, not an enum per pixel (this runs on every pixel of every photo)
    byte attention0 = (byte) Zone.ATTENTION.code();
    byte background = (byte) Zone.BACKGROUND.code();
    byte potential = (byte) Zone.POTENTIAL.code();
    for (int i = 0; i < out.length; i++) {
      float v = attention[i];
      out[i] = v > dh ? attention0 : v < dl ? background : potential;
    }
    return out;
  }

  /** The ternary mask {@code T_A} (0, −1 or 1 per pixel) of zone codes. */
  public static float[] multiplier(byte[] zones) {
    float[] out = new float[zones.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = Zone.ofCode(zones[i]).multiplier();
    }
    return out;
  }
}
