package io.gainstream.bench.model;

import io.gainstream.model.backbone.Backbone;
import io.gainstream.model.image.ImageBytes;
import io.gainstream.model.image.Tensors;
import io.gainstream.model.infer.AttentionSession;
import io.gainstream.model.infer.InferenceOptions;
import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.input.ImageDecoder;
import io.gainstream.model.labels.ImageLabeler;
import io.gainstream.model.labels.LabelPng;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.net.Prediction;
import io.gainstream.model.synthetic.SyntheticDataset;
import io.gainstream.model.train.Batch;
import io.gainstream.model.train.Batches;
import io.gainstream.model.train.Example;
import io.gainstream.model.train.GainSettings;
import io.gainstream.model.train.GainTrainer;
import io.gainstream.model.train.Method;
import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Measures the model core on this machine and prints Markdown tables: DJL training steps/s by
 * method and batch size, ONNX Runtime images/s by batch size, and the per-image cost of the work
 * around the model (decode, pre-process, post-process, PNG encode). Every figure is the median of
 * {@code repeats} timed runs after a warm-up.
 */
public final class ModelSpeedBenchmark {
  /**
   * @param spec network to measure
   * @param repeats timed runs per cell (median reported)
   * @param trainSteps steps per timed training run
   * @param trainBatches batch sizes for training
   * @param inferBatches batch sizes for inference
   * @param averaging the decay of the mined weights' moving average (0: off), as training uses it
   * @param methods the methods whose training steps are timed
   * @param peer the PyTorch peer to run the same steps, or null
   */
  public record Options(
      NetworkSpec spec,
      int repeats,
      int trainSteps,
      int[] trainBatches,
      int[] inferBatches,
      Backbone backbone,
      float averaging,
      List<Method> methods,
      TorchPeer.Settings peer) {
    public static Options defaults() {
      return new Options(
          NetworkSpec.defaults(4),
          5,
          20,
          new int[] {8, 16, 32},
          new int[] {1, 8, 32, 64},
          null,
          0f,
          ALL_METHODS,
          null);
    }
  }

  /** The share of the synthetic images with two classes (gain mines each class's map). */
  static final double TWO_LABEL_RATE = 0.35;

  /** The methods timed unless fewer are asked for. */
  public static final List<Method> ALL_METHODS =
      List.of(Method.CAM, Method.GAIN, Method.ABN, Method.SEENET);

  private final Options options;
  private final PrintStream out;

