package io.gainstream.bench.cli;

import io.gainstream.bench.LabelQuality;
import io.gainstream.bench.PhotoSubset;
import io.gainstream.bench.ThroughputBenchmark;
import io.gainstream.bench.affinity.AffinityExperiment;
import io.gainstream.bench.model.ModelSpeedBenchmark;
import io.gainstream.cli.BackboneOptions;
import io.gainstream.cli.Bars;
import io.gainstream.cli.LabelCommand;
import io.gainstream.cli.Logs;
import io.gainstream.cli.MaskOptions;
import io.gainstream.cli.UserError;
import io.gainstream.cli.ValidationOptions;
import io.gainstream.model.backbone.Backbone;
import io.gainstream.model.infer.MaskSessions;
import io.gainstream.model.labels.TtaScales;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.refine.RandomWalk;
import io.gainstream.model.synthetic.FashionComposites;
import io.gainstream.model.train.Method;
import io.gainstream.services.kafka.EmbeddedKafka;
import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.services.label.LabelJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gainstream bench ...}: benchmark commands that print Markdown tables. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks that print a table (medians of several runs).",
    subcommands = {
      BenchCommand.Affinity.class,
      BenchCommand.Model.class,
      BenchCommand.Quality.class,
      BenchCommand.Throughput.class
    })
