package io.gainstream.model.labels;

/**
 * Pixel confusion matrix for segmentation labels and the IoU scores derived from it. Classes are
 * {@code 0..C} (0 background). 255 is handled explicitly: ground-truth 255 pixels are not scored
 * (VOC's void), predicted 255 pixels are not scored either but are counted, so the share of pixels
 * a labeller declined to label is reported beside its IoU.
 */
public final class ConfusionMatrix {
  private final int classes;
  private final long[] counts;
  private final long[] ignoredByTruth;
  private long ignoredTruth;
  private long ignoredPredicted;

  /**
   * @param numClasses foreground classes C (the matrix is (C+1)²)
   */
  public ConfusionMatrix(int numClasses) {
    if (numClasses < 1 || numClasses > 254) {
      throw new IllegalArgumentException("numClasses must be in [1, 254], got " + numClasses);
    }
    this.classes = numClasses + 1;
    this.counts = new long[classes * classes];
    this.ignoredByTruth = new long[classes];
  }

  /** Adds one image's prediction against its truth, both row-major class indices. */
  public void add(byte[] predicted, byte[] truth) {
    if (predicted.length != truth.length) {
      throw new IllegalArgumentException(
          "prediction has " + predicted.length + " pixels, truth " + truth.length);
    }
    for (int i = 0; i < truth.length; i++) {
      int t = truth[i] & 0xff;
      int p = predicted[i] & 0xff;
      if (t == ProxyLabels.IGNORE) {
        ignoredTruth++;
        continue;
      }
      check(t, "truth");
      if (p == ProxyLabels.IGNORE) {
        ignoredPredicted++;
        ignoredByTruth[t]++;
        continue;
      }
      check(p, "prediction");
      counts[t * classes + p]++;
    }
  }

  private void check(int v, String what) {
    if (v >= classes) {
      throw new IllegalArgumentException(
          what + " has class " + v + ", expected 0.." + (classes - 1) + " or 255");
    }
  }

  /** Pixels of truth class {@code t} predicted as {@code p}. */
  public long count(int t, int p) {
    return counts[t * classes + p];
  }

  /** IoU of class k, or NaN when the class appears in neither truth nor prediction. */
  public double iou(int k) {
    return iou(k, 0);
  }

  /** IoU of class k with {@code missed} further truth pixels of k counted as not found. */
  private double iou(int k, long missed) {
    long tp = count(k, k);
    long row = missed;
    long col = 0;
    for (int j = 0; j < classes; j++) {
      row += count(k, j);
      col += count(j, k);
    }
    long union = row + col - tp;
    return union == 0 ? Double.NaN : (double) tp / union;
  }

  /**
   * IoU of class k counting pixels of class k that the prediction left at 255 as missed: a labeller
   * cannot raise this score by declining to label hard pixels.
   */
  public double strictIou(int k) {
    return iou(k, ignoredByTruth[k]);
  }

  /** Mean IoU over all classes, background included, skipping classes absent from both sides. */
  public double meanIou() {
    return mean(0, false);
  }

  /** Mean IoU over the foreground classes only. */
  public double foregroundMeanIou() {
    return mean(1, false);
  }

  /** {@link #meanIou} with ignored pixels counted as missed ({@link #strictIou}). */
  public double strictMeanIou() {
    return mean(0, true);
  }

  /** {@link #foregroundMeanIou} with ignored pixels counted as missed. */
  public double strictForegroundMeanIou() {
    return mean(1, true);
  }

  private double mean(int from, boolean strict) {
    double sum = 0;
    int n = 0;
    for (int k = from; k < classes; k++) {
      double v = strict ? strictIou(k) : iou(k);
      if (!Double.isNaN(v)) {
        sum += v;
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** Share of scorable pixels (truth not 255) that the prediction marked 255. */
  public double ignoredShare() {
    long scored = ignoredPredicted;
    for (long c : counts) {
      scored += c;
    }
    return scored == 0 ? 0 : (double) ignoredPredicted / scored;
  }

  /** Share of scored pixels labelled correctly. */
  public double pixelAccuracy() {
    long right = 0;
    long all = 0;
    for (int t = 0; t < classes; t++) {
      for (int p = 0; p < classes; p++) {
        all += count(t, p);
        if (t == p) {
          right += count(t, p);
        }
      }
    }
    return all == 0 ? Double.NaN : (double) right / all;
  }

  public long ignoredTruthPixels() {
    return ignoredTruth;
  }

  public long ignoredPredictedPixels() {
    return ignoredPredicted;
  }
}
