package io.gainstream.cli;

import io.gainstream.model.backbone.Backbone;
import io.gainstream.model.backbone.Preprocessing;
import io.gainstream.model.train.TrainingThreads;
import io.gainstream.topology.PipelineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The feature extractor a trainer builds on: options shared by {@code label} and {@code trainer}.
 */
public final class BackboneOptions {
  /** Default network input with an imported backbone (its ImageNet training size). */
  public static final int BACKBONE_INPUT_SIZE = 224;

  /**
   * Default input side of the releases with a backbone: it trains at {@link #BACKBONE_INPUT_SIZE}
   * and labels at this (the same weights on a finer grid; docs/QUALITY.md).
   */
  public static final int BACKBONE_LABEL_SIZE = 448;

  /**
   * Default training steps of {@code label} with a backbone: on coco-dev GAIN labelled better after
   * 400 steps than after 800 (fg mIoU 0.302 against 0.280, docs/QUALITY.md: a few dozen photos are
   * learnt by heart soon, augmentation or not), and 400 GAIN steps at 224 pixels take about 6 min
   * on 2 CPU cores.
   */
  public static final int BACKBONE_STEPS = 400;

  @Option(
      names = "--backbone",
      paramLabel = "FILE.onnx",
      description =
          "An ImageNet classifier exported to ONNX (float32, [N,3,H,W]); its last spatial feature map becomes the "
              + "feature extractor under the CAM head, fine-tuned end to end. Default: the built-in network trained from scratch.")
  Path file;

  @Option(
      names = "--fine-tune",
      defaultValue = "last",
      paramLabel = "all|last|none",
      description =
          "Backbone layers that train: all, the last third, or none (a frozen backbone). Default: ${DEFAULT-VALUE} "
              + "(on coco-dev it labelled better than all and trained faster; docs/QUALITY.md).")
  String fineTune;

  @Option(
      names = "--backbone-preprocessing",
      defaultValue = "imagenet",
      paramLabel = "imagenet|none",
      description =
          "Normalisation the backbone was trained with: ImageNet mean and std, or pixels in [0, 1]. Default: ${DEFAULT-VALUE}.")
  String preprocessing;

  @Option(
      names = "--dilate",
      description =
          "Dilate the backbone's last stage (stride 1, dilation 2): a 14x14 attention grid at 224 pixels instead of 7x7.")
  boolean dilate;

  @Option(
      names = "--train-threads",
      paramLabel = "N",
      description =
          "CPU threads of PyTorch while training. Default: every core. With a --backbone, gain's runs of one seed "
              + "differ between invocations; 1 thread makes that rarer, not impossible, and trains 1.4 to 2 times slower "
              + "(docs/QUALITY.md).")
  Integer trainThreads;

  @Option(
      names = "--weight-averaging",
      paramLabel = "DECAY",
      description =
          "Releases publish the moving average of the weights over the attention-mining steps, with this decay "
              + "(0: the last step's weights). Default: "
              + Backbone.WEIGHT_AVERAGING
              + " with a --backbone (a window of about 200 steps; docs/QUALITY.md), 0 for the built-in network.")
  Float weightAveraging;

  /** The ONNX file given with --backbone, or null. */
  public Path file() {
    return file;
  }

  /** Whether the backbone takes ImageNet's mean and std ({@code --backbone-preprocessing}). */
  public boolean imagenet() {
    return !"none".equals(preprocessing);
  }

  /** Whether {@code --backbone} was given. */
  public boolean given() {
    return file != null;
  }

  /**
   * {@code --weight-averaging} as given (null: the network's default); out of range is an error.
   */
  @Option(
      names = "--cutout",
      paramLabel = "SHARE",
      description =
          "With --backbone: share of training photos that get one black rectangle, so a black patch is no evidence that "
              + "a class is absent (GAIN's erased stream blacks out what is attended; docs/QUALITY.md). Default: 0 (off).")
  Float cutout;