public final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /**
   * {@code gainstream bench quality}: label quality of each method over several seeds, through
   * {@code label}.
   */
  @Command(
      name = "quality",
      mixinStandardHelpOptions = true,
      description =
          "Runs 'label' (embedded Kafka) with cam, gain, gain-ext, abn and seenet on the benchmark sets for several seeds and prints "
              + "every run's label quality, then the mean, spread and worst seed of each method.")
  static final class Quality implements Callable<Integer> {
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
                          maskSettings),
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
  }

  /** {@code gainstream bench model}: training and inference speed of the model core. */
  @Command(
      name = "model",
      mixinStandardHelpOptions = true,
      description =
          "DJL training steps/s and ONNX Runtime images/s by batch size, and per-image costs.")
  static final class Model implements Runnable {
    @Option(
        names = "--repeats",
        defaultValue = "5",
        description = "Timed runs per cell (median reported). Default: ${DEFAULT-VALUE}.")
    int repeats;

    @Option(
        names = "--train-steps",
        defaultValue = "20",
        description = "Steps per timed training run. Default: ${DEFAULT-VALUE}.")
    int trainSteps;

    @Option(
        names = "--input-size",
        defaultValue = "64",
        description = "Network input size. Default: ${DEFAULT-VALUE}.")
    int inputSize;

    @Option(
        names = "--width",
        defaultValue = "16",
        description = "Channels of the first stage. Default: ${DEFAULT-VALUE}.")
    int width;

    @Option(
        names = "--depth",
        defaultValue = "3",
        description = "Conv stages. Default: ${DEFAULT-VALUE}.")
    int depth;

    @CommandLine.Mixin BackboneOptions backbone;

    @Option(
        names = "--train-batches",
        defaultValue = "8,16,32",
        split = ",",
        description = "Training batch sizes. Default: ${DEFAULT-VALUE}.")
    int[] trainBatches;

    @Option(
        names = "--infer-batches",
        defaultValue = "1,8,32,64",
        split = ",",
        description = "Inference batch sizes. Default: ${DEFAULT-VALUE}.")
    int[] inferBatches;

    @Override
    public void run() {
      if (repeats < 1 || trainSteps < 1) {
        throw new UserError("--repeats and --train-steps must be >= 1");
      }
      Backbone bb = backbone.backbone();
      NetworkSpec spec =
          bb == null
              ? new NetworkSpec(inputSize, width, depth, 4)
              : NetworkSpec.forBackbone(inputSize, 4);
      if (Arrays.stream(trainBatches).anyMatch(b -> b < 1)
          || Arrays.stream(inferBatches).anyMatch(b -> b < 1)) {
        throw new UserError("--train-batches and --infer-batches must be >= 1");
      }
      Logs.toFile(Path.of(""));
      new ModelSpeedBenchmark(
              new ModelSpeedBenchmark.Options(
                  spec,
                  repeats,
                  trainSteps,
                  trainBatches,
                  inferBatches,
                  bb,
                  backbone.averaging(bb)),
              System.out)
          .run();
    }
  }

  /** {@code gainstream bench throughput}: the streaming machinery's cost against the bare model. */
  @Command(
      name = "throughput",
      mixinStandardHelpOptions = true,
      description =
          "Bare ONNX Runtime vs a plain loop vs the attention stage vs end to end through Kafka, by batch size; "
              + "the trainer fed from Kafka vs from memory; optional memory soak.")
  static final class Throughput implements Callable<Integer> {
    @Option(
        names = "--batches",
        defaultValue = "1,8,32,64",
        split = ",",
        description = "Micro-batch sizes. Default: ${DEFAULT-VALUE}.")
    int[] batches;

    @Option(
        names = "--repeats",
        defaultValue = "3",
        description = "Runs per cell (median reported). Default: ${DEFAULT-VALUE}.")
    int repeats;

    @Option(
        names = "--no-reference",
        description = "Skip the heavy reference model (224x224, width 64, depth 4).")
    boolean noReference;

    @Option(names = "--no-trainer", description = "Skip the trainer measurement.")
    boolean noTrainer;

    @Option(
        names = "--no-models",
        description = "Skip the model and pipeline measurements (trainer and soak only).")
    boolean noModels;

    @Option(
        names = "--soak",
        defaultValue = "0",
        paramLabel = "IMAGES",
        description =
            "Also push this many images through the pipeline and report memory (e.g. 10000 with GAINSTREAM_JAVA_OPTS=-Xmx512m).")
    int soak;

    @CommandLine.Mixin BackboneOptions backbone;

    @CommandLine.Mixin MaskOptions mask;

    @Option(
        names = "--backbone-size",
        paramLabel = "PIXELS",
        description =
            "Input side of the --backbone model. Default: "
                + BackboneOptions.BACKBONE_LABEL_SIZE
                + " (label's default label size with a backbone).")
    Integer backboneSize;

    @Option(
        names = "--stream-threads",
        defaultValue = "2",
        description = "Kafka Streams threads of the pipeline. Default: ${DEFAULT-VALUE}.")
    int streamThreads;

    @Option(
        names = "--ort-threads",
        defaultValue = "0",
        description =
            "ONNX Runtime intra-op threads of the pipeline (0: cores / stream threads). Default: ${DEFAULT-VALUE}.")
    int ortThreads;

    @Option(
        names = "--bootstrap-servers",
        paramLabel = "HOST:PORT[,...]",
        description =
            "Kafka cluster to use. Without it, a broker runs in-process in a temporary directory.")
    String bootstrap;

    @Override
    public Integer call() throws Exception {
      if (repeats < 1
          || batches.length == 0
          || Arrays.stream(batches).anyMatch(b -> b < 1)
          || soak < 0
          || streamThreads < 1
          || ortThreads < 0) {
        throw new UserError(
            "--repeats, --batches and --stream-threads must be >= 1; --soak and --ort-threads >= 0");
      }
      Backbone bb = backbone.backbone();
      Map<String, String> maskSettings = mask.settings();
      if (mask.given() && (bb == null || noModels)) {
        throw new UserError(
            "--mask-model adds a row to the backbone's: it needs --backbone and the model rows");
      }
      Logs.toFile(Path.of(""));
      // opened before any row runs (a file that is no mask model is one line), shared by the row
      try (MaskSessions.Handle session = mask.given() ? MaskOptions.open(maskSettings) : null) {
        return measure(bb, maskSettings);
      }
    }

    private int measure(Backbone bb, Map<String, String> maskSettings) throws Exception {
      Path work = Files.createTempDirectory("gainstream-bench-");
      EmbeddedKafka broker = null;
      try {
        KafkaConnection kafka;
        if (bootstrap == null) {
          broker = EmbeddedKafka.start(work.resolve("kafka"));
          kafka = KafkaConnection.of(broker.bootstrapServers());
        } else {
          kafka = KafkaConnection.of(bootstrap);
        }
        ThroughputBenchmark.Options o =
            new ThroughputBenchmark.Options(
                batches,
                repeats,
                !noModels,
                !noReference,
                !noTrainer,
                soak,
                streamThreads,
                ortThreads,
                bb,
                backboneSize != null ? backboneSize : BackboneOptions.BACKBONE_LABEL_SIZE,
                maskSettings);
        try (ProgressBar bar = Bars.bar("bench runs", ThroughputBenchmark.runs(o))) {
          new ThroughputBenchmark(o, kafka, work, System.out, bar::step).run();
        }
        return 0;
      } finally {
        if (broker != null) {
          broker.close();
        }
        LabelJob.deleteTree(work);
      }
    }
  }

  /**
   * {@code gainstream bench affinity}: issue 13's learned-affinity random walk against thresholds
   * and the dense CRF, on one saved release's maps (a measurement, not a pipeline option).
   */
  @Command(
      name = "affinity",
      mixinStandardHelpOptions = true,
      description =
          "Labels a folder with one saved release four ways (thresholds, dense CRF, random walk on learned "
              + "affinities, random walk on colour) and scores each against exact masks.")
  static final class Affinity implements Callable<Integer> {
    @Option(
        names = "--model",
        required = true,
        paramLabel = "FILE.onnx",
        description = "A saved release (label --save-model).")
    Path model;

    @Option(
        names = "--folder",
        required = true,
        paramLabel = "DIR",
        description = "A folder in the label contract (images/, labels.csv, classes.txt).")
    Path folder;

    @Option(
        names = "--truth",
        paramLabel = "DIR",
        description =
            "Exact masks <stem>.png. Default: FOLDER/truth if it exists, else FOLDER/masks.")
    Path truth;

    @Option(
        names = "--tta-scales",
        paramLabel = "S[,S...]",
        description = "Test-time scales. Default: the release's own.")
    String scales;

    @Option(
        names = "--grid",
        defaultValue = "56",
        description =
            "Side of the walk's grid (the affinity network's input is 4 times it). Default: ${DEFAULT-VALUE}.")
    int grid;

    @Option(
        names = "--radius",
        defaultValue = "5",
        description = "Neighbour radius of the walk, grid cells. Default: ${DEFAULT-VALUE}.")
    int radius;

    @Option(
        names = "--beta",
        defaultValue = "8",
        description = "Exponent on the affinities. Default: ${DEFAULT-VALUE}.")
    float beta;

    @Option(
        names = "--walk-steps",
        defaultValue = "256",
        description = "Random-walk steps. Default: ${DEFAULT-VALUE}.")
    int walkSteps;

    @Option(
        names = "--steps",
        defaultValue = "400",
        description =
            "Affinity training steps (0: the colour walk only). Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(
        names = "--batch",
        defaultValue = "8",
        description = "Affinity training batch. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(
        names = "--seed",
        defaultValue = "1",
        description = "Affinity training seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Override
    public Integer call() throws Exception {
      if (grid < 8 || radius < 1 || !(beta > 0) || walkSteps < 0 || steps < 0 || batch < 1) {
        throw new UserError(
            "--grid must be >= 8, --radius and --batch >= 1, --beta > 0, --steps and --walk-steps >= 0");
      }
      for (String f : new String[] {"labels.csv", "classes.txt", "images"}) {
        if (!Files.exists(folder.resolve(f))) {
          throw new UserError("--folder " + folder + " has no " + f);
        }
      }
      if (!Files.isRegularFile(model)) {
        throw new UserError("--model " + model + " is not a file");
      }
      Path t =
          truth != null
              ? truth
              : Files.isDirectory(folder.resolve("truth"))
                  ? folder.resolve("truth")
                  : folder.resolve("masks");
      if (!Files.isDirectory(t)) {
        throw new UserError("no exact masks at " + t + " (give --truth DIR)");
      }
      Logs.toFile(Path.of(""));
      new AffinityExperiment(
              new AffinityExperiment.Options(
                  model,
                  folder,
                  t,
                  scales == null ? null : TtaScales.parse(scales),
                  grid,
                  new RandomWalk.Settings(radius, beta, walkSteps),
                  steps,
                  batch,
                  seed),
              System.out)
          .run();
      return 0;
    }
  }
}
