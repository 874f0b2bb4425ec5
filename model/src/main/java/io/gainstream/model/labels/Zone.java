package io.gainstream.model.labels;

/**
 * SeeNet's three zones of an attention map (Hou et al., NeurIPS 2018). {@link #code} is how a zone
 * is stored in a ternary-mask PNG; {@link #multiplier} is the value of the ternary mask {@code T_A}
 * that the conditionally reversed ReLU multiplies features by.
 */
public enum Zone {
  /** Below δ_l: confidently background; features are negated. */
  BACKGROUND(0, -1),
  /** Between δ_l and δ_h: may still belong to the object; features are kept. */
  POTENTIAL(1, 1),
  /** Above δ_h: the already-found attention; features are erased. */
  ATTENTION(2, 0);

  private final int code;
  private final int multiplier;

  Zone(int code, int multiplier) {
    this.code = code;
    this.multiplier = multiplier;
  }

  public int code() {
    return code;
  }

  public int multiplier() {
    return multiplier;
  }

  public static Zone ofCode(int code) {
    for (Zone z : values()) {
      if (z.code == code) {
        return z;
      }
    }
    throw new IllegalArgumentException("no zone with code " + code + ", expected 0, 1 or 2");
  }
}
