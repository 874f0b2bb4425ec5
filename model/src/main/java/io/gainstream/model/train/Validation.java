package io.gainstream.model.train;

import io.gainstream.model.labels.ConfusionMatrix;
import io.gainstream.model.labels.ProxyLabels;
import io.gainstream.model.net.Prediction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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
   * The control of {@link #ERASED_DROP}: the score lost when a fifth of the same shape, taken from
   * another held-out image's map, is erased instead.
   */
  public static final String CONTROL_DROP = "val_control_drop";

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
   * @param erasedDrop mean share of a class's score lost when its most attended fifth is erased
   * @param attendedArea mean share of an image its classes' maps call foreground
   * @param controlDrop the same loss when another image's most attended fifth is erased instead
   */
  public record Figures(
      double exactMatch,
      double meanAp,
      double fgMiou,
      int images,
      int pixelImages,
      double erasedDrop,
      double attendedArea,
      double controlDrop) {
    /** Figures without the label-free localisation measures. */
    public Figures(double exactMatch, double meanAp, double fgMiou, int images, int pixelImages) {
      this(exactMatch, meanAp, fgMiou, images, pixelImages, Double.NaN, Double.NaN, Double.NaN);
    }

    /** Figures without the attended area. */
    public Figures(
        double exactMatch,
        double meanAp,
        double fgMiou,
        int images,
        int pixelImages,
        double erasedDrop) {
      this(exactMatch, meanAp, fgMiou, images, pixelImages, erasedDrop, Double.NaN, Double.NaN);
    }

    /**
     * The label-free localisation figure: how much more of a class's score is lost by erasing its
     * attended fifth than by erasing a fifth of the same shape that was attended in another image
     * ({@code erasedDrop − controlDrop}); the erased drop alone where no control was measured.
     */
    public double specificDrop() {
      return Double.isNaN(controlDrop) ? erasedDrop : erasedDrop - controlDrop;
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
      if (!Double.isNaN(controlDrop)) {
        m.put(CONTROL_DROP, controlDrop);
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
              : Double.isNaN(controlDrop)
                  ? String.format(
                      ", erasing the attended fifth costs %.3f of the score", erasedDrop)
                  : String.format(
                      ", erasing the attended fifth costs %.3f of the score (another image's: %.3f)",
                      erasedDrop, controlDrop);
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
          m.getOrDefault(ATTENDED_AREA, Double.NaN),
          m.getOrDefault(CONTROL_DROP, Double.NaN));
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
    double controlSum = 0;
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
      double[][] drops = erasedDrops(trainer, chunk, x, p);
      for (double d : drops[0]) {
        dropSum += d;
      }
      for (double d : drops[1]) {
        controlSum += d;
      }
      dropPairs += drops[0].length;
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
        dropPairs > 0 ? areaSum / dropPairs : 0,
        dropPairs > 0 ? controlSum / dropPairs : 0);
  }

  /**
   * The label-free localisation measure, per (image, class it contains): how much of the class's
   * score is lost when the image's most attended fifth for that class is erased (set to 0, as
   * GAIN's erased stream does), {@code 1 − p(erased) / p(image)}, clipped to [−1, 1] — and, as its
   * control, the same loss when the erased fifth is the most attended fifth of the next held-out
   * image instead (the same shape and area, in a place chosen for another photo).
   *
   * <p>Why this: without pixel labels, a map is judged by whether it points at what the classifier
   * needs. GAIN's own attention-mining loss asks the same of its soft mask, but a mask may grow: a
   * map that lights up the whole image erases everything and wins. A fixed area takes that away.
   * The control takes away the other way to win, found on photos (docs/QUALITY.md): a mined network
   * learns that an erased patch means "not this class", and then loses its score under any erased
   * patch. Erasing the attended fifth must cost more than erasing someone else's; a map spread over
   * the frame or a network that answers the patch rather than the object costs about the same under
   * both. It measures faithfulness to the classifier, not the object's extent: where the scenery
   * alone gives the class away it says little either way.
   *
   * @return per pair, {@code [0]} the drop and {@code [1]} its control
   */
  private static double[][] erasedDrops(
      GainTrainer trainer, List<Example> chunk, float[] x, Prediction p) {
    int s = trainer.spec().inputSize();
    int plane = s * s;
    int pairs = 0;
    for (Example e : chunk) {
      pairs += e.classes().length;
    }
    if (pairs == 0) {
      return new double[2][0];
    }
    int[][] own = new int[chunk.size()][];
    int[] image = new int[pairs];
    int[] cls = new int[pairs];
    List<int[]> erasedPixels = new ArrayList<>();
    int q = 0;
    for (int i = 0; i < chunk.size(); i++) {
      for (int k : chunk.get(i).classes()) {
        int[] top = topShare(p.map(i, k), ERASED_AREA);
        if (own[i] == null) {
          own[i] = top;
        }
        erasedPixels.add(top);
        image[q] = i;
        cls[q] = k;
        q++;
      }
    }
    for (int j = 0; j < pairs; j++) {
      // the next image that has a map (an image without classes has none)
      int other = (image[j] + 1) % chunk.size();
      while (own[other] == null) {
        other = (other + 1) % chunk.size();
      }
      erasedPixels.add(other == image[j] ? rotated(erasedPixels.get(j), plane) : own[other]);
    }
    double[][] out = new double[2][pairs];
    for (int from = 0; from < 2 * pairs; from += CHUNK) {
      int m = Math.min(CHUNK, 2 * pairs - from);
      float[] part = new float[m * 3 * plane];
      for (int j = 0; j < m; j++) {
        int pair = (from + j) % pairs;
        System.arraycopy(x, image[pair] * 3 * plane, part, j * 3 * plane, 3 * plane);
        for (int px : erasedPixels.get(from + j)) {
          for (int ch = 0; ch < 3; ch++) {
            part[j * 3 * plane + ch * plane + px] = 0f;
          }
        }
      }
      Prediction pe = trainer.predict(part, m);
      for (int j = 0; j < m; j++) {
        int pair = (from + j) % pairs;
        double before = p.probability(image[pair], cls[pair]);
        double after = pe.probability(j, cls[pair]);
        out[(from + j) / pairs][pair] =
            Math.max(-1, Math.min(1, 1 - after / Math.max(before, 1e-6)));
      }
    }
    return out;
  }

  /** Pixel indices turned half a turn: the control of an image that has no other to borrow from. */
  private static int[] rotated(int[] pixels, int plane) {
    int[] out = new int[pixels.length];
    for (int i = 0; i < pixels.length; i++) {
      out[i] = plane - 1 - pixels[i];
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
    Arrays.sort(keyed);
    int[] out = new int[keep];
    for (int j = 0; j < keep; j++) {
      out[j] = (int) keyed[keyed.length - 1 - j];
    }
    return out;
  }
}
