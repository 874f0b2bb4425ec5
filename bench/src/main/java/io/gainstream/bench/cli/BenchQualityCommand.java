package io.gainstream.bench.cli;

import io.gainstream.bench.LabelQuality;
import io.gainstream.bench.PhotoSubset;
import io.gainstream.cli.BackboneOptions;
import io.gainstream.cli.Bars;
import io.gainstream.cli.LabelCommand;
import io.gainstream.cli.Logs;
import io.gainstream.cli.MaskOptions;
import io.gainstream.cli.UserError;
import io.gainstream.cli.ValidationOptions;
import io.gainstream.model.backbone.Backbone;
import io.gainstream.model.infer.MaskSessions;
import io.gainstream.model.input.ClassCatalog;
import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.synthetic.FashionComposites;
import io.gainstream.model.train.Method;
import io.gainstream.services.io.LabelsCsv;
import io.gainstream.services.label.LabelJob;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gainstream bench quality}: label quality of each method over several seeds, through {@code
 * label}.
 */
@Command(
    name = "quality",
    mixinStandardHelpOptions = true,
    description =
        "Runs 'label' (embedded Kafka) with cam, gain, gain-ext, abn and seenet on the benchmark sets for several seeds and prints "
            + "every run's label quality, then the mean, spread and worst seed of each method.")
final class BenchQualityCommand implements Callable<Integer> {
  @Option(
      names = "--images",
      defaultValue = "600",
      description =
          "Images per set (set (a) adds a quarter as many shifted ones). Default: ${DEFAULT-VALUE}.")
  int images;

  @Option(
      names = "--steps",
      defaultValue = "1500",
      description = "Training steps per run. Default: ${DEFAULT-VALUE}.")
  int steps;

  @Option(
      names = "--seeds",
      defaultValue = "3",
      description = "Training seeds per method (1..N). Default: ${DEFAULT-VALUE}.")
  int seeds;

  @Option(
      names = "--data-seed",
      defaultValue = "7",
      description = "Seed of the generated sets. Default: ${DEFAULT-VALUE}.")
  long dataSeed;

  @Option(
      names = "--methods",
      defaultValue = "cam,gain,gain-ext,abn,seenet",
      split = ",",
      description = "Methods. Default: ${DEFAULT-VALUE}.")
  List<String> methods;

  @Option(
      names = "--no-fashion",
      description = "Skip set (b) (needs Debian's dataset-fashion-mnist and python3-skimage).")
  boolean noFashion;

  @CommandLine.Mixin ValidationOptions validation;

  @CommandLine.Mixin BackboneOptions backbone;

  @CommandLine.Mixin MaskOptions mask;

  @Option(
      names = "--photos",
      paramLabel = "DIR[,DIR...]",
      split = ",",
      description =
          "Folders of photos in the label contract with exact masks (masks/) and maybe a few given pixel labels "
              + "(given_masks/), e.g. ../shared/data/coco-dev,../shared/data/horse-street-dev: rows for the built-in network "
              + "and, with --backbone, for the backbone, beside a centre-ellipse baseline; one table per folder.")
  List<Path> photos;

  @Option(
      names = "--photo-subset",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Also run each photo folder as a subset of N photos (the first N by a hash of the file name), the size of a "
              + "small folder of one's own, before the whole folder. 0: whole folders only. Default: ${DEFAULT-VALUE}.")
  int photoSubset;

  @Option(names = "--no-synthetic", description = "Skip sets (a) and (b): the photo rows only.")
  boolean noSynthetic;

  @Option(
      names = "--no-parts",
      description = "Skip set (a), the part objects (biased and shifted splits).")
  boolean noParts;

  @Option(
      names = "--refine",
      paramLabel = "crf|walk|none",
      description =
          "Refinement of every run's labels, as label --refine. Default: what each release names (crf on a backbone). "
              + "Refined runs also report their labels before refinement.")
  String refine;

  @Option(
      names = "--variants",
      description =
          "Label each run's release six ways as well (none, crf, walk; each again at scales 1,1.5), through label --model: "
              + "refinements compared on one release.")
  boolean variants;

  @Option(
      names = "--transfer",
      description =
          "Set (a) also runs the boat-without-water test: each method trains on the biased split alone (label "
              + "--save-model) and the saved release labels the shifted split it never saw (label --model).")
  boolean transfer;

  @Option(
      names = "--tta-scales",
      paramLabel = "S[,S...]",
      description =
          "Multi-scale fusion of every run's labels, as label --tta-scales. Default: what each release names (1,1.5 on a backbone).")
  String ttaScales;

  @Option(
      names = "--no-built-in",
      description =
          "With --photos and --backbone: the backbone's photo rows only, not the built-in network's.")
  boolean noBuiltIn;

  @Option(
      names = "--photo-steps",
      defaultValue = "" + BackboneOptions.BACKBONE_STEPS,
      description =
          "Training steps per backbone photo run (built-in photo runs take --steps). Default: ${DEFAULT-VALUE}, as label.")
  int photoSteps;

