package io.gainstream.model.train;

import io.gainstream.model.labels.ConfusionMatrix;
import io.gainstream.model.labels.ProxyLabels;
import io.gainstream.model.net.Prediction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Validation on held-out samples: which images are held out, and the figures a model earns on them.
 * A trainer that only watches its own training batches cannot see it has collapsed (its running
 * accuracy lags and is measured under the very losses that collapsed it), so every release and
 * every collapse check is judged on images it never trained on.
 */
public final class Validation {
  /** Metric keys of {@link Figures#metrics()}, as they appear in {@code ModelRelease.metrics}. */
  public static final String EXACT_MATCH = "val_exact_match";

  public static final String MEAN_AP = "val_map";
  public static final String FG_MIOU = "val_fg_miou";
  public static final String IMAGES = "val_images";
  public static final String PIXEL_IMAGES = "val_pixel_images";
  public static final String ERASED_DROP = "val_erased_drop";

  /**
   * Mean share of an image that its classes' maps call foreground (at the label threshold): a
   * diagnostic of how far attention has spread, up to "everything", which is how a collapsed gain
   * labels.
   */
  public static final String ATTENDED_AREA = "val_attended_area";

  /**
   * The share of each image's pixels that the label-free localisation measure erases: the most
   * attended fifth of the image, for every class it contains.
   */
  public static final double ERASED_AREA = 0.2;

  /**
   * What a model scores on the held-out samples.
   *
   * @param exactMatch share of images whose predicted class set (p ≥ 0.5) equals the true one
   * @param meanAp mean over classes of the average precision of the class scores (classes with at
   *     least one positive image)
   * @param fgMiou foreground mIoU of the proxy labels on the held-out images with pixel labels,
   *     pixels left at 255 counted as missed; NaN when there are none
   * @param images held-out images scored
   * @param pixelImages of those, how many carried pixel labels
   */
  public record Figures(
      double exactMatch,
      double meanAp,
      double fgMiou,
      int images,
      int pixelImages,
      double erasedDrop,
      double attendedArea) {
    /** Figures without the label-free localisation measures. */
    public Figures(double exactMatch, double meanAp, double fgMiou, int images, int pixelImages) {
      this(exactMatch, meanAp, fgMiou, images, pixelImages, Double.NaN, Double.NaN);
    }

    /** Figures without the attended area. */
    public Figures(
        double exactMatch,
        double meanAp,
        double fgMiou,
        int images,
        int pixelImages,
        double erasedDrop) {
      this(exactMatch, meanAp, fgMiou, images, pixelImages, erasedDrop, Double.NaN);
    }

    public boolean hasPixels() {
      return pixelImages > 0 && !Double.isNaN(fgMiou);
    }

    /** The figures as release metrics (fg mIoU only where pixel labels were held out). */
    public Map<String, Double> metrics() {
      Map<String, Double> m = new LinkedHashMap<>();
      m.put(EXACT_MATCH, exactMatch);
      m.put(MEAN_AP, meanAp);
      if (hasPixels()) {
        m.put(FG_MIOU, fgMiou);
      }
      m.put(IMAGES, (double) images);
      m.put(PIXEL_IMAGES, (double) pixelImages);
      if (!Double.isNaN(erasedDrop)) {
        m.put(ERASED_DROP, erasedDrop);
      }
      if (!Double.isNaN(attendedArea)) {
        m.put(ATTENDED_AREA, attendedArea);
      }
      return m;
    }

    /** One line for logs and the end of {@code label}. */
    public String summary() {
      String px =
          hasPixels()
              ? String.format(", fg mIoU %.3f on %d with pixel labels", fgMiou, pixelImages)
              : ", no held-out pixel labels";
      String drop =
          Double.isNaN(erasedDrop)
              ? ""
              : String.format(", erasing the attended fifth costs %.3f of the score", erasedDrop);
      return String.format(
          "exact match %.3f, mAP %.3f on %d held-out images%s%s",
          exactMatch, meanAp, images, px, drop);
    }

    /** Figures read back from release metrics; null when the release carries none. */
    public static Figures fromMetrics(Map<String, Double> m) {
      if (!m.containsKey(EXACT_MATCH) || !m.containsKey(MEAN_AP)) {
        return null;
      }
      return new Figures(
          m.get(EXACT_MATCH),
          m.get(MEAN_AP),
          m.getOrDefault(FG_MIOU, Double.NaN),
          m.getOrDefault(IMAGES, 0.0).intValue(),
          m.getOrDefault(PIXEL_IMAGES, 0.0).intValue(),
          m.getOrDefault(ERASED_DROP, Double.NaN),
          m.getOrDefault(ATTENDED_AREA, Double.NaN));
    }
  }

  private static final int CHUNK = 32;

  private Validation() {}

  /**
   * Whether an image is held out: a CRC-32 of its id, so the split is the same in every process,
   * after every restart and for every later sample of the same image.
   *
   * @param share fraction held out, in [0, 1)
   */
  public static boolean heldOut(String imageId, double share) {
    if (!(share >= 0 && share < 1)) {
      throw new IllegalArgumentException("held-out share must be in [0, 1), got " + share);
    }
    CRC32 crc = new CRC32();
    crc.update(imageId.getBytes(StandardCharsets.UTF_8));
    return crc.getValue() % 10_000 < Math.round(share * 10_000);
  }

