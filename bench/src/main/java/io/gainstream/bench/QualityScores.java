package io.gainstream.bench;

import io.gainstream.bench.LabelQuality.Run;
import io.gainstream.model.labels.ConfusionMatrix;
import io.gainstream.model.labels.TtaScales;
import io.gainstream.model.train.Method;
import io.gainstream.services.io.LabelExporter;
import io.gainstream.services.label.Evaluation;
import io.gainstream.services.label.LabelJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Scores the labels a {@code label} run exported against a set's exact masks: one {@link Run} per
 * split (strict fg mIoU, mIoU, fg mIoU of the labelled pixels, ignored share, and the same figures
 * before refinement when the run was refined), a release the gate held back as a row of zeros, and
 * the six labelling variants of one release. It runs and prints nothing.
 */
final class QualityScores {
  /**
   * The labelling variants, in the order of {@link Variant#fg}: each refinement at one scale, then
   * each at the compared scales.
   */
  static final List<String> VARIANTS =
      List.of(
          "none",
          "crf",
          "walk",
          "scales " + TtaScales.COMPARED.encode(),
          "scales " + TtaScales.COMPARED.encode() + " + crf",
          "scales " + TtaScales.COMPARED.encode() + " + walk");

  /**
   * One run's split labelled six ways by the same release: strict fg mIoU and mIoU per {@link
   * #VARIANTS}.
   */
  record Variant(Run run, double[] fg, double[] miou) {}

  private QualityScores() {}

  /** The row of one split of {@code set} labelled by {@code l}. */
  static Run labelled(
      QualitySet set,
      Map.Entry<String, Map<String, byte[]>> split,
      Method m,
      long seed,
      QualityLabelling.Labelled l)
      throws IOException {
    LabelJob.Outcome outcome = l.outcome();
    if (outcome.modelVersion() < 0) {
      return heldBack(set.name(), split.getKey(), m, seed, outcome);
    }
    String validation =
        (outcome.validation() == null ? "none" : outcome.validation().summary())
            + (outcome.mining() == null ? "" : "; " + outcome.mining());
    Path dir = l.dir();
    ConfusionMatrix c =
        Evaluation.score(dir.resolve("SegmentationClass"), split.getValue(), set.classes())
            .matrix();
    Path unrefinedDir = dir.resolve(LabelExporter.UNREFINED_DIR);
    ConfusionMatrix u =
        Files.isDirectory(unrefinedDir)
            ? Evaluation.score(unrefinedDir, split.getValue(), set.classes()).matrix()
            : null;
    return scored(set.name(), split.getKey(), m, seed, c, outcome.modelVersion(), validation, u);
  }

  /**
   * The {@link #VARIANTS} of run {@code r}'s split {@code truth}, from the labels of each {@link
   * QualityLabelling#VARIANT_RUNS} run in {@code variantDirs}.
   */
  static Variant variant(Run r, QualitySet set, Map<String, byte[]> truth, Path[] variantDirs)
      throws IOException {
    double[] fg = new double[VARIANTS.size()];
    double[] miou = new double[VARIANTS.size()];
    // run k's refined labels are variant refinedAt[k], its unrefined ones plainAt[k] (-1: a
    // repeat of another run's)
    int[] refinedAt = {1, 4, 2, 5};
    int[] plainAt = {0, 3, -1, -1};
    for (int k = 0; k < QualityLabelling.VARIANT_RUNS.length; k++) {
      ConfusionMatrix refined =
          Evaluation.score(variantDirs[k].resolve("SegmentationClass"), truth, set.classes())
              .matrix();
      fg[refinedAt[k]] = refined.strictForegroundMeanIou();
      miou[refinedAt[k]] = refined.strictMeanIou();
      if (plainAt[k] >= 0) {
        ConfusionMatrix plain =
            Evaluation.score(
                    variantDirs[k].resolve(LabelExporter.UNREFINED_DIR), truth, set.classes())
                .matrix();
        fg[plainAt[k]] = plain.strictForegroundMeanIou();
        miou[plainAt[k]] = plain.strictMeanIou();
      }
    }
    return new Variant(r, fg, miou);
  }

  /**
   * The transfer row: the shifted split as the release trained on the biased one labelled it, under
   * {@code set} (before refinement not reported).
   */
  static Run transferred(
      String set, QualitySet shifted, Method m, long seed, QualityLabelling.Transferred t)
      throws IOException {
    LabelJob.Outcome outcome = t.outcome();
    if (outcome.modelVersion() < 0) {
      return heldBack(set, "shifted", m, seed, outcome);
    }
    ConfusionMatrix c =
        Evaluation.score(
                t.labelled().resolve("SegmentationClass"),
                shifted.splits().get("all"),
                shifted.classes())
            .matrix();
    return scored(
        set,
        "shifted",
        m,
        seed,
        c,
        outcome.modelVersion(),
        outcome.validation() == null ? "none" : outcome.validation().summary(),
        null);
  }

  /** The row of a run whose release the gate held back: nothing labelled, all ignored. */
  private static Run heldBack(
      String set, String split, Method m, long seed, LabelJob.Outcome outcome) {
    return new Run(
        set,
        split,
        m,
        seed,
        0,
        0,
        0,
        1,
        -1,
        "held back: " + outcome.heldBack(),
        Double.NaN,
        Double.NaN);
  }

  /**
   * A row from its labels' confusion matrix and, when reported, the unrefined labels' ({@code u}).
   */
  private static Run scored(
      String set,
      String split,
      Method m,
      long seed,
      ConfusionMatrix c,
      long version,
      String validation,
      ConfusionMatrix u) {
    return new Run(
        set,
        split,
        m,
        seed,
        c.strictForegroundMeanIou(),
        c.strictMeanIou(),
        c.foregroundMeanIou(),
        c.ignoredShare(),
        version,
        validation,
        u == null ? Double.NaN : u.strictForegroundMeanIou(),
        u == null ? Double.NaN : u.strictMeanIou());
  }
}
