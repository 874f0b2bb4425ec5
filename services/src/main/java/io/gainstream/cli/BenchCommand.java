package io.gainstream.cli;

import io.gainstream.model.bench.ModelSpeedBenchmark;
import io.gainstream.model.net.NetworkSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gainstream bench ...}: benchmark commands that print Markdown tables. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks that print a table (medians of several runs).",
    subcommands = {BenchCommand.Model.class})
final class BenchCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** {@code gainstream bench model}: training and inference speed of the model core. */
  @Command(
      name = "model",
      mixinStandardHelpOptions = true,
      description = "DJL training steps/s and ONNX Runtime images/s by batch size, and per-image costs.")
  static final class Model implements Runnable {
    @Option(names = "--repeats", defaultValue = "5", description = "Timed runs per cell (median reported). Default: ${DEFAULT-VALUE}.")
    int repeats;

    @Option(names = "--train-steps", defaultValue = "20", description = "Steps per timed training run. Default: ${DEFAULT-VALUE}.")
    int trainSteps;

    @Option(names = "--input-size", defaultValue = "64", description = "Network input size. Default: ${DEFAULT-VALUE}.")
    int inputSize;

    @Option(names = "--width", defaultValue = "16", description = "Channels of the first stage. Default: ${DEFAULT-VALUE}.")
    int width;

    @Option(names = "--depth", defaultValue = "3", description = "Conv stages. Default: ${DEFAULT-VALUE}.")
    int depth;

    @Override
    public void run() {
      if (repeats < 1 || trainSteps < 1) {
        throw new UserError("--repeats and --train-steps must be >= 1");
      }
      NetworkSpec spec = new NetworkSpec(inputSize, width, depth, 4);
      ModelSpeedBenchmark.Options o = ModelSpeedBenchmark.Options.defaults();
      new ModelSpeedBenchmark(
              new ModelSpeedBenchmark.Options(spec, repeats, trainSteps, o.trainBatches(), o.inferBatches()),
              System.out)
          .run();
    }
  }
}
