package io.gainstream.bench.cli;

import io.gainstream.bench.ThroughputBenchmark;
import io.gainstream.cli.BackboneOptions;
import io.gainstream.cli.Bars;
import io.gainstream.cli.Logs;
import io.gainstream.cli.MaskOptions;
import io.gainstream.cli.UserError;
import io.gainstream.model.backbone.Backbone;
import io.gainstream.model.infer.MaskSessions;
import io.gainstream.services.kafka.EmbeddedKafka;
import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.services.label.LabelJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gainstream bench throughput}: the streaming machinery's cost against the bare model. */
@Command(
    name = "throughput",
    mixinStandardHelpOptions = true,
    description =
        "Bare ONNX Runtime vs a plain loop vs the attention stage vs end to end through Kafka, by batch size; "
            + "the trainer fed from Kafka vs from memory; optional memory soak.")
final class BenchThroughputCommand implements Callable<Integer> {
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