  public ModelSpeedBenchmark(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public void run() {
    NetworkSpec spec = options.spec();
    int s = spec.inputSize();
    List<SyntheticDataset.Sample> samples =
        SyntheticDataset.generate(
            new SyntheticDataset.Spec(spec.numClasses(), s, 256, TWO_LABEL_RATE, false, 0.9, 1));
    List<Example> examples = Batches.fromSynthetic(samples, s, 0);
    out.printf("## gainstream model speed%n%n");
    String net =
        options.backbone() == null
            ? String.format("width %d, depth %d", spec.width(), spec.depth())
            : String.format(
                "imported backbone (%d nodes, %s fine-tuned)",
                options.backbone().graph().nodes().size(),
                options.backbone().fineTune().name().toLowerCase());
    out.printf(
        "network: %dx%d input, %s, %d classes; %d cores; Java %s; allocator %s; %s activation kernels; median of %d runs;"
            + " gain's weights averaged at decay %s%n%n",
        s,
        s,
        net,
        spec.numClasses(),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        NativeRuntime.allocator(),
        NativeRuntime.kernels(),
        options.repeats(),
        options.averaging() > 0 ? Float.toString(options.averaging()) : "0 (off)");
    Map<String, Double> steps = training(examples);
    if (options.peer() != null) {
      new TorchPeer(options.peer(), out)
          .compare(
              steps,
              options.backbone(),
              s,
              options.methods(),
              options.trainBatches(),
              options.trainSteps(),
              options.repeats(),
              options.inferBatches());
    }
    byte[] onnx = inference(examples);
    perImage(samples, onnx);
  }

  /** Prints the training table; returns its steps/s keyed "method batch". */
  private Map<String, Double> training(List<Example> examples) {
    Map<String, Double> steps = new LinkedHashMap<>();
    NetworkSpec spec = options.spec();
    out.printf("### Training (DJL %s, PyTorch CPU)%n%n", "0.35.1");
    out.println("| method | batch | steps/s | images/s | system CPU |");
    out.println("|---|---:|---:|---:|---:|");
    for (Method m : options.methods()) {
      for (int b : options.trainBatches()) {
        // mining from the first step, so gain's rows are all mined steps (and averaged ones when
        // on)
        GainSettings st =
            GainSettings.defaults(m)
                .withBatchSize(b)
                .withWarmup(0, 0f)
                .withAveraging(options.averaging());
        double[] rates = new double[options.repeats()];
        NativeRuntime.CpuTime cpu0;
        NativeRuntime.CpuTime cpu1;
        try (GainTrainer t = new GainTrainer(spec, st, options.backbone())) {
          Random rnd = new Random(1);
          for (int i = 0; i < 3; i++) {
            t.step(Batches.sample(examples, b, spec.numClasses(), spec.inputSize(), false, rnd));
          }
          cpu0 = NativeRuntime.cpuTime();
          for (int r = 0; r < rates.length; r++) {
            List<Batch> batches = new ArrayList<>();
            for (int i = 0; i < options.trainSteps(); i++) {
              batches.add(
                  Batches.sample(examples, b, spec.numClasses(), spec.inputSize(), false, rnd));
            }
            long t0 = System.nanoTime();
            for (Batch batch : batches) {
              t.step(batch);
            }
            rates[r] = options.trainSteps() / ((System.nanoTime() - t0) / 1e9);
          }
          cpu1 = NativeRuntime.cpuTime();
        }
        double med = median(rates);
        steps.put(m.id() + " " + b, med);
        // Locale.ROOT: RuntimeComparison reads these rows back
        out.printf(
            Locale.ROOT,
            "| %s | %d | %.2f | %.1f | %.0f %% |%n",
            m.id(),
            b,
            med,
            med * b,
            100 * cpu1.systemShareSince(cpu0));
      }
    }
    out.println();
    return steps;
  }

  private byte[] inference(List<Example> examples) {
    NetworkSpec spec = options.spec();
    int s = spec.inputSize();
    byte[] onnx =
        UntrainedRelease.export(spec, GainSettings.defaults(Method.CAM), options.backbone());
    out.println("### Inference (ONNX Runtime 1.29 CPU, one session, batched run)");
    out.println();
    out.println("| batch | images/s | ms per batch (p50) | ms per batch (p99) |");
    out.println("|---:|---:|---:|---:|");
    try (AttentionSession session = new AttentionSession(onnx, InferenceOptions.cpu())) {
      for (int b : options.inferBatches()) {
        float[] input = Batches.of(examples.subList(0, b), spec.numClasses(), s, false).images();
        int iters = Math.max(8, 512 / b);
        for (int i = 0; i < 3; i++) {
          session.run(input, b);
        }
        double[] rates = new double[options.repeats()];
        List<Double> lat = new ArrayList<>();
        for (int r = 0; r < rates.length; r++) {
          long t0 = System.nanoTime();
          for (int i = 0; i < iters; i++) {
            long a = System.nanoTime();
            session.run(input, b);
            lat.add((System.nanoTime() - a) / 1e6);
          }
          rates[r] = (double) iters * b / ((System.nanoTime() - t0) / 1e9);
        }
        double[] l = lat.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        out.printf(
            "| %d | %.0f | %.2f | %.2f |%n",
            b, median(rates), l[l.length / 2], l[(int) (l.length * 0.99)]);
      }
    }
    out.println();
    return onnx;
  }

  private void perImage(List<SyntheticDataset.Sample> samples, byte[] onnx) {
    NetworkSpec spec = options.spec();
    int s = spec.inputSize();
    int n = samples.size();
    List<byte[]> pngs = new ArrayList<>();
    for (SyntheticDataset.Sample x : samples) {
      pngs.add(png(x));
    }
    DecodeLimits limits = DecodeLimits.defaults();
    ImageLabeler labeler = new ImageLabeler(ImageLabeler.Settings.defaults());
    Prediction p;
    try (AttentionSession session = new AttentionSession(onnx, InferenceOptions.cpu())) {
      p =
          session.run(
              Batches.of(
                      Batches.fromSynthetic(samples.subList(0, 32), s, 0),
                      spec.numClasses(),
                      s,
                      false)
                  .images(),
              32);
    }
    double[] decode = new double[options.repeats()];
    double[] pre = new double[options.repeats()];
    double[] post = new double[options.repeats()];
    double[] encode = new double[options.repeats()];
    float[] dst = new float[3 * s * s];
    for (int r = 0; r < options.repeats(); r++) {
      long t0 = System.nanoTime();
      List<BufferedImage> imgs = new ArrayList<>();
      for (byte[] b : pngs) {
        imgs.add(ImageDecoder.decodeRgb(b, limits));
      }
      long t1 = System.nanoTime();
      for (BufferedImage img : imgs) {
        Tensors.toChw(img, s, dst, 0);
      }
      long t2 = System.nanoTime();
      List<ImageLabeler.Result> results = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        SyntheticDataset.Sample x = samples.get(i);
        int row = i % 32;
        float[][] maps =
            Arrays.stream(x.classes()).mapToObj(k -> p.map(row, k)).toArray(float[][]::new);
        results.add(labeler.label(maps, x.classes(), s, s, s));
      }
      long t3 = System.nanoTime();
      for (ImageLabeler.Result res : results) {
        LabelPng.writePalette(res.classMap(), res.width(), res.height());
      }
      long t4 = System.nanoTime();
      decode[r] = (t1 - t0) / 1e3 / n;
      pre[r] = (t2 - t1) / 1e3 / n;
      post[r] = (t3 - t2) / 1e3 / n;
      encode[r] = (t4 - t3) / 1e3 / n;
    }
    out.printf("### Work around the model, per %dx%d image (µs)%n%n", s, s);
    out.println(
        "| decode PNG | pre-process (resize + CHW) | post-process (labels, soft masks, zones) | encode label PNG |");
    out.println("|---:|---:|---:|---:|");
    out.printf(
        "| %.0f | %.0f | %.0f | %.0f |%n%n",
        median(decode), median(pre), median(post), median(encode));
  }

  private static byte[] png(SyntheticDataset.Sample x) {
    return ImageBytes.encode(x.image(), "png");
  }

  static double median(double[] v) {
    double[] c = v.clone();
    Arrays.sort(c);
    int n = c.length;
    return n % 2 == 1 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
  }
}
