package io.gainstream.bench;

import io.gainstream.bench.QualityScores.Variant;
import io.gainstream.model.backbone.Backbone;
import io.gainstream.model.synthetic.FashionComposites;
import io.gainstream.model.synthetic.PartObjects;
import io.gainstream.model.synthetic.SyntheticDataset.Sample;
import io.gainstream.model.train.Method;
import io.gainstream.services.label.LabelJob;
import io.gainstream.services.trainer.TrainerOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code gainstream bench quality}: label quality as a user gets it. Each benchmark set is written
 * once as a folder in the {@code label} contract; then, for every method and training seed, the
 * {@code label} job runs on it end to end through Kafka (embedded broker, trainer service with its
 * held-out validation, collapse guard and release gate, pipeline, export) and the exported PNGs are
 * scored against the exact masks. The table gives every run, then per set, split and method the
 * mean over seeds, the spread (max − min) and the worst seed.
 *
 * <p>Sets: (a) {@link PartObjects} — biased images plus a shifted split (backgrounds never seen
 * with the biased ones), both labelled, scored apart; (b) {@link FashionComposites}. gain-ext gets
 * pixel labels for 5 % of the biased (or all) images.
 *
 * <p>This class picks the sets and runs them in order; {@link QualitySet} makes the sets, {@link
 * QualityLabelling} runs the {@code label} jobs, {@link QualityScores} scores their labels and
 * {@link QualityReport} prints the tables.
 */
public final class LabelQuality {
  /**
   * @param images biased images of set (a) and images of set (b); set (a) adds a quarter as many
   *     shifted ones
   * @param steps training steps per run
   * @param seeds training seeds per method (1 … seeds)
   * @param dataSeed seed of the generated sets
   * @param refine crf, walk or none for every run ({@code label --refine}); null: what each release
   *     names
   * @param ttaScales test-time scales of every run ({@code label --tta-scales}); null: what each
   *     release names
   * @param variants whether each run's release also labels the images without refinement, with the
   *     CRF, with multi-scale fusion and with both ({@code label --model} on the saved release,
   *     through Kafka): a comparison on one release, free of the training's own variance
   * @param transfer whether set (a) also runs the boat-without-water protocol: each method trains
   *     on the biased split alone and saves its release ({@code label --save-model}), which then
   *     labels the shifted split it never saw ({@code label --model})
   */
  public record Options(
      int images,
      int steps,
      int seeds,
      long dataSeed,
      List<Method> methods,
      boolean synthetic,
      boolean parts,
      boolean fashion,
      TrainerOptions.Guarding guarding,
      Photos photos,
      String refine,
      String ttaScales,
      boolean variants,
      boolean transfer,
      Float weightAveraging,
      float cutout) {}

  /**
   * The set name of the transfer rows: trained on the biased split alone, scored on the shifted
   * one.
   */
  static final String TRANSFER_SET = "part, trained on biased only";

  /**
   * A folder of real photographs in the {@code label} contract with exact masks: {@code images/},
   * {@code labels.csv}, {@code classes.txt}, {@code masks/<stem>.png} (truth for every image) and
   * {@code given_masks/} (the few pixel labels gain-ext may use), labelled with the built-in
   * network and with a backbone.
   *
   * @param backbone the backbone's rows; null for built-in rows only
   * @param steps training steps per backbone run (backbone steps are slow on a CPU)
   * @param builtInSteps training steps per built-in network run (as {@code label}'s default for it)
   * @param labelSize the backbone releases' input side (as {@code label --label-size})
   * @param settings pipeline settings of every photo row (the mask model's)
   * @param check what {@code label} adds to the backbone rows for the animal check; empty: off
   */
  public record Photos(
      Path dir,
      Backbone backbone,
      int inputSize,
      int steps,
      int builtInSteps,
      int labelSize,
      boolean builtIn,
      Map<String, String> settings,
      Map<String, String> check) {
    public Photos {
      settings = settings == null ? Map.of() : Map.copyOf(settings);
      check = check == null ? Map.of() : Map.copyOf(check);
    }

    /** The backbone rows' settings: the mask model's and, as {@code label} sets it, the check. */
    public Map<String, String> backboneSettings() {
      Map<String, String> all = new java.util.HashMap<>(settings);
      all.putAll(check);
      return Map.copyOf(all);
    }
  }

  /**
   * One run.
   *
   * @param unrefinedFgMiou fg mIoU of the same run's labels before refinement (NaN when unrefined)
   * @param unrefinedMiou their mIoU
   */
  public record Run(
      String set,
      String split,
      Method method,
      long seed,
      double fgMiou,
      double miou,
      double labelledFgMiou,
      double ignored,
      long version,
      String validation,
      double unrefinedFgMiou,
      double unrefinedMiou) {}

