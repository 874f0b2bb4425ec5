package io.gainstream.cli;

import io.gainstream.model.backbone.Backbone;
import io.gainstream.model.infer.MaskSessions;
import io.gainstream.model.input.ClassCatalog;
import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.labels.TtaScales;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.onnx.InvalidModelException;
import io.gainstream.model.onnx.ModelInfo;
import io.gainstream.model.onnx.OnnxImporter;
import io.gainstream.model.train.HeldOutSplit;
import io.gainstream.model.train.Method;
import io.gainstream.services.io.LabelsCsv;
import io.gainstream.services.label.LabelJob;
import io.gainstream.services.trainer.TrainerOptions;
import io.gainstream.topology.PipelineConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gainstream label}: a folder of images with image-level labels → proxy segmentation labels.
 */
@Command(
    name = "label",
    mixinStandardHelpOptions = true,
    description = {
      "Publishes the images, trains GAIN on them through the trainer service, labels every image through the pipeline,",
      "and writes OUT/classes.txt, OUT/SegmentationClass/<stem>.png (0 background, k class, 255 ignore) and",
      "OUT/dead-letters.jsonl. Runs on an embedded Kafka broker unless --bootstrap-servers is given."
    })
public final class LabelCommand implements Callable<Integer> {
  @Option(
      names = "--images",
      required = true,
      paramLabel = "DIR",
      description = "Folder of PNG/JPEG images.")
  Path images;

  @Option(
      names = "--labels",
      required = true,
      paramLabel = "FILE.csv",
      description = "CSV with header image,labels; labels separated by ';'.")
  Path labels;

  @Option(
      names = "--classes",
      required = true,
      paramLabel = "FILE",
      description = "One class name per line; line k is class index k.")
  Path classes;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
  Path out;

  @Option(
      names = "--masks",
      paramLabel = "DIR",
      description = "Pixel labels <image stem>.png for some images (gain-ext).")
  Path masks;

  @Option(
      names = "--method",
      defaultValue = "gain",
      description =
          "cam, gain, gain-ext, abn or seenet (docs/QUALITY.md compares them). Default: ${DEFAULT-VALUE}.")
  String method;

  @Option(
      names = "--train-steps",
      description =
          "Training steps. Default: 1500; "
              + BackboneOptions.BACKBONE_STEPS
              + " with --backbone (a CPU step at 224 pixels costs "
              + "about a second, GAIN's about three).")
  Integer trainSteps;

  @Option(
      names = "--refine",
      paramLabel = "crf|walk|none",
      description =
          "Refine the proxy labels with a dense CRF on the image's colours, with a random walk of the attention on colour "
              + "affinities, or not. Default: what the release names (crf with --backbone, walk for the built-in network; "
              + "docs/QUALITY.md).")
  String refine;

  @Option(
      names = "--model",
      paramLabel = "FILE.onnx",
      description =
          "Label with this saved release (from --save-model or a trainer checkpoint) instead of training one; "
              + "its classes must be --classes. Training options are then not used.")
  Path model;

  @CommandLine.Mixin MaskOptions mask;

  @Option(
      names = "--save-model",
      paramLabel = "FILE.onnx",
      description = "Write the release that labelled to this file.")
  Path saveModel;

