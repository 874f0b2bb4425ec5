package io.gainstream.model.infer;

import io.gainstream.model.image.MapResize;
import io.gainstream.model.labels.FlipFusion;
import io.gainstream.model.net.GainNetwork;
import io.gainstream.model.net.Prediction;
import java.util.Arrays;
import java.util.List;

/**
 * Runs a batch through a session and returns, per image, the attention maps of that image's
 * labelled classes; optionally with horizontal-flip test-time fusion (a second run on the mirrored
 * batch, fused by max) and multi-scale fusion (the batch again through the release at other input
 * sides, every map brought back to the release's side, averaged and normalised again).
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
  public static Result run(
      AttentionSession session, float[] images, int n, int[][] classes, boolean flip) {
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

  /**
   * As {@link #run(AttentionSession, float[], int, int[][], boolean)}, fused over scales: the batch
   * is resized (the whole letterboxed square, so the box scales with it) to each of {@code
   * scaled}'s sides and run there, flip fused as at the release's side; per image and class the
   * maps of all scales, resized back to the release's side, are averaged and min–max normalised as
   * the graph normalises one map. Scores are the release's side's. A larger side runs in pieces of
   * the batch (one run per piece) so that its heap stays that of the release's own pass.
   *
   * @param scaled the release rewritten for the other sides ({@code ScaledRelease}); empty: one
   *     scale
   */
  public static Result run(
      AttentionSession session,
      List<AttentionSession> scaled,
      float[] images,
      int n,
      int[][] classes,
      boolean flip) {
    Result base = run(session, images, n, classes, flip);
    if (scaled.isEmpty()) {
      return base;
    }
    int s = session.info().spec().inputSize();
    float[][][] sum = base.maps();
    for (AttentionSession z : scaled) {
      int zs = z.info().spec().inputSize();
      // a larger side runs in pieces of at most the batch's own pixels, so that its tensors and
      // outputs take no more heap than the release's own pass
      int piece = Math.max(1, (int) ((long) n * s * s / ((long) zs * zs)));
      for (int from = 0; from < n; from += piece) {
        int m = Math.min(piece, n - from);
        float[] part = Arrays.copyOfRange(images, from * 3 * s * s, (from + m) * 3 * s * s);
        Result r =
            run(z, resize(part, m, s, zs), m, Arrays.copyOfRange(classes, from, from + m), flip);
        for (int i = 0; i < m; i++) {
          for (int c = 0; c < classes[from + i].length; c++) {
            float[] back = MapResize.bilinear(r.maps()[i][c], zs, zs, s, s);
            float[] acc = sum[from + i][c];
            for (int p = 0; p < acc.length; p++) {
              acc[p] += back[p];
            }
          }
        }
      }
    }
    for (float[][] image : sum) {
      for (float[] map : image) {
        normalise(map);
      }
    }
    return new Result(sum, base.prediction());
  }

  /** Min–max to [0, 1] with the graph's epsilon ({@link GainNetwork#NORM_EPS}). */
  static void normalise(float[] map) {
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    for (float v : map) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    float den = hi - lo + GainNetwork.NORM_EPS;
    for (int p = 0; p < map.length; p++) {
      map[p] = (map[p] - lo) / den;
    }
  }

  /** Every channel plane of an N×3×S×S batch resized bilinearly to Z×Z. */
  static float[] resize(float[] images, int n, int s, int z) {
    float[] out = new float[n * 3 * z * z];
    float[] plane = new float[s * s];
    for (int k = 0; k < n * 3; k++) {
      System.arraycopy(images, k * s * s, plane, 0, s * s);
      System.arraycopy(MapResize.bilinear(plane, s, s, z, z), 0, out, k * z * z, z * z);
    }
    return out;
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