  @Option(
      names = "--input-size",
      defaultValue = "" + BackboneOptions.BACKBONE_INPUT_SIZE,
      description = "Network input with --backbone. Default: ${DEFAULT-VALUE}, as label.")
  int inputSize;

  @Option(
      names = "--label-size",
      paramLabel = "PIXELS",
      description = "Input of the backbone releases (as label --label-size).")
  Integer labelSize;

  @Override
  public Integer call() throws Exception {
    if (photos != null) {
      for (Path dir : photos) {
        if (!Files.isDirectory(dir.resolve("masks"))) {
          throw new UserError("--photos " + dir + " has no masks/ folder of exact masks");
        }
      }
    }
    if (photoSubset < 0) {
      throw new UserError("--photo-subset must be >= 0, got " + photoSubset);
    }
    if (images < 20 || steps < 1 || seeds < 1) {
      throw new UserError("--images must be >= 20, --steps and --seeds >= 1");
    }
    List<Method> ms = methods.stream().map(Method::fromId).toList();
    if (noBuiltIn && (photos == null || !backbone.given())) {
      throw new UserError(
          "--no-built-in needs --photos and --backbone (it leaves the backbone's photo rows only)");
    }
    if (noSynthetic && photos == null) {
      throw new UserError("--no-synthetic leaves nothing to measure without --photos");
    }
    if (noParts && (noFashion || noSynthetic) && photos == null) {
      throw new UserError(
          "--no-parts with --no-fashion leaves nothing to measure without --photos");
    }
    if (!noSynthetic && !noFashion && !FashionComposites.available()) {
      throw new UserError(
          "set (b) needs Debian's dataset-fashion-mnist and python3-skimage; install them or pass --no-fashion");
    }
    Backbone bb = backbone.backbone();
    Map<String, String> maskSettings = mask.settings();
    if (mask.given() && photos == null) {
      throw new UserError("--mask-model labels photos: it needs --photos");
    }
    Logs.toFile(Path.of(""));
    // opened before any work (a file that is no mask model is one line) and held, so that every
    // label run of the benchmark shares one session
    try (MaskSessions.Handle session = mask.given() ? MaskOptions.open(maskSettings) : null) {
      return measure(ms, bb, maskSettings);
    }
  }

  private int measure(List<Method> ms, Backbone bb, Map<String, String> maskSettings)
      throws Exception {
    Path work = Files.createTempDirectory("gainstream-quality-");
    try {
      List<Path> folders = new ArrayList<>();
      if (photos != null) {
        for (Path dir : photos) {
          // the subset first: the common case (a small folder of one's own), and the quicker
          if (photoSubset > 0) {
            PhotoSubset.write(dir, photoSubset, work).ifPresent(folders::add);
          }
          folders.add(dir);
        }
      }
      // the synthetic sets once, with the first photo folder; each other folder a table of its
      // own
      int runs = Math.max(1, folders.size());
      for (int i = 0; i < runs; i++) {
        Path folder = folders.isEmpty() ? null : folders.get(i);
        Map<String, String> check = folder == null ? Map.of() : animalCheck(folder, System.out);
        LabelQuality.Options o =
            new LabelQuality.Options(
                images,
                steps,
                seeds,
                dataSeed,
                ms,
                !noSynthetic && i == 0,
                !noParts,
                !noFashion,
                validation.guarding(),
                folder == null
                    ? null
                    : new LabelQuality.Photos(
                        folder,
                        bb,
                        inputSize,
                        photoSteps,
                        steps,
                        BackboneOptions.labelSize(labelSize, bb, inputSize),
                        !noBuiltIn,
                        maskSettings,
                        check),
                LabelCommand.refineOption(refine),
                LabelCommand.scalesOption(ttaScales),
                variants,
                transfer,
                backbone.weightAveraging(),
                backbone.cutout());
        Path runWork = Files.createDirectories(work.resolve("t" + i));
        LabelQuality q = new LabelQuality(o, runWork, System.out, Bars::silent, () -> {});
        try (ProgressBar bar = Bars.bar("label runs", q.runs())) {
          new LabelQuality(o, runWork, System.out, Bars::silent, bar::step).run();
        }
      }
    } finally {
      LabelJob.deleteTree(work);
    }
    return 0;
  }

  /**
   * The settings {@code label} adds for the animal check on {@code folder} (README "The animal
   * check"), so that the backbone rows measure what {@code label} gives: empty without a mask model
   * and a backbone, or when the backbone finds no animal class there (then one line says why).
   */
  Map<String, String> animalCheck(Path folder, PrintStream out) throws IOException {
    if (!mask.given() || !backbone.given()) {
      return Map.of();
    }
    Map<String, String> sets = new HashMap<>();
    mask.putCheck(
        sets,
        backbone.file(),
        backbone.imagenet(),
        folder.resolve("images"),
        LabelsCsv.read(folder.resolve("labels.csv")),
        ClassCatalog.read(folder.resolve("classes.txt")).names(),
        DecodeLimits.defaults(),
        out);
    return sets;
  }
}
