package io.gainstream.model.net;

/**
 * What sits on the feature map of a {@link GainNetwork}. Every head outputs the same two things
 * (the scores and the class maps the proxy labels come from), so the release, the pipeline and the
 * exports do not depend on it; what differs is what training needs besides.
 */
public enum Head {
  /** A CAM head: a 1×1 conv to one map per class, global average pooling to the logits. */
  CAM,

  /**
   * ABN's two branches (Fukui et al., CVPR 2019). The attention branch is the CAM head, with its
   * own logits for {@code L_att}, and a 1×1 conv that collapses its class maps into one attention
   * map {@code M = sigmoid(conv(maps))}. The perception branch classifies the gated features {@code
   * (1 + M) · g(x)} with a 1×1 conv and global pooling; its scores are the network's. The class
   * maps stay the attention branch's: they are what ABN trains to point at the evidence the
   * perception branch uses.
   */
  ABN,

  /**
   * SeeNet's self-erasing branches (Hou et al., NeurIPS 2018; {@link SelfErasing}). S_A is the CAM
   * head. S_B, a 1×1 conv of its own on relu(features), has its response C-ReLU'd by each class's
   * ternary mask; S_C, the same conv, sees its response on the background alone and is trained to
   * predict nothing. The class maps are S_A's and S_B's, each normalised, fused by maximum.
   *
   * <p>S_B and S_C share their weights, so S_C teaches S_B not to fire on the background. The masks
   * are per class and per pixel, so one response map per class serves every class's mask without a
   * per-class copy of the features.
   */
  SEENET
}
