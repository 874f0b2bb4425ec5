package io.gainstream.bench;

import io.gainstream.model.backbone.Backbone;
import io.gainstream.model.labels.CrfRefiner;
import io.gainstream.model.labels.TtaScales;
import io.gainstream.model.labels.WalkRefiner;
import io.gainstream.model.train.Method;
import io.gainstream.services.label.LabelJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs the {@code label} job for the label-quality benchmark, end to end through Kafka as a user
 * would (its own embedded broker, trainer service, pipeline and export each time): one method and
 * seed on a set, with the {@code label --model} variant runs on the saved release when asked, and
 * the boat-without-water transfer. It decides where each run's output goes and removes it once
 * scored; it scores nothing itself.
 */
final class QualityLabelling {
  /**
   * The {@code label --model} runs behind the variants: scales and refinement. A refined run also
   * exports its unrefined labels, so the crf runs give the unrefined variants as well (which
   * variant each run's labels are: {@link QualityScores#variant}).
   */
  static final String[][] VARIANT_RUNS = {
    {"1", CrfRefiner.CRF},
    {TtaScales.COMPARED.encode(), CrfRefiner.CRF},
    {"1", WalkRefiner.WALK},
    {TtaScales.COMPARED.encode(), WalkRefiner.WALK}
  };

  /**
   * One method and seed labelled on a set.
   *
   * @param dir the exported labels
   * @param variantDirs the labels of each {@link #VARIANT_RUNS} run; nulls without variants or when
   *     the release was held back
   * @param release the saved release of the variant runs, or null
   */
  record Labelled(LabelJob.Outcome outcome, Path dir, Path[] variantDirs, Path release) {
    void delete() throws IOException {
      LabelJob.deleteTree(dir);
      for (Path v : variantDirs) {
        if (v != null) {
          LabelJob.deleteTree(v);
        }
      }
      if (release != null) {
        Files.deleteIfExists(release);
      }
    }
  }

  /**
   * One method and seed of the transfer protocol.
   *
   * @param outcome the training run's on the biased split
   * @param trained its labels
   * @param labelled the labels of the shifted split by the saved release (none when held back)
   * @param release the saved release
   */
  record Transferred(LabelJob.Outcome outcome, Path trained, Path labelled, Path release) {
    void delete() throws IOException {
      LabelJob.deleteTree(trained);
      LabelJob.deleteTree(labelled);
      Files.deleteIfExists(release);
    }
  }

  private final LabelQuality.Options o;
  private final Path work;
  private final LabelJob.Progress progress;

  /**
   * @param work where the runs' outputs and releases go
   * @param progress bars of each label run
   */
  QualityLabelling(LabelQuality.Options options, Path work, LabelJob.Progress progress) {
    this.o = options;
    this.work = work;
    this.progress = progress;
  }

  /**
   * The {@code label} job on {@code set} with {@code m} and {@code seed}; with variants, the saved
   * release then labels the set again once per {@link #VARIANT_RUNS} ({@code label --model}).
   */
  Labelled label(QualitySet set, Method m, long seed) throws IOException, InterruptedException {
    Path dir = work.resolve("out-" + set.name() + "-" + m.id() + "-" + seed);
    Path release =
        o.variants()
            ? work.resolve("release-" + set.name() + "-" + m.id() + "-" + seed + ".onnx")
            : null;
    LabelJob.Outcome outcome =
        LabelJob.run(
            request(
                set, dir, m, seed, true, set.backbone(), o.refine(), o.ttaScales(), null, release),
            progress);
    Path[] variantDirs = new Path[VARIANT_RUNS.length];
    if (release != null && outcome.modelVersion() >= 0) {
      for (int k = 0; k < VARIANT_RUNS.length; k++) {
        variantDirs[k] =
            work.resolve("variant-" + k + "-" + set.name() + "-" + m.id() + "-" + seed);
        LabelJob.run(
            request(
                set,
                variantDirs[k],
                m,
                seed,
                false,
                null,
                VARIANT_RUNS[k][1],
                VARIANT_RUNS[k][0],
                release,
                null),
            progress);
      }
    }
    return new Labelled(outcome, dir, variantDirs, release);
  }

  /**
   * The boat-without-water test through the CLI's own path: {@code label --save-model} on the
   * biased folder, then {@code label --model} with that file on the shifted folder, which the
   * release never saw (unless the release was held back).
   */
  Transferred transfer(QualitySet biased, QualitySet shifted, Method m, long seed)
      throws IOException, InterruptedException {
    Path trained = work.resolve("out-transfer-" + m.id() + "-" + seed);
    Path release = work.resolve("release-transfer-" + m.id() + "-" + seed + ".onnx");
    Path labelled = work.resolve("out-transfer-shifted-" + m.id() + "-" + seed);
    LabelJob.Outcome outcome =
        LabelJob.run(
            request(biased, trained, m, seed, true, null, o.refine(), o.ttaScales(), null, release),
            progress);
    if (outcome.modelVersion() >= 0) {
      LabelJob.run(
          request(
              shifted, labelled, m, seed, false, null, o.refine(), o.ttaScales(), release, null),
          progress);
    }
    return new Transferred(outcome, trained, labelled, release);
  }

  /**
   * A {@code label} run on {@code set} as the benchmark makes every one: its own embedded broker,
   * the set's training steps and sizes, this benchmark's guarding.
   *
   * @param masks whether gain-ext gets the set's few pixel labels
   */
  private LabelJob.Request request(
      QualitySet set,
      Path out,
      Method m,
      long seed,
      boolean masks,
      Backbone backbone,
      String refine,
      String scales,
      Path model,
      Path saveModel) {
    return new LabelJob.Request(
        set.folder().images(),
        set.folder().labelsCsv(),
        set.folder().classesFile(),
        out,
        masks && m == Method.GAIN_EXT ? set.folder().masks() : null,
        m,
        set.steps(),
        seed,
        null,
        null,
        null,
        false,
        o.guarding(),
        backbone,
        set.inputSize(),
        set.labelSize(),
        refine,
        scales,
        model,
        saveModel,
        o.weightAveraging(),
        set.settings(),
        o.cutout());
  }
}
