package io.gainstream.cli;

import io.gainstream.model.backbone.Backbone;
import io.gainstream.model.input.ClassCatalog;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.onnx.InvalidModelException;
import io.gainstream.model.onnx.ModelInfo;
import io.gainstream.model.onnx.OnnxImporter;
import io.gainstream.model.train.GainSettings;
import io.gainstream.model.train.GainTrainer;
import io.gainstream.model.train.Method;
import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.services.trainer.Checkpoints;
import io.gainstream.services.trainer.TrainerOptions;
import io.gainstream.services.trainer.TrainerService;
import io.gainstream.topology.PipelineConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gainstream trainer}: runs the trainer service until stopped (or for --max-steps). */
@Command(
    name = "trainer",
    mixinStandardHelpOptions = true,
    description =
        "Consumes training-samples, trains GAIN continuously and publishes releases to the models topic.")
final class TrainerCommand extends ServiceCommand {
  @Mixin MetricsOptions metrics = new MetricsOptions(9465);

  @Option(
      names = "--method",
      defaultValue = "gain",
      description =
          "cam, gain, gain-ext, abn or seenet (docs/QUALITY.md compares them). Default: ${DEFAULT-VALUE}.")
  String method;

  @Option(
      names = "--release-every",
      defaultValue = "500",
      description = "Steps between releases. Default: ${DEFAULT-VALUE}.")
  int releaseEvery;

  @Option(
      names = "--max-steps",
      defaultValue = "0",
      description = "Stop after this many steps in total (0: run until stopped).")
  long maxSteps;

  @Option(
      names = "--replay-capacity",
      defaultValue = "5000",
      description = "Images kept for replay. Default: ${DEFAULT-VALUE}.")
  int replayCapacity;

  @Option(names = "--seed", defaultValue = "42", description = "Seed. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Mixin ValidationOptions validation;

  @Mixin BackboneOptions backbone;

  @Option(
      names = "--input-size",
      paramLabel = "PIXELS",
      description =
          "Side of the square network input. Default: gainstream.input.size when set, otherwise 64 for the built-in network, "
              + BackboneOptions.BACKBONE_INPUT_SIZE
              + " with a backbone.")
  Integer inputSize;

  @Option(
      names = "--label-size",
      paramLabel = "PIXELS",
      description =
          "Side of the square input the releases label at (the pipeline follows it). Default: "
              + BackboneOptions.BACKBONE_LABEL_SIZE
              + " with a backbone, the input size without.")
  Integer labelSize;

  @Option(
      names = "--init",
      paramLabel = "FILE.onnx",
      description =
          "Start from this saved release (label --save-model, a checkpoint) when the models topic and the checkpoints hold "
              + "none; a restart resumes from the newest release instead. It must have the classes, network and preprocessing of this "
              + "trainer. --max-steps counts the steps behind it.")
  Path init;

  /** What {@link #configure} built: the trainer's options. */
  private TrainerOptions options;

  @Override
  PipelineConfig configure() throws Exception {
    Method m = Method.fromId(method);
    if (releaseEvery < 1 || maxSteps < 0 || replayCapacity < 1) {
      throw new UserError("--release-every and --replay-capacity must be >= 1, --max-steps >= 0");
    }
    PipelineConfig config = pipeline.pipelineConfig();
    Backbone bb = backbone.backbone(config);
    // a gainstream.input.size that was set wins over the backbone's default
    Integer configured =
        config.originals().containsKey(PipelineConfig.INPUT_SIZE_CONFIG)
            ? config.inputSize()
            : null;
    int size =
        BackboneOptions.inputSize(
            inputSize != null ? inputSize : configured, bb, config.inputSize());
    ClassCatalog classes = config.classes();
    // each release names its input size; the pipeline resizes to it, so trainer and pipeline need
    // not agree by hand
    NetworkSpec spec =
        bb == null
            ? new NetworkSpec(size, 16, 3, classes.size())
            : NetworkSpec.forBackbone(size, classes.size());
    TrainerOptions.Builder b =
        TrainerOptions.builder(
                config,
                classes.names(),
                spec,
                GainSettings.defaults(m)
                    .withSeed(seed)
                    .withAveraging(backbone.averaging(bb))
                    .withCutout(backbone.cutout()))
            .releaseEvery(releaseEvery)
            .maxSteps(maxSteps)
            .replayCapacity(replayCapacity)
            .checkpoints(
                new Checkpoints(kafka.workDir.resolve("checkpoints").resolve(config.modelName())))
            .guarding(validation.guarding())
            .backbone(bb)
            .labelSize(BackboneOptions.labelSize(labelSize, bb, size));
    TrainerOptions o = b.build();
    // the file is checked against the trainer it would start (classes, network) before anything
    // runs
    this.options = init == null ? o : b.init(initRelease(init, o)).build();
    return config;
  }

  @Override
  void serve(KafkaConnection connection, PipelineConfig config, ShutdownGate gate)
      throws Exception {
    TrainerOptions o = options;
    ProgressBar bar =
        Bars.bar("train " + o.settings().method().id(), o.maxSteps() > 0 ? o.maxSteps() : -1);
    TrainerService trainer = new TrainerService(connection, o, s -> bar.stepTo(s.step()));
    Thread t = new Thread(trainer, "gainstream-trainer");
    gate.onSignal(trainer::close); // stop after the current step
    try (MetricsEndpoint endpoint = metrics.open(trainer::prometheus)) {
      System.out.println(
          "trainer running on "
              + connection.bootstrapServers()
              + endpoint.describe()
              + "; Ctrl-C stops it");
      t.start();
      t.join();
    }
    bar.close();
    if (trainer.failure().isPresent()) {
      throw new IllegalStateException(
          "trainer failed: " + trainer.failure().get().getMessage(), trainer.failure().get());
    }
    System.out.println("trainer stopped at release " + trainer.publishedVersion());
  }

  /**
   * The bytes of {@code --init}, checked against the trainer they are to start: a foreign file,
   * other classes, another network or another preprocessing is a one-line error before anything
   * runs.
   */
  private static byte[] initRelease(Path file, TrainerOptions o) throws IOException {
    LabelCommand.requireFile(file, "--init");
    byte[] onnx = Files.readAllBytes(file);
    try {
      ModelInfo info = OnnxImporter.readInfo(onnx);
      if (!info.classes().equals(o.classes())) {
        throw new UserError(
            "--init "
                + file
                + " was trained on classes "
                + info.classes()
                + ", this trainer has "
                + o.classes());
      }
      try (GainTrainer probe = new GainTrainer(o.spec(), o.settings(), o.backbone())) {
        OnnxImporter.load(onnx, probe.network());
      }
    } catch (InvalidModelException e) {
      throw new UserError("--init " + file + ": " + e.getMessage());
    }
    return onnx;
  }
}
