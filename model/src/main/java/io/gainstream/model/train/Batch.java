package io.gainstream.model.train;

/**
 * One training batch in the network's layout.
 *
 * @param size number of images N
 * @param images N×3×S×S floats in [0, 1], NCHW
 * @param labels N×C multi-hot image-level labels (class index k is column k − 1)
 * @param masks N×C×S×S binary per-class pixel labels, or {@code null} when no image has one
 * @param hasMask per image: whether its rows of {@code masks} are real pixel labels
 */
public record Batch(int size, float[] images, float[] labels, float[] masks, boolean[] hasMask) {

  /** Whether any image of the batch carries a pixel label (gain-ext). */
  public boolean anyMask() {
    if (masks == null || hasMask == null) {
      return false;
    }
    for (boolean b : hasMask) {
      if (b) {
        return true;
      }
    }
    return false;
  }
}
