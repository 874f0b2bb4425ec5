package io.gainstream.bench.cli;

import io.gainstream.bench.model.ModelSpeedBenchmark;
import io.gainstream.cli.BackboneOptions;
import io.gainstream.cli.Logs;
import io.gainstream.cli.UserError;
import io.gainstream.model.backbone.Backbone;
import io.gainstream.model.net.NetworkSpec;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gainstream bench model}: training and inference speed of the model core. */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description =
        "DJL training steps/s and ONNX Runtime images/s by batch size, and per-image costs.")
final class BenchModelCommand implements Runnable {
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
                spec, repeats, trainSteps, trainBatches, inferBatches, bb, backbone.averaging(bb)),
            System.out)
        .run();
  }
}