  @Option(
      names = "--tta-scales",
      paramLabel = "S[,S...]",
      description =
          "Multi-scale fusion: input sides to label at, as multiples of the release's (1 alone: one scale). Default: "
              + "1,1.5 with --backbone (what its releases name; docs/QUALITY.md), 1 for the built-in network.")
  String ttaScales;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seed of training. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT[,...]",
      description = "Kafka cluster; default: an embedded broker.")
  String bootstrap;

  @Option(
      names = "--client-config",
      paramLabel = "FILE",
      description = "Kafka client properties (SASL/SSL) for every client.")
  Path clientConfig;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description = "Keep the embedded broker and state here (default: a temporary folder).")
  Path workDir;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "A gainstream.* pipeline setting, e.g. --set gainstream.transaction.timeout.ms=120000 (see docs/ARCHITECTURE.md).")
  Map<String, String> sets = new HashMap<>();

  @CommandLine.Mixin ValidationOptions validation;

  @CommandLine.Mixin BackboneOptions backbone;

  @Option(
      names = "--input-size",
      paramLabel = "PIXELS",
      description =
          "Side of the square network input. Default: 64 for the built-in network, "
              + BackboneOptions.BACKBONE_INPUT_SIZE
              + " with --backbone.")
  Integer inputSize;

  @Option(
      names = "--label-size",
      paramLabel = "PIXELS",
      description =
          "Side of the square input the release labels at: the trained weights on a finer attention grid. Default: "
              + BackboneOptions.BACKBONE_LABEL_SIZE
              + " with --backbone (trained at --input-size, it labelled photos better; docs/QUALITY.md), "
              + "the input size without.")
  Integer labelSize;

  @Override
  public Integer call() throws Exception {
    Method m = Method.fromId(method);
    String refinement = refineOption(refine);
    String scales = scalesOption(ttaScales);
    requireDir(images, "--images");
    requireFile(labels, "--labels");
    requireFile(classes, "--classes");
    if (masks != null) {
      requireDir(masks, "--masks");
    }
    if (clientConfig != null) {
      requireFile(clientConfig, "--client-config");
    }
    if (model != null) {
      requireSavedModel(model, classes);
    }
    mask.putSettings(sets);
    DecodeLimits limits = requireSettings(sets, classes).decodeLimits();
    // opened before any work, so that a file that is no mask model is one line; held for the run,
    // so that the pipeline's stages share this session instead of loading the file again
    try (MaskSessions.Handle session = MaskOptions.open(sets)) {
      if (model == null && backbone.given()) {
        // the animal check's classes, found on the folder's photos (README "The animal check")
        requireFile(backbone.file(), "--backbone");
        mask.putCheck(
            sets,
            backbone.file(),
            backbone.imagenet(),
            images,
            LabelsCsv.read(labels),
            ClassCatalog.read(classes).names(),
            limits,
            System.out);
      }
      return runWithMaskOpen(m, refinement, scales);
    }
  }

  private int runWithMaskOpen(Method m, String refinement, String scales) throws Exception {
    Backbone bb = model == null ? backbone.backbone() : null;
    int steps =
        trainSteps != null ? trainSteps : bb == null ? 1500 : BackboneOptions.BACKBONE_STEPS;
    if (steps < 1) {
      throw new UserError("--train-steps must be >= 1, got " + trainSteps);
    }
    if (m == Method.GAIN_EXT && masks == null) {
      throw new UserError("--method gain-ext needs --masks DIR with pixel labels for some images");
    }
    int size = BackboneOptions.inputSize(inputSize, bb, NetworkSpec.defaults(1).inputSize());
    if (model == null) {
      requireJudgeable(labels, validation.guarding());
    }
    Files.createDirectories(out);
    Logs.toFile(workDir != null ? workDir : out);
    return label(m, refinement, scales, bb, steps, size);
  }

  private int label(Method m, String refinement, String scales, Backbone bb, int steps, int size)
      throws Exception {
    LabelJob.Outcome o =
        LabelJob.run(
            new LabelJob.Request(
                images,
                labels,
                classes,
                out,
                masks,
                m,
                steps,
                seed,
                bootstrap,
                clientConfig,
                workDir,
                true,
                validation.guarding(),
                bb,
                size,
                BackboneOptions.labelSize(labelSize, bb, size),
                refinement,
                scales,
                model,
                saveModel,
                backbone.weightAveraging(),
                sets,
                backbone.cutout()),
            Bars::bar);
    requireRelease(o);
    System.out.printf(
        "labelled %d images, rejected %d (see %s), model version %d%n",
        o.labelled(), o.rejected(), out.resolve("dead-letters.jsonl"), o.modelVersion());
    System.out.println(
        model != null
            ? "release " + o.modelVersion() + " given with --model: not trained or validated here"
            : releaseLine(o));
    return 0;
  }

  /**
   * A run that trains must be able to validate what it trains (issue 29: an unvalidated release
   * went out with exit 0): fewer images than that are refused before any work.
   */
  private static void requireJudgeable(Path labels, TrainerOptions.Guarding guarding)
      throws IOException {
    int judge = guarding.guard().minImages();
    int n = LabelsCsv.read(labels).size();
    if (!HeldOutSplit.judgeable(n, judge)) {
      throw new UserError(
          String.format(
              "%s lists %d images: training needs at least %d to hold %d out for validation and train on twice as many; "
                  + "label fewer with a release trained elsewhere (--model FILE.onnx)",
              labels, n, 3 * judge, judge));
    }
  }

  /**
   * {@code --set}: gainstream.* keys whose values make a valid pipeline config; that config, with
   * the classes of {@code classes}.
   */
  public static PipelineConfig requireSettings(Map<String, String> sets, Path classes)
      throws IOException {
    for (String key : sets.keySet()) {
      if (!PipelineConfig.configDef().names().contains(key)) {
        throw new UserError("--set " + key + ": not a gainstream.* pipeline setting");
      }
    }
    Map<String, Object> c = new HashMap<>(sets);
    c.put(PipelineConfig.CLASSES_CONFIG, String.join(",", ClassCatalog.read(classes).names()));
    try {
      return new PipelineConfig(c);
    } catch (ConfigException e) {
      throw new UserError("--set: " + e.getMessage());
    }
  }

  /**
   * A {@code --model} file must be a gainstream release of exactly the classes of {@code
   * --classes}.
   */
  public static void requireSavedModel(Path model, Path classes) throws IOException {
    requireFile(model, "--model");
    ModelInfo info;
    try {
      info = OnnxImporter.readInfo(Files.readAllBytes(model));
    } catch (InvalidModelException e) {
      throw new UserError("--model " + model + ": " + e.getMessage());
    }
    List<String> names = ClassCatalog.read(classes).names();
    if (!info.classes().equals(names)) {
      throw new UserError(
          "--model "
              + model
              + " was trained on classes "
              + info.classes()
              + ", --classes names "
              + names);
    }
  }

  /**
   * {@code --tta-scales}: a valid list of scales or unset (null); anything else is a one-line
   * error.
   */
  public static String scalesOption(String scales) {
    if (scales == null) {
      return null;
    }
    try {
      return TtaScales.parse(scales).encode();
    } catch (IllegalArgumentException e) {
      throw new UserError("--tta-scales: " + e.getMessage());
    }
  }

  /** {@code --refine}: crf, walk, none or unset (null); anything else is a one-line error. */
  public static String refineOption(String refine) {
    if (refine != null
        && !refine.equals("crf")
        && !refine.equals("walk")
        && !refine.equals("none")) {
      throw new UserError("--refine must be crf, walk or none, got " + refine);
    }
    return refine;
  }

  /** A run whose trained model the gate refused writes no labels and fails with one line. */
  static void requireRelease(LabelJob.Outcome o) {
    if (o.modelVersion() < 0) {
      throw new UserError(
          "no acceptable release, no labels written: "
              + o.heldBack()
              + " (more training steps or more images may help; --min-map sets the bar)",
          Gainstream.FAILED);
    }
  }

  /** The closing line: which release labelled the images and how it validated. */
  static String releaseLine(LabelJob.Outcome o) {
    return "release "
        + o.modelVersion()
        + " validation: "
        + (o.validation() == null ? "none (too few held-out images)" : o.validation().summary())
        + (o.mining() == null ? "" : "; " + o.mining());
  }

  static void requireDir(Path p, String option) {
    if (!Files.isDirectory(p)) {
      throw new UserError(option + " " + p + " is not a folder");
    }
  }

  static void requireFile(Path p, String option) {
    if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
      throw new UserError(option + " " + p + " is not a readable file");
    }
  }
}
