package io.gainstream.model.infer;

import io.gainstream.model.labels.FlipFusion;
import io.gainstream.model.net.Prediction;

/**
 * Runs a batch through a session and returns, per image, the attention maps of that image's
 * labelled classes; optionally with horizontal-flip test-time fusion (a second run on the mirrored
 * batch, fused by max).
 */
public final class BatchAttention {
  /**
   * Maps and scores of one batch.
   *
   * @param maps per image, per labelled class: the S×S map
   * @param prediction the plain (unflipped) prediction, for scores
   */
  public record Result(float[][][] maps, Prediction prediction) {}

  private BatchAttention() {}

  /**
   * @param images N×3×S×S
   * @param classes per image, its labelled class indices
   * @param flip whether to fuse with the mirrored batch
   */
  public static Result run(AttentionSession session, float[] images, int n, int[][] classes, boolean flip) {
    int s = session.info().spec().inputSize();
    Prediction p = session.run(images, n);
    Prediction f = flip ? session.run(mirror(images, n, s), n) : null;
    float[][][] maps = new float[n][][];
    for (int i = 0; i < n; i++) {
      maps[i] = new float[classes[i].length][];
      for (int c = 0; c < classes[i].length; c++) {
        int k = classes[i][c];
        maps[i][c] = f == null ? p.map(i, k) : FlipFusion.fuse(p.map(i, k), f.map(i, k), s, s);
      }
    }
    return new Result(maps, p);
  }

  /** The batch with every image mirrored left-right (every channel row reversed). */
  public static float[] mirror(float[] images, int n, int s) {
    float[] out = new float[n * 3 * s * s];
    for (int row = 0; row < n * 3 * s; row++) {
      int base = row * s;
      for (int x = 0; x < s; x++) {
        out[base + x] = images[base + s - 1 - x];
      }
    }
    return out;
  }
}
