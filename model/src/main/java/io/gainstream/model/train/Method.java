package io.gainstream.model.train;

import io.gainstream.model.net.Head;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Training method, chosen by name on the command line and recorded in every release. */
public enum Method {
  /** Multi-label classification loss only: the CAM / Grad-CAM baseline. */
  CAM("cam"),
  /** Self-guided GAIN: {@code L_cl + α·L_am} after a classification-only warm-up. */
  GAIN("gain"),
  /** GAIN_ext: adds {@code ω_e·L_e} on the images that carry pixel labels. */
  GAIN_EXT("gain-ext"),
  /**
   * ABN: an attention branch (the CAM head, its own {@code L_att}) gates the features a perception
   * branch classifies ({@code L_per}); trained on {@code L_att + L_per}, no erasing.
   */
  ABN("abn"),
  /**
   * SeeNet: S_A's maps make each class's ternary mask; S_B classifies the features C-ReLU'd by it,
   * S_C the background alone (to predict nothing); {@code L_A + L_B + L_C}, labelled by the fusion
   * of S_A's and S_B's maps.
   */
  SEENET("seenet");

  private final String id;

  Method(String id) {
    this.id = id;
  }

  /** The name users type, e.g. {@code gain-ext}. */
  public String id() {
    return id;
  }

  /** Whether the method erases what its maps attend to and trains on the rest (GAIN's mining). */
  public boolean mines() {
    return this == GAIN || this == GAIN_EXT;
  }

  /** The head its network carries. */
  public Head head() {
    return switch (this) {
      case ABN -> Head.ABN;
      case SEENET -> Head.SEENET;
      default -> Head.CAM;
    };
  }

  /** Parses a method name; the message lists the valid ones. */
  public static Method fromId(String name) {
    String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    for (Method m : values()) {
      if (m.id.equals(wanted)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "unknown method '"
            + name
            + "', expected one of "
            + Arrays.stream(values()).map(Method::id).collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return id;
  }
}