  /** {@code --cutout}, checked: 0 when not given. */
  public float cutout() {
    if (cutout == null) {
      return 0f;
    }
    if (!(cutout >= 0 && cutout <= 1)) {
      throw new UserError("--cutout must be in [0, 1], got " + cutout);
    }
    return cutout;
  }

  public Float weightAveraging() {
    if (weightAveraging != null && !(weightAveraging >= 0 && weightAveraging < 1)) {
      throw new UserError("--weight-averaging must be in [0, 1), got " + weightAveraging);
    }
    return weightAveraging;
  }

  /** The decay a trainer on {@code bb} (null: the built-in network) uses. */
  public float averaging(Backbone bb) {
    Float given = weightAveraging();
    return given != null ? given : bb != null ? Backbone.WEIGHT_AVERAGING : 0f;
  }

  /**
   * The backbone, or null for the built-in network; an unusable file is a one-line error (exit 2).
   * Also applies {@code --train-threads}: every trainer of the command is built after this.
   */
  public Backbone backbone() {
    applyTrainThreads();
    return file == null ? null : read("--backbone", file, preprocessing, fineTune, dilate);
  }

  /**
   * The backbone of a service: {@code --backbone} and its options when given, otherwise the {@code
   * gainstream.backbone.*} settings (so a compose file or a properties file can name it).
   */
  Backbone backbone(PipelineConfig config) {
    if (file != null || config.backboneFile().isEmpty()) {
      return backbone();
    }
    applyTrainThreads();
    return read(
        PipelineConfig.BACKBONE_FILE_CONFIG,
        Path.of(config.backboneFile()),
        config.backbonePreprocessing(),
        config.backboneFineTune(),
        config.backboneDilate());
  }

  private void applyTrainThreads() {
    weightAveraging(); // checked with the other training options, before any work
    cutout();
    if (trainThreads != null) {
      if (trainThreads < 1 || trainThreads > 256) {
        throw new UserError("--train-threads must be in [1, 256], got " + trainThreads);
      }
      TrainingThreads.set(trainThreads);
    }
  }

  /**
   * The network input side: as given, otherwise {@code builtIn} for the built-in network and {@link
   * #BACKBONE_INPUT_SIZE} with a backbone; out of range is a one-line error.
   */
  public static int inputSize(Integer given, Backbone bb, int builtIn) {
    int size = given != null ? given : bb == null ? builtIn : BACKBONE_INPUT_SIZE;
    if (size < 16 || size > 1024 || (bb == null && size % 4 != 0)) {
      throw new UserError(
          "--input-size must be in [16, 1024] (a multiple of 4 for the built-in network), got "
              + size);
    }
    return size;
  }

  /**
   * The releases' input side: as given, otherwise {@link #BACKBONE_LABEL_SIZE} with a backbone (at
   * least the training size) and the training size for the built-in network.
   */
  public static int labelSize(Integer given, Backbone bb, int inputSize) {
    int size =
        given != null ? given : bb == null ? inputSize : Math.max(inputSize, BACKBONE_LABEL_SIZE);
    if (size < inputSize || size > 2048) {
      throw new UserError(
          "--label-size must be in [--input-size " + inputSize + ", 2048], got " + size);
    }
    return size;
  }

  private static Backbone read(
      String what, Path file, String preprocessing, String fineTune, boolean dilate) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new UserError(what + " " + file + " is not a readable file");
    }
    Preprocessing p =
        switch (preprocessing) {
          case "imagenet" -> Preprocessing.imagenet();
          case "none" -> Preprocessing.none();
          default ->
              throw new UserError(
                  "--backbone-preprocessing must be imagenet or none, got '" + preprocessing + "'");
        };
    Backbone.FineTune f;
    try {
      f = Backbone.FineTune.fromId(fineTune);
    } catch (IllegalArgumentException e) {
      throw new UserError("--fine-tune must be all, last or none, got '" + fineTune + "'");
    }
    try {
      return Backbone.read(file, p, f, dilate);
    } catch (IllegalArgumentException e) {
      throw new UserError(what + " " + file + ": " + e.getMessage());
    }
  }
}
