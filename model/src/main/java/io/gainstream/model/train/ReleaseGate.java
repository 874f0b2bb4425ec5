package io.gainstream.model.train;

/**
 * Decides whether a release may reach the {@code models} topic, from its held-out validation: the
 * first release only when its mAP reaches {@code minimumMap}; every later one only when neither its
 * classification (exact match, mAP) nor, where both carry it, its foreground mIoU is more than
 * {@code tolerance} below the newest published release's. A release without validation figures (too
 * few held-out samples) is never published: an unvalidated release went out with labels worse than
 * a centred ellipse and exit 0 (issue 29); the trainer holds enough images out to judge ({@code
 * HeldOut}).
 *
 * @param minimumMap held-out mAP the first release needs (chance is about the share of images that
 *     contain a class)
 * @param tolerance how much worse than the published release a new one may score
 */
public record ReleaseGate(double minimumMap, double tolerance) {
  public ReleaseGate {
    if (!(minimumMap >= 0 && minimumMap <= 1) || !(tolerance >= 0 && tolerance <= 1)) {
      throw new IllegalArgumentException(
          "minimum mAP and tolerance must be in [0, 1], got " + minimumMap + ", " + tolerance);
    }
  }

  public static ReleaseGate defaults() {
    return new ReleaseGate(0.6, 0.03);
  }

  /** The outcome and, when held back, why (one line). */
  public record Decision(boolean publish, String reason) {}

  /**
   * @param candidate the new release's figures, or null when it could not be validated
   * @param published the newest published release's figures, or null before the first
   */
  public Decision decide(Validation.Figures candidate, Validation.Figures published) {
    if (candidate == null || Double.isNaN(candidate.meanAp())) {
      return new Decision(false, "not validated: too few held-out samples to judge it");
    }
    if (published == null) {
      return candidate.meanAp() >= minimumMap
          ? new Decision(
              true, "first release, held-out mAP " + f(candidate.meanAp()) + " >= " + f(minimumMap))
          : new Decision(
              false,
              "held-out mAP " + f(candidate.meanAp()) + " is below the minimum " + f(minimumMap));
    }
    if (candidate.meanAp() < published.meanAp() - tolerance) {
      return new Decision(
          false,
          "held-out mAP "
              + f(candidate.meanAp())
              + " < published "
              + f(published.meanAp())
              + " - "
              + f(tolerance));
    }
    if (candidate.exactMatch() < published.exactMatch() - tolerance) {
      return new Decision(
          false,
          "held-out exact match "
              + f(candidate.exactMatch())
              + " < published "
              + f(published.exactMatch())
              + " - "
              + f(tolerance));
    }
    if (candidate.hasPixels()
        && published.hasPixels()
        && candidate.fgMiou() < published.fgMiou() - tolerance) {
      return new Decision(
          false,
          "held-out fg mIoU "
              + f(candidate.fgMiou())
              + " < published "
              + f(published.fgMiou())
              + " - "
              + f(tolerance));
    }
    return new Decision(true, "not worse than the published release");
  }

  private static String f(double v) {
    return String.format("%.3f", v);
  }
}
