package io.gainstream.bench;

import io.gainstream.model.backbone.Backbone;
import io.gainstream.model.input.ClassCatalog;
import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.labels.ConfusionMatrix;
import io.gainstream.model.labels.CrfRefiner;
import io.gainstream.model.labels.LabelPng;
import io.gainstream.model.labels.TtaScales;
import io.gainstream.model.labels.WalkRefiner;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.synthetic.FashionComposites;
import io.gainstream.model.synthetic.PartObjects;
import io.gainstream.model.synthetic.SyntheticDataset.Sample;
import io.gainstream.model.train.Method;
import io.gainstream.services.io.ImagePublisher;
import io.gainstream.services.io.LabelExporter;
import io.gainstream.services.io.LabelledFolder;
import io.gainstream.services.io.LabelsCsv;
import io.gainstream.services.label.Evaluation;
import io.gainstream.services.label.LabelJob;
import io.gainstream.services.trainer.TrainerService;
import io.gainstream.topology.PipelineConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
      TrainerService.Guarding guarding,
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
   * The {@code label --model} runs behind the variants: scales and refinement. A refined run also
   * exports its unrefined labels, so the crf runs give the unrefined variants as well.
   */
  private static final String[][] VARIANT_RUNS = {
    {"1", CrfRefiner.CRF},
    {TtaScales.COMPARED.encode(), CrfRefiner.CRF},
    {"1", WalkRefiner.WALK},
    {TtaScales.COMPARED.encode(), WalkRefiner.WALK}
  };

  /**
   * One run's split labelled six ways by the same release: strict fg mIoU and mIoU per {@link
   * #VARIANTS}.
   */
  record Variant(Run run, double[] fg, double[] miou) {}

  private final List<Variant> variants = new ArrayList<>();

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
   */
  public record Photos(
      Path dir,
      Backbone backbone,
      int inputSize,
      int steps,
      int builtInSteps,
      int labelSize,
      boolean builtIn,
      Map<String, String> settings) {
    public Photos {
      settings = settings == null ? Map.of() : Map.copyOf(settings);
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

  private record Set0(
      String name,
      LabelledFolder.Written folder,
      Map<String, Map<String, byte[]>> splits,
      int classes,
      Backbone backbone,
      int inputSize,
      int labelSize,
      int steps,
      Map<String, String> settings) {}

  private final Options o;
  private final Path work;
  private final PrintStream out;
  private final Runnable onRun;
  private final LabelJob.Progress progress;

  /**
   * @param progress bars of each label run (silent ones keep the table readable)
   * @param onRun called after every label run
   */
  public LabelQuality(
      Options options, Path work, PrintStream out, LabelJob.Progress progress, Runnable onRun) {
    this.progress = progress;
    this.o = options;
    this.work = work;
    this.out = out;
    this.onRun = onRun;
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
    List<Set0> sets = new ArrayList<>();
    Set0[] transfer = null;
    if (o.synthetic() && o.parts()) {
      List<Sample> biased =
          PartObjects.generate(o.images(), 96, PartObjects.Split.BIASED, o.dataSeed());
      List<Sample> shifted =
          PartObjects.generate(
              Math.max(10, o.images() / 4), 96, PartObjects.Split.SHIFTED, o.dataSeed() + 1);
      sets.add(write("part", PartObjects.CLASSES, biased, shifted));
      if (o.transfer()) {
        transfer =
            new Set0[] {
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
      sets.addAll(photos(o.photos()));
    }
    out.printf("## gainstream label quality, through `label` (Kafka)%n%n");
    out.printf(
        "%s, seeds 1-%d, data seed %d, %s; fg mIoU counts pixels left at 255 as missed.%n%n",
        (o.synthetic() ? o.steps() + " steps per synthetic run" : "")
            + (o.photos() == null
                ? ""
                : (o.synthetic() ? ", " : "")
                    + (o.photos().builtIn()
                        ? o.photos().builtInSteps() + " steps per built-in photo run"
                        : "no built-in photo runs")
                    + (o.photos().backbone() == null
                        ? ""
                        : ", "
                            + o.photos().steps()
                            + " per backbone photo run (trained at "
                            + o.photos().inputSize()
                            + ", labelled at "
                            + o.photos().labelSize()
                            + ")")),
        o.seeds(),
        o.dataSeed(),
        o.refine() == null && o.ttaScales() == null
            ? "default label settings"
            : "refinement "
                + (o.refine() == null ? "as each release names" : o.refine())
                + ", test-time scales "
                + (o.ttaScales() == null ? "as each release names" : o.ttaScales()));
    out.println(
        "| set | split | method | seed | fg mIoU | mIoU | unrefined fg / mIoU | labelled fg mIoU | ignored | release | validation |");
    out.println("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
    List<Run> runs = new ArrayList<>();
    for (Set0 set : sets) {
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
    out.println();
    summary(runs);
    if (!variants.isEmpty()) {
      variantTables();
    }
    return runs;
  }

  private void variantTables() {
    out.println();
    out.println("### Labelling variants, each run's own release (label --model, through Kafka)");
    out.println();
    out.println(
        "Strict fg mIoU / mIoU of the same release's labels: " + String.join(", ", VARIANTS) + ".");
    out.println();
    out.println("| set | split | method | seed | " + String.join(" | ", VARIANTS) + " |");
    out.println("|---|---|---|---:|" + "---:|".repeat(VARIANTS.size()));
    Map<String, List<Variant>> groups = new LinkedHashMap<>();
    for (Variant v : variants) {
      Run r = v.run();
      out.printf(
          "| %s | %s | %s | %d |%s%n",
          r.set(), r.split(), r.method().id(), r.seed(), cells(v.fg(), v.miou()));
      groups
          .computeIfAbsent(
              r.set() + "|" + r.split() + "|" + r.method().id(), k -> new ArrayList<>())
          .add(v);
    }
    out.println();
    out.println(
        "| set | split | method | seeds | "
            + String.join(" | ", VARIANTS)
            + " | best − none (fg) |");
    out.println("|---|---|---|---:|" + "---:|".repeat(VARIANTS.size() + 1));
    for (List<Variant> g : groups.values()) {
      double[] fg = new double[VARIANTS.size()];
      double[] miou = new double[VARIANTS.size()];
      for (Variant v : g) {
        for (int k = 0; k < fg.length; k++) {
          fg[k] += v.fg()[k] / g.size();
          miou[k] += v.miou()[k] / g.size();
        }
      }
      int best = 0;
      for (int k = 1; k < fg.length; k++) {
        best = fg[k] > fg[best] ? k : best;
      }
      Run r = g.get(0).run();
      out.printf(
          "| %s | %s | %s | %d |%s %+.1f (%s) |%n",
          r.set(),
          r.split(),
          r.method().id(),
          g.size(),
          cells(fg, miou),
          100 * (fg[best] - fg[0]),
          VARIANTS.get(best));
    }
    out.println();
  }

  private static String cells(double[] fg, double[] miou) {
    StringBuilder b = new StringBuilder();
    for (int k = 0; k < fg.length; k++) {
      b.append(String.format(" %.3f / %.3f |", fg[k], miou[k]));
    }
    return b.toString();
  }

  private Set0 write(String name, List<String> classes, List<Sample> main, List<Sample> extra)
      throws IOException {
    List<Sample> all = new ArrayList<>(main);
    all.addAll(extra);
    Set<String> few = new HashSet<>();
    main.subList(0, Math.max(1, main.size() / 20)).forEach(s -> few.add(s.id()));
    LabelledFolder.Written w =
        LabelledFolder.write(work.resolve("set-" + name), classes, all, s -> few.contains(s.id()));
    Map<String, Map<String, byte[]>> splits = new LinkedHashMap<>();
    String mainName = extra.isEmpty() ? "all" : "biased";
    splits.put(mainName, pick(w.truth(), main));
    if (!extra.isEmpty()) {
      splits.put("shifted", pick(w.truth(), extra));
    }
    return new Set0(
        name, w, splits, classes.size(), null, DEFAULT_INPUT, DEFAULT_INPUT, o.steps(), Map.of());
  }

  private static final int DEFAULT_INPUT = NetworkSpec.defaults(1).inputSize();

  /** The photo folder as one set per network, and the centre-ellipse baseline printed once. */
  private List<Set0> photos(Photos p) throws IOException {
    ClassCatalog classes = ClassCatalog.read(p.dir().resolve("classes.txt"));
    List<LabelsCsv.Row> rows = LabelsCsv.read(p.dir().resolve("labels.csv"));
    Map<String, byte[]> truth = new LinkedHashMap<>();
    ConfusionMatrix ellipse = new ConfusionMatrix(classes.size());
    for (LabelsCsv.Row r : rows) {
      String stem = ImagePublisher.stemOf(r.image());
      LabelPng.Decoded d =
          LabelPng.read(
              Files.readAllBytes(p.dir().resolve("masks").resolve(stem + ".png")),
              DecodeLimits.defaults());
      truth.put(stem, d.values());
      int first = r.labels().isEmpty() ? 0 : classes.indexOf(r.labels().get(0));
      ellipse.add(Baselines.centreEllipse(d.width(), d.height(), first), d.values());
    }
    out.printf(
        "Photos (%s, %d images): a label-free centre ellipse (80 %% of width and height, the first class) scores "
            + "fg mIoU %.3f, mIoU %.3f.%n%n",
        p.dir().getFileName(), truth.size(), ellipse.foregroundMeanIou(), ellipse.meanIou());
    LabelledFolder.Written folder =
        new LabelledFolder.Written(
            p.dir().resolve("images"),
            p.dir().resolve("labels.csv"),
            p.dir().resolve("classes.txt"),
            p.dir().resolve("given_masks"),
            truth);
    List<Set0> sets = new ArrayList<>();
    String mask = p.settings().get(PipelineConfig.MASK_MODEL_FILE_CONFIG);
    String fused = mask == null ? "" : ", fused with " + Path.of(mask).getFileName();
    if (p.builtIn()) {
      sets.add(
          new Set0(
              "photos (built-in" + fused + ")",
              folder,
              Map.of("all", truth),
              classes.size(),
              null,
              DEFAULT_INPUT,
              DEFAULT_INPUT,
              p.builtInSteps(),
              p.settings()));
    }
    if (p.backbone() != null) {
      String size =
          p.labelSize() == p.inputSize()
              ? "" + p.inputSize()
              : p.inputSize() + ", labels at " + p.labelSize();
      sets.add(
          new Set0(
              "photos (backbone " + size + fused + ")",
              folder,
              Map.of("all", truth),
              classes.size(),
              p.backbone(),
              p.inputSize(),
              p.labelSize(),
              p.steps(),
              p.settings()));
    }
    return sets;
  }

  private static Map<String, byte[]> pick(Map<String, byte[]> truth, List<Sample> samples) {
    Map<String, byte[]> m = new LinkedHashMap<>();
    samples.forEach(s -> m.put(s.id(), truth.get(s.id())));
    return m;
  }

  private List<Run> label(Set0 set, Method m, long seed) throws IOException, InterruptedException {
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
    String validation =
        (outcome.validation() == null ? "none" : outcome.validation().summary())
            + (outcome.mining() == null ? "" : "; " + outcome.mining());
    List<Run> rows = new ArrayList<>();
    for (Map.Entry<String, Map<String, byte[]>> split : set.splits().entrySet()) {
      Run r;
      if (outcome.modelVersion() < 0) {
        r =
            new Run(
                set.name(),
                split.getKey(),
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
      } else {
        ConfusionMatrix c =
            Evaluation.score(dir.resolve("SegmentationClass"), split.getValue(), set.classes())
                .matrix();
        Path unrefinedDir = dir.resolve(LabelExporter.UNREFINED_DIR);
        ConfusionMatrix u =
            Files.isDirectory(unrefinedDir)
                ? Evaluation.score(unrefinedDir, split.getValue(), set.classes()).matrix()
                : null;
        r =
            new Run(
                set.name(),
                split.getKey(),
                m,
                seed,
                c.strictForegroundMeanIou(),
                c.strictMeanIou(),
                c.foregroundMeanIou(),
                c.ignoredShare(),
                outcome.modelVersion(),
                validation,
                u == null ? Double.NaN : u.strictForegroundMeanIou(),
                u == null ? Double.NaN : u.strictMeanIou());
      }
      rows.add(r);
      if (variantDirs[0] != null) {
        double[] fg = new double[VARIANTS.size()];
        double[] miou = new double[VARIANTS.size()];
        // run k's refined labels are variant refinedAt[k], its unrefined ones plainAt[k] (-1: a
        // repeat of another run's)
        int[] refinedAt = {1, 4, 2, 5};
        int[] plainAt = {0, 3, -1, -1};
        for (int k = 0; k < VARIANT_RUNS.length; k++) {
          ConfusionMatrix refined =
              Evaluation.score(
                      variantDirs[k].resolve("SegmentationClass"), split.getValue(), set.classes())
                  .matrix();
          fg[refinedAt[k]] = refined.strictForegroundMeanIou();
          miou[refinedAt[k]] = refined.strictMeanIou();
          if (plainAt[k] >= 0) {
            ConfusionMatrix plain =
                Evaluation.score(
                        variantDirs[k].resolve(LabelExporter.UNREFINED_DIR),
                        split.getValue(),
                        set.classes())
                    .matrix();
            fg[plainAt[k]] = plain.strictForegroundMeanIou();
            miou[plainAt[k]] = plain.strictMeanIou();
          }
        }
        variants.add(new Variant(r, fg, miou));
      }
      print(r);
    }
    LabelJob.deleteTree(dir);
    for (Path v : variantDirs) {
      if (v != null) {
        LabelJob.deleteTree(v);
      }
    }
    if (release != null) {
      Files.deleteIfExists(release);
    }
    return rows;
  }

  /**
   * The boat-without-water test through the CLI's own path: {@code label --save-model} on the
   * biased folder, then {@code label --model} with that file on the shifted folder, which the
   * release never saw; scored on the shifted images.
   */
  private Run transfer(Set0 biased, Set0 shifted, Method m, long seed)
      throws IOException, InterruptedException {
    Path trained = work.resolve("out-transfer-" + m.id() + "-" + seed);
    Path release = work.resolve("release-transfer-" + m.id() + "-" + seed + ".onnx");
    Path labelled = work.resolve("out-transfer-shifted-" + m.id() + "-" + seed);
    LabelJob.Outcome outcome =
        LabelJob.run(
            request(biased, trained, m, seed, true, null, o.refine(), o.ttaScales(), null, release),
            progress);
    Run r;
    if (outcome.modelVersion() < 0) {
      r =
          new Run(
              TRANSFER_SET,
              "shifted",
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
    } else {
      LabelJob.run(
          request(
              shifted, labelled, m, seed, false, null, o.refine(), o.ttaScales(), release, null),
          progress);
      ConfusionMatrix c =
          Evaluation.score(
                  labelled.resolve("SegmentationClass"),
                  shifted.splits().get("all"),
                  shifted.classes())
              .matrix();
      r =
          new Run(
              TRANSFER_SET,
              "shifted",
              m,
              seed,
              c.strictForegroundMeanIou(),
              c.strictMeanIou(),
              c.foregroundMeanIou(),
              c.ignoredShare(),
              outcome.modelVersion(),
              outcome.validation() == null ? "none" : outcome.validation().summary(),
              Double.NaN,
              Double.NaN);
    }
    print(r);
    LabelJob.deleteTree(trained);
    LabelJob.deleteTree(labelled);
    Files.deleteIfExists(release);
    return r;
  }

  /**
   * A {@code label} run on {@code set} as the benchmark makes every one: its own embedded broker,
   * the set's training steps and sizes, this benchmark's guarding.
   *
   * @param masks whether gain-ext gets the set's few pixel labels
   */
  private LabelJob.Request request(
      Set0 set,
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

  /** One run's row of the per-run table, printed as soon as it is known. */
  private void print(Run r) {
    out.printf(
        "| %s | %s | %s | %d | %.3f | %.3f | %s | %.3f | %.1f %% | %d | %s |%n",
        r.set(),
        r.split(),
        r.method().id(),
        r.seed(),
        r.fgMiou(),
        r.miou(),
        unrefined(r.unrefinedFgMiou(), r.unrefinedMiou()),
        r.labelledFgMiou(),
        100 * r.ignored(),
        r.version(),
        r.validation());
    out.flush();
  }

  /** "fg / mIoU" of the labels before refinement, or "-" when the run was not refined. */
  private static String unrefined(double fg, double miou) {
    return Double.isNaN(fg) ? "-" : String.format("%.3f / %.3f", fg, miou);
  }

  private void summary(List<Run> runs) {
    out.println(
        "| set | split | method | seeds | mean fg mIoU | spread (max - min) | worst seed (fg mIoU) | mean mIoU | mean unrefined fg / mIoU "
            + "| vs cam, worst seed |");
    out.println("|---|---|---|---:|---:|---:|---:|---:|---:|---:|");
    Map<String, List<Run>> groups = new LinkedHashMap<>();
    runs.forEach(
        r ->
            groups
                .computeIfAbsent(
                    r.set() + "|" + r.split() + "|" + r.method().id(), k -> new ArrayList<>())
                .add(r));
    for (List<Run> g : groups.values()) {
      Run first = g.get(0);
      double mean = g.stream().mapToDouble(Run::fgMiou).average().orElse(Double.NaN);
      double max = g.stream().mapToDouble(Run::fgMiou).max().orElse(Double.NaN);
      Run worst = g.stream().min(Comparator.comparingDouble(Run::fgMiou)).orElseThrow();
      double miou = g.stream().mapToDouble(Run::miou).average().orElse(Double.NaN);
      boolean allRefined = g.stream().noneMatch(r -> Double.isNaN(r.unrefinedFgMiou()));
      String unrefined =
          allRefined
              ? unrefined(
                  g.stream().mapToDouble(Run::unrefinedFgMiou).average().orElse(Double.NaN),
                  g.stream().mapToDouble(Run::unrefinedMiou).average().orElse(Double.NaN))
              : "-";
      out.printf(
          "| %s | %s | %s | %d | %.3f | %.3f | %d (%.3f) | %.3f | %s | %s |%n",
          first.set(),
          first.split(),
          first.method().id(),
          g.size(),
          mean,
          max - worst.fgMiou(),
          worst.seed(),
          worst.fgMiou(),
          miou,
          unrefined,
          versusCam(g, groups));
    }
    out.println();
    out.println(
        "\"vs cam, worst seed\": the smallest difference fg mIoU(method) - fg mIoU(cam) over the seeds both ran.");
  }

  private static String versusCam(List<Run> g, Map<String, List<Run>> groups) {
    Run first = g.get(0);
    if (first.method() == Method.CAM) {
      return "";
    }
    List<Run> cam = groups.get(first.set() + "|" + first.split() + "|" + Method.CAM.id());
    if (cam == null) {
      return "";
    }
    double worst = Double.POSITIVE_INFINITY;
    for (Run r : g) {
      for (Run c : cam) {
        if (c.seed() == r.seed()) {
          worst = Math.min(worst, r.fgMiou() - c.fgMiou());
        }
      }
    }
    return Double.isInfinite(worst) ? "" : String.format("%+.3f", worst);
  }
}