  private final List<Variant> variants = new ArrayList<>();

  private final Options o;
  private final Path work;
  private final Runnable onRun;
  private final QualityReport report;
  private final QualityLabelling labelling;

  /**
   * @param progress bars of each label run (silent ones keep the table readable)
   * @param onRun called after every label run
   */
  public LabelQuality(
      Options options, Path work, PrintStream out, LabelJob.Progress progress, Runnable onRun) {
    this.o = options;
    this.work = work;
    this.onRun = onRun;
    this.report = new QualityReport(out);
    this.labelling = new QualityLabelling(options, work, progress);
  }

  /** Label runs of the whole benchmark. */
  public int runs() {
    int photoSets =
        o.photos() == null
            ? 0
            : (o.photos().builtIn() ? 1 : 0) + (o.photos().backbone() == null ? 0 : 1);
    int sets =
        (o.synthetic() && o.parts() ? 1 : 0)
            + (o.synthetic() && o.fashion() ? 1 : 0)
            + photoSets
            + (o.synthetic() && o.parts() && o.transfer() ? 1 : 0);
    return sets * o.methods().size() * o.seeds();
  }

  public List<Run> run() throws IOException, InterruptedException {
    List<QualitySet> sets = new ArrayList<>();
    QualitySet[] transfer = null;
    if (o.synthetic() && o.parts()) {
      List<Sample> biased =
          PartObjects.generate(o.images(), 96, PartObjects.Split.BIASED, o.dataSeed());
      List<Sample> shifted =
          PartObjects.generate(
              Math.max(10, o.images() / 4), 96, PartObjects.Split.SHIFTED, o.dataSeed() + 1);
      sets.add(write("part", PartObjects.CLASSES, biased, shifted));
      if (o.transfer()) {
        transfer =
            new QualitySet[] {
              write("part-biased", PartObjects.CLASSES, biased, List.of()),
              write("part-shifted", PartObjects.CLASSES, shifted, List.of())
            };
      }
    }
    if (o.synthetic() && o.fashion()) {
      sets.add(
          write(
              "fashion",
              FashionComposites.CLASSES,
              FashionComposites.generate(o.images(), 96, o.dataSeed()),
              List.of()));
    }
    if (o.photos() != null) {
      sets.addAll(QualitySet.photos(o.photos(), report));
    }
    report.header(o);
    List<Run> runs = new ArrayList<>();
    for (QualitySet set : sets) {
      for (Method m : o.methods()) {
        for (long seed = 1; seed <= o.seeds(); seed++) {
          runs.addAll(label(set, m, seed));
          onRun.run();
        }
      }
    }
    for (Method m : transfer == null ? List.<Method>of() : o.methods()) {
      for (long seed = 1; seed <= o.seeds(); seed++) {
        runs.add(transfer(transfer[0], transfer[1], m, seed));
        onRun.run();
      }
    }
    report.end(runs, variants);
    return runs;
  }

  /** Writes generated images as a set under the work folder, trained {@code steps} per run. */
  private QualitySet write(String name, List<String> classes, List<Sample> main, List<Sample> extra)
      throws IOException {
    return QualitySet.write(work, o.steps(), name, classes, main, extra);
  }

  /** One method and seed on {@code set}: a scored row per split, printed as each is known. */
  private List<Run> label(QualitySet set, Method m, long seed)
      throws IOException, InterruptedException {
    QualityLabelling.Labelled l = labelling.label(set, m, seed);
    List<Run> rows = new ArrayList<>();
    for (Map.Entry<String, Map<String, byte[]>> split : set.splits().entrySet()) {
      Run r = QualityScores.labelled(set, split, m, seed, l);
      rows.add(r);
      if (l.variantDirs()[0] != null) {
        variants.add(QualityScores.variant(r, set, split.getValue(), l.variantDirs()));
      }
      report.row(r);
    }
    l.delete();
    return rows;
  }

  /**
   * The boat-without-water test ({@link QualityLabelling#transfer}), scored on the shifted images.
   */
  private Run transfer(QualitySet biased, QualitySet shifted, Method m, long seed)
      throws IOException, InterruptedException {
    QualityLabelling.Transferred t = labelling.transfer(biased, shifted, m, seed);
    Run r = QualityScores.transferred(TRANSFER_SET, shifted, m, seed, t);
    report.row(r);
    t.delete();
    return r;
  }
}