  /**
   * Scores the trainer's current weights (inference-mode batch-norm, as the exported release runs)
   * on {@code examples}, in id order so that the figures do not depend on arrival order.
   */
  public static Figures evaluate(
      GainTrainer trainer, List<Example> examples, ProxyLabels.Thresholds thresholds) {
    int s = trainer.spec().inputSize();
    int c = trainer.spec().numClasses();
    int plane = s * s;
    List<Example> sorted = new ArrayList<>(examples);
    sorted.sort(Comparator.comparing(Example::id));
    int n = sorted.size();
    float[] scores = new float[n * c];
    float[] truth = new float[n * c];
    ConfusionMatrix pixels = new ConfusionMatrix(c);
    int pixelImages = 0;
    double dropSum = 0;
    int dropPairs = 0;
    double areaSum = 0;
    for (int from = 0; from < n; from += CHUNK) {
      List<Example> chunk = sorted.subList(from, Math.min(n, from + CHUNK));
      float[] x = new float[chunk.size() * 3 * plane];
      for (int i = 0; i < chunk.size(); i++) {
        System.arraycopy(chunk.get(i).chw(), 0, x, i * 3 * plane, 3 * plane);
      }
      Prediction p = trainer.predict(x, chunk.size());
      System.arraycopy(p.probabilities(), 0, scores, from * c, chunk.size() * c);
      for (int i = 0; i < chunk.size(); i++) {
        Example e = chunk.get(i);
        for (int k : e.classes()) {
          truth[(from + i) * c + k - 1] = 1f;
        }
        if (e.mask() != null) {
          float[][] maps = new float[e.classes().length][];
          for (int j = 0; j < maps.length; j++) {
            maps[j] = p.map(i, e.classes()[j]);
          }
          pixels.add(ProxyLabels.assign(maps, e.classes(), plane, thresholds), e.mask());
          pixelImages++;
        }
      }
      for (int i = 0; i < chunk.size(); i++) {
        for (int k : chunk.get(i).classes()) {
          float[] map = p.map(i, k);
          int on = 0;
          for (float v : map) {
            if (v >= thresholds.foreground()) {
              on++;
            }
          }
          areaSum += (double) on / map.length;
        }
      }
      double[] drops = erasedDrops(trainer, chunk, x, p);
      for (double d : drops) {
        dropSum += d;
      }
      dropPairs += drops.length;
    }
    double exact = Metrics.exactMatch(scores, truth, n, c, 0.5f);
    double ap = Metrics.meanAveragePrecision(scores, truth, n, c);
    double fg = pixelImages > 0 ? pixels.strictForegroundMeanIou() : Double.NaN;
    return new Figures(
        exact,
        ap,
        fg,
        n,
        pixelImages,
        dropPairs > 0 ? dropSum / dropPairs : 0,
        dropPairs > 0 ? areaSum / dropPairs : 0);
  }

  /**
   * The label-free localisation measure, per (image, class it contains): how much of the class's
   * score is lost when the image's most attended fifth for that class is blacked out, {@code 1 −
   * p(erased) / p(image)}, clipped to [−1, 1].
   *
   * <p>Why this: without pixel labels, a map is judged by whether it points at what the classifier
   * needs. GAIN's own attention-mining loss asks the same of its soft mask, but a mask may grow: a
   * map that lights up the whole image erases everything and wins. A fixed area takes that away;
   * the drop then rewards maps whose top fifth holds the evidence, and a mined model that spread
   * its attention over the frame scores below the classifier it started from. It measures
   * faithfulness to the classifier, not the object's extent: where the scenery alone gives the
   * class away it says little either way (docs/QUALITY.md).
   */
  private static double[] erasedDrops(
      GainTrainer trainer, List<Example> chunk, float[] x, Prediction p) {
    int s = trainer.spec().inputSize();
    int plane = s * s;
    int pairs = 0;
    for (Example e : chunk) {
      pairs += e.classes().length;
    }
    if (pairs == 0) {
      return new double[0];
    }
    float[] erased = new float[pairs * 3 * plane];
    int[] image = new int[pairs];
    int[] cls = new int[pairs];
    int q = 0;
    for (int i = 0; i < chunk.size(); i++) {
      for (int k : chunk.get(i).classes()) {
        System.arraycopy(x, i * 3 * plane, erased, q * 3 * plane, 3 * plane);
        for (int px : topShare(p.map(i, k), ERASED_AREA)) {
          for (int ch = 0; ch < 3; ch++) {
            erased[q * 3 * plane + ch * plane + px] = 0f;
          }
        }
        image[q] = i;
        cls[q] = k;
        q++;
      }
    }
    double[] out = new double[pairs];
    for (int from = 0; from < pairs; from += CHUNK) {
      int m = Math.min(CHUNK, pairs - from);
      float[] part = java.util.Arrays.copyOfRange(erased, from * 3 * plane, (from + m) * 3 * plane);
      Prediction pe = trainer.predict(part, m);
      for (int j = 0; j < m; j++) {
        double before = p.probability(image[from + j], cls[from + j]);
        double after = pe.probability(j, cls[from + j]);
        out[from + j] = Math.max(-1, Math.min(1, 1 - after / Math.max(before, 1e-6)));
      }
    }
    return out;
  }

  /**
   * The indices of the top {@code share} of {@code map}'s values, exactly that many: ties are
   * broken by position, so a flat map erases a fifth like any other (by value alone it would erase
   * all).
   */
  static int[] topShare(float[] map, double share) {
    int keep = Math.max(1, (int) Math.round(share * map.length));
    long[] keyed = new long[map.length];
    for (int i = 0; i < map.length; i++) {
      // non-negative floats order as their bits do; the index breaks ties
      float v = Float.isNaN(map[i]) ? 0f : Math.max(0f, map[i]);
      keyed[i] = ((long) Float.floatToIntBits(v) << 32) | i;
    }
    java.util.Arrays.sort(keyed);
    int[] out = new int[keep];
    for (int j = 0; j < keep; j++) {
      out[j] = (int) keyed[keyed.length - 1 - j];
    }
    return out;
  }
}
