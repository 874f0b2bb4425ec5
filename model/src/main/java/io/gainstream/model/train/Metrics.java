package io.gainstream.model.train;

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
}
