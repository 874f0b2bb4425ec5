package io.gainstream.bench.cli;

import io.gainstream.bench.model.MaskSpeed;
import io.gainstream.bench.model.ModelSpeedBenchmark;
import io.gainstream.bench.model.RuntimeComparison;
import io.gainstream.bench.model.TorchPeer;
import io.gainstream.cli.BackboneOptions;
import io.gainstream.cli.Logs;
import io.gainstream.cli.UserError;
import io.gainstream.model.backbone.Backbone;
import io.gainstream.model.infer.InferenceOptions;
import io.gainstream.model.infer.MaskSession;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.onnx.InvalidModelException;
import io.gainstream.model.train.Method;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gainstream bench model}: training and inference speed of the model core. */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description =
        "DJL training steps/s and ONNX Runtime images/s by batch size, and per-image costs.")
final class BenchModelCommand implements Runnable {
  @Spec CommandSpec spec;

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

  @Option(
      names = "--methods",
      defaultValue = "cam,gain,abn,seenet",
      split = ",",
      paramLabel = "METHOD",
      description = "Methods whose training steps are timed. Default: ${DEFAULT-VALUE}.")
  List<String> methods;

  @Option(
      names = "--runtimes",
      split = ",",
      paramLabel = "ALLOCATOR/KERNELS",
      description =
          "Run the benchmark once under each native runtime, a memory allocator (glibc, tcmalloc, "
              + "jemalloc) and PyTorch's activation kernels (fused, composite), e.g. "
              + "glibc/composite,tcmalloc/fused: a child process each, through ./gainstream; the "
              + "training rows side by side, each over the first. Without it: what ./gainstream "
              + "chose (GAINSTREAM_ALLOCATOR, GAINSTREAM_TORCH_KERNELS).")
  List<String> runtimes;

  @Option(
      names = "--peer",
      description =
          "Also run the same training steps (cam and gain) in plain PyTorch, the backbone rebuilt "
              + "from the same ONNX file, and the labelling side in PyTorch's eval mode at "
              + "--peer-label-size; print gainstream's speed over the peer's. Needs --backbone and "
              + "Python with torch and onnx (Debian: python3-torch python3-onnx).")
  boolean peer;

  @Option(
      names = "--peer-python",
      paramLabel = "PYTHON",
      description = "The interpreter the peer runs in. Default: /usr/bin/python3 where it exists.")
  String peerPython;

  @Option(
      names = "--peer-label-size",
      defaultValue = "448",
      paramLabel = "PIXELS",
      description = "Side the labelling side is compared at. Default: ${DEFAULT-VALUE}.")
  int peerLabelSize;

  @Option(
      names = "--mask-model",
      paramLabel = "FILE.onnx",
      description =
          "Also time a class-agnostic mask model (as label --mask-model takes) at each --mask-sizes "
              + "side, on all cores and on one thread.")
  Path maskModel;

  @Option(
      names = "--mask-sizes",
      defaultValue = "1024,640,512,320",
      split = ",",
      paramLabel = "PIXELS",
      description = "Input sides the mask model is timed at. Default: ${DEFAULT-VALUE}.")
  int[] maskSizes;

  @Override
  public void run() {
    if (repeats < 1 || trainSteps < 1) {
      throw new UserError("--repeats and --train-steps must be >= 1");
    }
    List<Method> timed = new ArrayList<>();
    for (String m : methods) {
      try {
        timed.add(Method.fromId(m));
      } catch (IllegalArgumentException e) {
        throw new UserError("--methods: " + e.getMessage());
      }
    }
    if (runtimes != null) {
      compareRuntimes();
      return;
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
    TorchPeer.Settings peerSettings = null;
    if (peer) {
      if (bb == null) {
        throw new UserError("--peer rebuilds the network from an ONNX file: give --backbone");
      }
      String python =
          peerPython != null
              ? peerPython
              : Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
      String missing = TorchPeer.missing(python);
      if (missing != null) {
        throw new UserError("--peer: " + missing);
      }
      peerSettings = new TorchPeer.Settings(python, backbone.file(), peerLabelSize);
    }
    byte[] mask = null;
    if (maskModel != null) {
      if (Arrays.stream(maskSizes).anyMatch(v -> v < 32)) {
        throw new UserError("--mask-sizes must be >= 32");
      }
      try {
        mask = Files.readAllBytes(maskModel);
        // refused before the long benchmark, not after it
        new MaskSession(
                mask,
                maskModel.getFileName().toString(),
                MaskSession.Options.defaults(),
                InferenceOptions.cpu())
            .close();
      } catch (IOException e) {
        throw new UserError("--mask-model: cannot read " + maskModel + ": " + e.getMessage());
      } catch (InvalidModelException e) {
        // worded as label and the other benchmarks word it (MaskOptions)
        throw new UserError("mask model " + maskModel + ": " + e.getMessage());
      }
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
                backbone.averaging(bb),
                timed,
                peerSettings),
            System.out)
        .run();
    if (mask != null) {
      new MaskSpeed(mask, maskModel.getFileName().toString(), System.out)
          .run(maskSizes, 4, repeats);
    }
  }

  private void compareRuntimes() {
    List<RuntimeComparison.Runtime> parsed = new ArrayList<>();
    for (String r : runtimes) {
      RuntimeComparison.Runtime runtime = RuntimeComparison.Runtime.parse(r);
      if (runtime == null) {
        throw new UserError(
            "--runtimes takes ALLOCATOR/KERNELS ("
                + String.join("|", RuntimeComparison.ALLOCATORS)
                + " / "
                + String.join("|", RuntimeComparison.KERNELS)
                + "), not '"
                + r
                + "'");
      }
      parsed.add(runtime);
    }
    String launcher = System.getProperty("gainstream.launcher");
    if (launcher == null) {
      throw new UserError(
          "--runtimes starts the benchmark again through the ./gainstream launcher: run it from there");
    }
    List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).equals("--runtimes")) {
        args.remove(i + 1);
        args.remove(i--);
      } else if (args.get(i).startsWith("--runtimes=")) {
        args.remove(i--);
      }
    }
    try {
      new RuntimeComparison(Path.of(launcher), args, System.out).run(parsed);
    } catch (IOException e) {
      throw new UserError(e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("interrupted");
    }
  }
}
