package io.gainstream.model.train;

import java.util.Arrays;

/** Classification metrics over flat N×C arrays. */
public final class Metrics {
  private Metrics() {}

  /**
   * Exact-match multi-label accuracy: the share of images whose predicted label set (score above
   * {@code threshold}) equals the true set.
   *
   * @param scores N×C logits (threshold 0) or probabilities (threshold 0.5)
   * @param labels N×C multi-hot truth
   */
  public static float exactMatch(float[] scores, float[] labels, int n, int c, float threshold) {
    if (n == 0) {
      return 0f;
    }
    int right = 0;
    for (int i = 0; i < n; i++) {
      boolean ok = true;
      for (int j = 0; j < c && ok; j++) {
        ok = (scores[i * c + j] > threshold) == (labels[i * c + j] > 0.5f);
      }
      if (ok) {
        right++;
      }
    }
    return (float) right / n;
  }

  /**
   * Mean over classes of the average precision of the scores (the area under the precision-recall
   * curve, as VOC's and COCO's classification scores take it; ties broken by image order). Classes
   * with no positive image are left out; NaN if no class has one.
   */
  public static double meanAveragePrecision(float[] scores, float[] labels, int n, int c) {
    double sum = 0;
    int counted = 0;
    for (int j = 0; j < c; j++) {
      final int k = j;
      Integer[] order = new Integer[n];
      int positives = 0;
      for (int i = 0; i < n; i++) {
        order[i] = i;
        if (labels[i * c + k] > 0.5f) {
          positives++;
        }
      }
      if (positives == 0) {
        continue;
      }
      Arrays.sort(order, (a, b) -> Float.compare(scores[b * c + k], scores[a * c + k]));
      double ap = 0;
      int hits = 0;
      for (int r = 0; r < n; r++) {
        if (labels[order[r] * c + k] > 0.5f) {
          hits++;
          ap += (double) hits / (r + 1);
        }
      }
      sum += ap / positives;
      counted++;
    }
    return counted == 0 ? Double.NaN : sum / counted;
  }
}
