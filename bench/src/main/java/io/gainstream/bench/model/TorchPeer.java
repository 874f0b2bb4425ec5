package io.gainstream.bench.model;

import io.gainstream.model.backbone.Backbone;
import io.gainstream.model.infer.AttentionSession;
import io.gainstream.model.infer.InferenceOptions;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.train.GainSettings;
import io.gainstream.model.train.Method;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * {@code bench model --peer}: the same training step in plain PyTorch, in the same invocation, so
 * that gainstream's steps/s have something to be measured against. The peer is a Python script
 * shipped in the bench jar ({@code torch_peer.py}): it rebuilds the backbone from the same ONNX
 * file, with the same head, frozen layers, losses, optimiser and batch; the labelling side runs the
 * same network in PyTorch's eval mode against ONNX Runtime on this release at the label size. A
 * peer run needs Python with PyTorch and onnx (Debian: python3-torch, python3-onnx).
 */
public final class TorchPeer {
  /**
   * @param python the interpreter with torch and onnx
   * @param backboneFile the ONNX file the backbone was imported from
   * @param labelSize the side the labelling side is compared at
   */
  public record Settings(String python, Path backboneFile, int labelSize) {}

  private final Settings settings;
  private final PrintStream out;

  public TorchPeer(Settings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  /**
   * Runs the peer and prints the comparison tables.
   *
   * @param ours gainstream's steps/s of this invocation, keyed "method batch"
   * @param trainSize the side the training steps ran at
   */
  public void compare(
      Map<String, Double> ours,
      Backbone backbone,
      int trainSize,
      List<Method> methods,
      int[] batches,
      int steps,
      int repeats,
      int[] inferBatches) {
    List<String> peerMethods =
        methods.stream().map(Method::id).filter(m -> m.equals("cam") || m.equals("gain")).toList();
    Map<String, Double> peer =
        run(
            List.of(
                "--backbone",
                settings.backboneFile().toString(),
                "--fine-tune",
                backbone.fineTune().name().toLowerCase(),
                "--size",
                Integer.toString(trainSize),
                "--methods",
                String.join(",", peerMethods),
                "--batches",
                join(batches),
                "--steps",
                Integer.toString(steps),
                "--repeats",
                Integer.toString(repeats),
                "--infer-size",
                Integer.toString(settings.labelSize()),
                "--infer-batches",
                join(inferBatches),
                "--threads",
                Integer.toString(Runtime.getRuntime().availableProcessors()),
                "--two-label-rate",
                Double.toString(ModelSpeedBenchmark.TWO_LABEL_RATE)));
    if (peerMethods.isEmpty()) {
      out.printf("The peer trains cam and gain only: no training row to compare.%n%n");
    }
    out.printf("### Against plain PyTorch (the same step, %s)%n%n", version());
    out.println("| method | batch | gainstream steps/s | PyTorch steps/s | gainstream / PyTorch |");
    out.println("|---|---:|---:|---:|---:|");
    for (String m : peerMethods) {
      for (int b : batches) {
        String key = m + " " + b;
        Double p = peer.get("train " + key);
        out.printf(
            "| %s | %d | %.2f | %s | %s |%n",
            m,
            b,
            ours.get(key),
            p == null ? "—" : String.format("%.2f", p),
            p == null ? "—" : String.format("%.2fx", ours.get(key) / p));
      }
    }
    out.println();
    out.printf(
        "Labelling at %d pixels: ONNX Runtime on the release against PyTorch eval mode%n%n",
        settings.labelSize());
    out.println("| batch | ONNX Runtime images/s | PyTorch images/s | ONNX Runtime / PyTorch |");
    out.println("|---:|---:|---:|---:|");
    for (int b : inferBatches) {
      double ort = onnxRuntime(backbone, b, repeats);
      Double p = peer.get("infer " + settings.labelSize() + " " + b);
      out.printf(
          "| %d | %.1f | %s | %s |%n",
          b,
          ort,
          p == null ? "—" : String.format("%.1f", p),
          p == null ? "—" : String.format("%.2fx", ort / p));
    }
    out.println();
  }

  /**
   * Checks before a long benchmark that the interpreter has what the peer imports.
   *
   * @return null when it has, else one line saying what is missing
   */
  public static String missing(String python) {
    try {
      output(python, List.of("-c", "import torch, onnx"));
      return null;
    } catch (IOException e) {
      return e.getMessage()
          + " (the peer needs torch and onnx; Debian: python3-torch python3-onnx)";
    }
  }

  private double onnxRuntime(Backbone backbone, int batch, int repeats) {
    int s = settings.labelSize();
    NetworkSpec spec = NetworkSpec.forBackbone(s, 4);
    byte[] onnx = UntrainedRelease.export(spec, GainSettings.defaults(Method.CAM), backbone);
    float[] input = new float[batch * 3 * s * s];
    Random rnd = new Random(1);
    for (int i = 0; i < input.length; i++) {
      input[i] = rnd.nextFloat();
    }
    double[] rates = new double[repeats];
    try (AttentionSession session = new AttentionSession(onnx, InferenceOptions.cpu())) {
      for (int i = 0; i < 2; i++) {
        session.run(input, batch);
      }
      for (int r = 0; r < repeats; r++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < 4; i++) {
          session.run(input, batch);
        }
        rates[r] = 4.0 * batch / ((System.nanoTime() - t0) / 1e9);
      }
    }
    Arrays.sort(rates);
    return rates[rates.length / 2];
  }

  private String version() {
    try {
      return "PyTorch "
          + output(settings.python(), List.of("-c", "import torch; print(torch.__version__)"))
              .strip();
    } catch (IOException e) {
      return "PyTorch";
    }
  }

  private Map<String, Double> run(List<String> args) {
    Path script = null;
    try (InputStream in = TorchPeer.class.getResourceAsStream("torch_peer.py")) {
      script = Files.createTempFile("gainstream-torch-peer", ".py");
      Files.write(script, in.readAllBytes());
      List<String> all = new ArrayList<>();
      all.add(script.toString());
      all.addAll(args);
      Map<String, Double> results = new LinkedHashMap<>();
      for (String line : output(settings.python(), all).split("\n")) {
        String[] f = line.strip().split(" ");
        if (f.length == 5 && f[0].equals("PEER")) {
          results.put(f[1] + " " + f[2] + " " + f[3], Double.parseDouble(f[4]));
        }
      }
      return results;
    } catch (IOException e) {
      // one line on the console (the command's handler prints an unchecked I/O error's message)
      throw new UncheckedIOException(e.getMessage(), e);
    } finally {
      if (script != null) {
        script.toFile().delete();
      }
    }
  }

  private static String output(String python, List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(python);
    command.addAll(args);
    // one stream: the PEER lines are picked out of it, and a failure's last line is its reason
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (p.waitFor() != 0) {
        String[] lines = text.strip().split("\n");
        throw new IOException(
            "the PyTorch peer failed under " + python + ": " + lines[lines.length - 1]);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return text;
  }

  private static String join(int[] v) {
    return Arrays.stream(v).mapToObj(Integer::toString).collect(Collectors.joining(","));
  }
}
