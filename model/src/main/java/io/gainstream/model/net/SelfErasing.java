package io.gainstream.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;

/**
 * SeeNet's self-erasing arithmetic (Hou et al., NeurIPS 2018), on the feature grid. The initial
 * attention map of each class, ReLU'd and divided by its maximum, splits the grid into three zones:
 * the attention zone (above δ_h), the background zone (below δ_l) and the potential zone between
 * them. The conditionally reversed ReLU multiplies by the ternary mask: attention zone erased (0),
 * background negated (−1), potential zone kept (1), so branch S_B must find the class in what the
 * first map missed, and the background can only count against it. Branch S_C sees the background
 * alone (below (δ_h + δ_l) / 2) and must predict nothing.
 *
 * <p>Where the C-ReLU sits: the paper puts it on the shared features and runs S_B's convolutions
 * (with ReLUs between them) on the result. Our S_B is one 1×1 conv per class, which is linear: on
 * features negated in the background it would output exactly minus its response there, so L_B would
 * reward a negative response on the background, and S_B's map, which labels, would light the
 * background up. We apply the C-ReLU to the branch's response instead, {@code relu(conv(relu(F))) ·
 * T}: the background can only lower S_B's score, as the paper intends, and S_B's map is ≤ its bias
 * there.
 *
 * <p>The masks are constants of the step: no gradient flows through the thresholds into the map
 * that made them (they are step functions; the paper treats them the same way).
 */
public final class SelfErasing {
  /** δ_h: the attention zone, as a share of the map's maximum (the paper's 0.7). */
  public static final float HIGH = 0.7f;

  /** δ_l: the background zone (the paper's 0.05). */
  public static final float LOW = 0.05f;

  /** S_C's background threshold, (δ_h + δ_l) / 2. */
  public static final float BACKGROUND = (HIGH + LOW) / 2;

  private SelfErasing() {}

  /**
   * Each map ReLU'd and divided by its maximum over the grid (plus {@link GainNetwork#NORM_EPS}),
   * detached from autograd. {@code maps}: N×C×h×w.
   */
  public static NDArray normalised(NDArray maps) {
    NDArray r = Activation.relu(maps.stopGradient());
    NDArray max = r.max(new int[] {3}, true).max(new int[] {2}, true);
    return r.div(max.add(GainNetwork.NORM_EPS));
  }

  /** The ternary mask of normalised maps: 0 above δ_h, −1 below δ_l, 1 between. */
  public static NDArray ternary(NDArray normalised) {
    NDArray high = normalised.gt(HIGH).toType(DataType.FLOAT32, false);
    NDArray low = normalised.lt(LOW).toType(DataType.FLOAT32, false);
    return high.add(low.mul(2)).neg().add(1);
  }

  /** S_C's mask of normalised maps: 1 below (δ_h + δ_l) / 2, else 0. */
  public static NDArray background(NDArray normalised) {
    return normalised.lt(BACKGROUND).toType(DataType.FLOAT32, false);
  }

  /**
   * The conditionally reversed ReLU: {@code max(x, 0) · mask}; {@code x} N×C×h×w (S_B's response,
   * one map per class), {@code mask} N×C×h×w or one N×1×h×w map broadcast over the classes.
   */
  public static NDArray cRelu(NDArray x, NDArray mask) {
    return Activation.relu(x).mul(mask);
  }
}
