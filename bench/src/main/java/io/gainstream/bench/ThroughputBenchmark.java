package io.gainstream.bench;

import io.gainstream.model.backbone.Backbone;
import io.gainstream.model.image.ImageBytes;
import io.gainstream.model.image.Tensors;
import io.gainstream.model.infer.AttentionSession;
import io.gainstream.model.infer.BatchAttention;
import io.gainstream.model.infer.InferenceOptions;
import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.input.ImageDecoder;
import io.gainstream.model.labels.CrfRefiner;
import io.gainstream.model.labels.ImageLabeler;
import io.gainstream.model.labels.LabelPng;
import io.gainstream.model.labels.TtaScales;
import io.gainstream.model.labels.VocPalette;
import io.gainstream.model.labels.WalkRefiner;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.onnx.ModelInfo;
import io.gainstream.model.onnx.OnnxExporter;
import io.gainstream.model.onnx.ScaledRelease;
import io.gainstream.model.release.LabelPath;
import io.gainstream.model.release.LabelRecipe;
import io.gainstream.model.synthetic.SyntheticDataset;
import io.gainstream.model.train.GainSettings;
import io.gainstream.model.train.GainTrainer;
import io.gainstream.model.train.Method;
import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.topology.PipelineConfig;
import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code gainstream bench throughput}: how much the streaming machinery costs on top of the model,
 * measured in one run on one exported model and one image set.
 *
 * <ul>
 *   <li>(a) bare ONNX Runtime: batched attention (with the pipeline's flip fusion) on ready
 *       tensors;
 *   <li>(a′) a plain in-process loop doing the pipeline's per-image work: decode → resize → model →
 *       thresholds → PNG encoding, what a script without Kafka would do;
 *   <li>(b) the attention stage inside the running topology against the broker: images per second
 *       of the stage's own busy time (buffer reads, tensor packing, model, results);
 *   <li>(c) end to end: images published → proxy labels committed (read_committed), with per-image
 *       latency.
 * </ul>
 *
 * Each figure is the median of {@code repeats} runs. Weights are random (seeded): speed does not
 * depend on what a model has learnt, and a heavy reference model could not be trained here in
 * reasonable time.
 */
public final class ThroughputBenchmark {
  /**
   * @param batches micro-batch sizes to measure
   * @param repeats runs per cell (median reported)
   * @param models whether to measure the models at all (a, a′, b, c)
   * @param reference whether to measure the heavy reference model too
   * @param trainer whether to measure the trainer (Kafka-fed versus memory-fed)
   * @param soakImages images of the memory soak run (0 = none)
   * @param streamThreads Kafka Streams threads of the pipeline
   * @param ortThreads ONNX Runtime intra-op threads of the pipeline (0 = cores / stream threads)
   * @param backbone an imported backbone to measure as a further model at {@code backboneSize}, or
   *     null
   * @param backboneSize its input side
   */
  public record Options(
      int[] batches,
      int repeats,
      boolean models,
      boolean reference,
      boolean trainer,
      int soakImages,
      int streamThreads,
      int ortThreads,
      Backbone backbone,
      int backboneSize,
      Map<String, String> mask) {
    public Options {
      mask = mask == null ? Map.of() : Map.copyOf(mask);
    }
  }

  /**
   * Images of the mask-model row: the mask model costs about 2 s an image on a CPU (ISNet at 1024),
   * so its row runs on fewer images and at the largest batch only.
   */
  static final int MASK_IMAGES = 32;

  /** A model under test and its images. */
  /**
   * @param refined whether the pipeline (and the plain loop) refine the labels with the dense CRF
   * @param scales the test-time scales of the pipeline, the plain loop and the bare model
   */
  record Subject(
      String name,
      NetworkSpec spec,
      int imageSize,
      int images,
      byte[] onnx,
      List<byte[]> encoded,
      List<int[]> classes,
      String format,
      boolean refined,
      TtaScales scales,
      boolean relabel,
      Map<String, String> settings) {
    List<String> classNames() {
      return SyntheticDataset.classNames(spec.numClasses());
    }

    /** The same model and images, labels refined by the dense CRF at its defaults. */
    Subject refinedByCrf() {
      return variant(name + " + crf", true, scales, relabel);
    }

    /**
     * The same model and images with re-labelling off: what the index of encoded images it keeps
     * costs the pipeline ({@code gainstream.relabel.enabled}).
     */
    Subject withoutRelabelling() {
      return variant(name + ", re-labelling off", refined, scales, false);
    }

    /** The same model and images, fused over {@code scales}. */
    Subject at(TtaScales scales) {
      return variant(name + " + scales " + scales.encode(), refined, scales, relabel);
    }

    /**
     * The same model on its first {@code n} images with a mask model fused in ({@code
     * gainstream.mask.*} settings): the pipeline's columns include the mask model, the bare model
     * and the plain loop do not.
     */
    Subject withMask(Map<String, String> mask, int n) {
      int k = Math.min(n, images);
      return new Subject(
          name + " + mask model",
          spec,
          imageSize,
          k,
          onnx,
          encoded.subList(0, k),
          classes.subList(0, k),
          format,
          refined,
          scales,
          relabel,
          mask);
    }

    boolean masked() {
      return !settings.isEmpty();
    }

    private Subject variant(String name, boolean refined, TtaScales scales, boolean relabel) {
      return new Subject(
          name, spec, imageSize, images, onnx, encoded, classes, format, refined, scales, relabel,
          settings);
    }
  }

  /** One cell of the table. */
  record Cell(
      double a,
      double aPrime,
      double b,
      double c,
      Latency aLatency,
      Latency cLatency,
      Costs costs) {}

  /** Steady publishing rates of the latency table, as shares of the measured end-to-end rate. */
  private static final double[] STEADY_SHARES = {0.25, 0.5, 0.75};

  private static final int STEADY_SECONDS = 8;

  private final Options o;
  private final PrintStream out;
  private final KafkaConnection kafka;
  private final Path work;
  private final Memory memory = new Memory();
  private final Runnable step;

  /**
   * @param step called after each timed run (for a progress bar; {@link #runs} of them)
   */
  public ThroughputBenchmark(
      Options options, KafkaConnection kafka, Path work, PrintStream out, Runnable step) {
    this.o = options;
    this.kafka = kafka;
    this.work = work;
    this.out = out;
    this.step = step;
  }

  /** Timed runs the benchmark will make. */
  public static long runs(Options o) {
    long models = o.models() ? 1 + (o.reference() ? 1 : 0) + (o.backbone() != null ? 1 : 0) : 0;
    boolean masked = o.models() && o.backbone() != null && !o.mask().isEmpty();
    return models * o.batches().length * o.repeats()
        + (masked ? o.repeats() : 0)
        + (o.models() ? STEADY_SHARES.length * o.repeats() : 0)
        + (o.trainer() ? o.repeats() : 0)
        + (o.soakImages() > 0 ? 1 : 0);
  }

  public void run() throws InterruptedException {
    memory.start();
    try {
      out.printf("## gainstream throughput%n%n");
      out.printf(
          "%d cores, Java %s, max heap %d MiB; pipeline: %d stream thread(s), ORT intra-op threads %s (bare model and plain loop: ORT default); median of %d runs%n%n",
          Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.version"),
          Runtime.getRuntime().maxMemory() >> 20,
          o.streamThreads(),
          o.ortThreads() == 0 ? "cores / stream threads" : Integer.toString(o.ortThreads()),
          o.repeats());
      List<Subject> subjects = new ArrayList<>();
      if (o.models()) {
        Subject small = subject("default", NetworkSpec.defaults(4), 96, 3000);
        subjects.add(small);
        // the re-labelling index writes every image once more (store and changelog): on a model
        // this fast that is seen end to end
        subjects.add(small.withoutRelabelling());
      }
      if (o.models() && o.reference()) {
        // ResNet-18-class compute: about 2.4 GMAC per pass (ResNet-18: 1.8)
        subjects.add(subject("reference", new NetworkSpec(224, 64, 4, 4), 256, 128));
      }
      if (o.models() && o.backbone() != null) {
        // photo-sized images (decoded and resized at validation, as a camera's would be)
        // photos come as JPEG (COCO's are): the backbone row, which stands for labelling photos, is
        // fed JPEGs
        Subject backbone =
            subject(
                "backbone",
                NetworkSpec.forBackbone(o.backboneSize(), 4),
                o.backbone(),
                480,
                256,
                "jpeg");
        subjects.add(backbone);
        // what a backbone release labels with by default (it names the CRF): the pipeline's
        // throughput with refinement on
        subjects.add(backbone.refinedByCrf());
        // what a backbone release does by default: both scales it names, then the CRF
        subjects.add(backbone.at(TtaScales.COMPARED).refinedByCrf());
        if (!o.mask().isEmpty()) {
          // the same with the mask model fused in, the heaviest step of labelling a photo
          subjects.add(
              backbone.at(TtaScales.COMPARED).refinedByCrf().withMask(o.mask(), MASK_IMAGES));
        }
      }
      Map<String, Costs> costs = new LinkedHashMap<>();
      for (Subject s : subjects) {
        Map<Integer, Cell> cells = new LinkedHashMap<>();
        int[] batches = s.masked() ? new int[] {o.batches()[o.batches().length - 1]} : o.batches();
        for (int b : batches) {
          cells.put(b, cell(s, b));
        }
        table(s, cells);
        int steadyBatch = cells.containsKey(32) ? 32 : cells.keySet().iterator().next();
        Cell steady = cells.get(steadyBatch);
        if (!s.masked()) {
          // the per-image costs are the plain loop's, which runs no mask model
          costs.put(s.name(), steady.costs());
        }
        if (s == subjects.get(0)) {
          steadyLatency(s, steadyBatch, steady.c());
        }
      }
      if (!costs.isEmpty()) {
        costTable(costs);
      }
      if (o.trainer()) {
        new TrainerThroughput(kafka, work, out, o.repeats(), step).run();
      }
      if (o.soakImages() > 0) {
        Subject s = subject("default", NetworkSpec.defaults(4), 96, 512);
        StreamRun.Result r =
            new StreamRun(kafka, work, s, 32, o.streamThreads(), o.ortThreads())
                .run(o.soakImages());
        step.run();
        out.printf("### Memory soak%n%n");
        out.printf(
            "%d images through the pipeline (default model, batch 32): %d labelled, %d lost, %d doubled, %.0f images/s; "
                + "max heap %d MiB, peak heap used %d MiB, peak resident memory %d MiB%n%n",
            o.soakImages(),
            r.labelled(),
            r.lost(),
            r.doubled(),
            r.imagesPerSecond(),
            Runtime.getRuntime().maxMemory() >> 20,
            memory.peakHeapMiB(),
            Memory.peakRssMiB());
      }
      out.printf(
          "Peak resident memory of the benchmark process: %d MiB (peak heap used %d MiB)%n",
          Memory.peakRssMiB(), memory.peakHeapMiB());
    } finally {
      memory.close();
    }
  }

  private Cell cell(Subject s, int batch) throws InterruptedException {
    double[] a = new double[o.repeats()];
    double[] ap = new double[o.repeats()];
    double[] b = new double[o.repeats()];
    double[] c = new double[o.repeats()];
    Latency aLat = new Latency();
    Latency cLat = new Latency();
    Costs costs = new Costs();
    // the bare model and the plain loop get ONNX Runtime's own default threads, as a script would
    List<AttentionSession> scaled = new ArrayList<>();
    try (AttentionSession session = new AttentionSession(s.onnx(), InferenceOptions.cpu())) {
      for (int size : ScaledRelease.otherSides(s.onnx(), s.scales())) {
        scaled.add(new AttentionSession(ScaledRelease.at(s.onnx(), size), InferenceOptions.cpu()));
      }
      float[][] ready = readyTensors(s, batch);
      bare(session, scaled, s, ready, batch, 1, new Latency());
      loop(session, scaled, s, batch, new Costs());
      for (int r = 0; r < o.repeats(); r++) {
        a[r] = bare(session, scaled, s, ready, batch, 1, aLat);
        ap[r] = loop(session, scaled, s, batch, costs);
      }
    } finally {
      scaled.forEach(AttentionSession::close);
    }
    for (int r = 0; r < o.repeats(); r++) {
      StreamRun.Result res =
          new StreamRun(kafka, work, s, batch, o.streamThreads(), o.ortThreads()).run(s.images());
      if (res.lost() > 0 || res.doubled() > 0) {
        throw new IllegalStateException(
            s.name()
                + " batch "
                + batch
                + ": "
                + res.lost()
                + " lost, "
                + res.doubled()
                + " doubled");
      }
      b[r] = res.stageImagesPerSecond();
      c[r] = res.imagesPerSecond();
      cLat.addAll(res.latencies());
      step.run();
    }
    return new Cell(median(a), median(ap), median(b), median(c), aLat, cLat, costs);
  }

  /**
   * Latency below capacity: images published at a steady share of the measured end-to-end rate.
   * Under saturation (the main table) an image's latency is mostly the queue in front of it; here
   * it is the batch wait, the model and the commit interval. Only for the first (default) model:
   * the reference model's capacity is so low that a steady-rate run would take minutes.
   */
  private void steadyLatency(Subject s, int batch, double capacity) throws InterruptedException {
    PipelineConfig defaults = config("x", s, batch, 0);
    out.printf(
        "### Latency at a steady rate: %s model, batch %d (max wait %d ms, commit interval %d ms), %d s per run%n%n",
        s.name(), batch, defaults.batchMaxWaitMs(), defaults.commitIntervalMs(), STEADY_SECONDS);
    out.println("| offered img/s | share of (c) | labelled img/s | latency ms p50 / p90 / p99 |");
    out.println("|---:|---:|---:|---:|");
    for (double share : STEADY_SHARES) {
      double rate = share * capacity;
      int n = (int) Math.max(50, Math.round(rate * STEADY_SECONDS));
      double[] got = new double[o.repeats()];
      Latency lat = new Latency();
      for (int r = 0; r < o.repeats(); r++) {
        StreamRun.Result res =
            new StreamRun(kafka, work, s, batch, o.streamThreads(), o.ortThreads()).run(n, rate);
        if (res.lost() > 0 || res.doubled() > 0) {
          throw new IllegalStateException(
              s.name()
                  + " at "
                  + rate
                  + " img/s: "
                  + res.lost()
                  + " lost, "
                  + res.doubled()
                  + " doubled");
        }
        got[r] = res.imagesPerSecond();
        lat.addAll(res.latencies());
        step.run();
      }
      out.printf(
          "| %.0f | %.2f | %.0f | %.0f / %.0f / %.0f |%n",
          rate,
          share,
          median(got),
          lat.percentileMs(50),
          lat.percentileMs(90),
          lat.percentileMs(99));
    }
    out.println();
  }

  /** (a): batched attention on ready tensors; images/s over the whole set. */
  private static double bare(
      AttentionSession session,
      List<AttentionSession> scaled,
      Subject s,
      float[][] ready,
      int batch,
      int passes,
      Latency lat) {
    int n = s.images();
    long t0 = System.nanoTime();
    int done = 0;
    for (int p = 0; p < passes; p++) {
      for (int i = 0, j = 0; i < n; i += batch, j++) {
        int m = Math.min(batch, n - i);
        long b0 = System.nanoTime();
        BatchAttention.run(
            session,
            scaled,
            ready[j],
            m,
            s.classes().subList(i, i + m).toArray(int[][]::new),
            true);
        lat.add(System.nanoTime() - b0);
        done += m;
      }
    }
    return done / ((System.nanoTime() - t0) / 1e9);
  }

  /** (a′): the per-image work of the pipeline as a plain loop; stage costs go to {@code costs}. */
  private static double loop(
      AttentionSession session, List<AttentionSession> scaled, Subject s, int batch, Costs costs) {
    DecodeLimits limits = DecodeLimits.defaults();
    ImageLabeler.Settings labels = ImageLabeler.Settings.defaults();
    LabelPath path =
        new LabelPath(
            new LabelRecipe(
                "bench",
                s.spec().inputSize(),
                s.classNames(),
                labels.thresholds(),
                s.refined() ? CrfRefiner.Settings.defaults() : null,
                s.scales(),
                true),
            labels);
    CrfRefiner refiner = new CrfRefiner(CrfRefiner.Settings.defaults());
    WalkRefiner walker = new WalkRefiner(WalkRefiner.Settings.defaults());
    int size = s.spec().inputSize();
    int n = s.images();
    long extras = 0;
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i += batch) {
      int m = Math.min(batch, n - i);
      List<LabelPath.Input> inputs = new ArrayList<>(m);
      for (int j = 0; j < m; j++) {
        long d0 = System.nanoTime();
        var img = ImageDecoder.decodeRaw(s.encoded().get(i + j), limits);
        long d1 = System.nanoTime();
        inputs.add(LabelPath.prepare(img, size));
        costs.decode += d1 - d0;
        costs.resize += System.nanoTime() - d1;
      }
      long b0 = System.nanoTime();
      float[] tensor = path.batch(inputs);
      costs.resize += System.nanoTime() - b0;
      int[] widths = inputs.stream().mapToInt(LabelPath.Input::width).toArray();
      int[] heights = inputs.stream().mapToInt(LabelPath.Input::height).toArray();
      byte[][] packed = inputs.stream().map(LabelPath.Input::rgb).toArray(byte[][]::new);
      int[][] classes = s.classes().subList(i, i + m).toArray(int[][]::new);
      long m0 = System.nanoTime();
      BatchAttention.Result r = path.attend(session, scaled, tensor, m, classes);
      costs.model += System.nanoTime() - m0;
      for (int j = 0; j < m; j++) {
        long l0 = System.nanoTime();
        ImageLabeler.Result lab =
            path.label(r.maps()[j], classes[j], widths[j], heights[j], packed[j]);
        long l1 = System.nanoTime();
        int bytes = LabelPng.writePalette(lab.classMap(), widths[j], heights[j]).length;
        for (int k : classes[j]) {
          bytes += LabelPng.writeGray(lab.softMasks().get(k), widths[j], heights[j]).length;
          bytes += LabelPng.writeGray(lab.zones().get(k), widths[j], heights[j]).length;
        }
        long l2 = System.nanoTime();
        costs.threshold += l1 - l0;
        costs.encode += l2 - l1;
        costs.pngBytes += bytes;
        costs.rawBytes += (long) widths[j] * heights[j] * (1 + 2 * classes[j].length);
        if (costs.images % 8 == 0 && !s.refined()) {
          long e0 = System.nanoTime();
          imageIoBytes(lab, widths[j], heights[j], classes[j]);
          long c0 = System.nanoTime();
          refiner.classMap(r.maps()[j], classes[j], size, packed[j], widths[j], heights[j]);
          long c1 = System.nanoTime();
          walker.classMap(
              r.maps()[j], classes[j], size, packed[j], widths[j], heights[j], labels.thresholds());
          long c2 = System.nanoTime();
          costs.imageIoEncode += c0 - e0;
          costs.imageIoSamples++;
          costs.crf += c1 - c0;
          costs.walk += c2 - c1;
          costs.crfSamples++;
          // sampled comparisons, not the pipeline's work: kept out of a′
          extras += c2 - e0;
        }
        costs.images++;
      }
    }
    return n / ((System.nanoTime() - t0 - extras) / 1e9);
  }

  /** The same PNGs through ImageIO's writer, sampled, to show what {@code PngWriter} saves. */
  private static int imageIoBytes(ImageLabeler.Result lab, int w, int h, int[] classes) {
    int bytes = imageIo(lab.classMap(), w, h, true);
    for (int k : classes) {
      bytes += imageIo(lab.softMasks().get(k), w, h, false);
      bytes += imageIo(lab.zones().get(k), w, h, false);
    }
    return bytes;
  }

  private static int imageIo(byte[] v, int w, int h, boolean palette) {
    BufferedImage img =
        palette
            ? new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, VocPalette.colorModel())
            : new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    img.getRaster().setDataElements(0, 0, w, h, v);
    return ImageBytes.encode(img, "png").length;
  }

  private static float[][] readyTensors(Subject s, int batch) {
    int size = s.spec().inputSize();
    int plane = size * size;
    int n = s.images();
    float[][] out = new float[(n + batch - 1) / batch][];
    for (int i = 0, j = 0; i < n; i += batch, j++) {
      int m = Math.min(batch, n - i);
      out[j] = new float[m * 3 * plane];
      for (int k = 0; k < m; k++) {
        var img = ImageDecoder.decodeRgb(s.encoded().get(i + k), DecodeLimits.defaults());
        Tensors.toChw(img, size, out[j], k * 3 * plane);
      }
    }
    return out;
  }

  /** Builds a subject: random (seeded) weights exported to ONNX and a synthetic image set. */
  static Subject subject(String name, NetworkSpec spec, int imageSize, int images) {
    return subject(name, spec, null, imageSize, images, "png");
  }

  /**
   * As {@link #subject(String, NetworkSpec, int, int)}, on an imported backbone when one is given,
   * with the images encoded in {@code format} (png, or jpeg at ImageIO's default quality).
   */
  static Subject subject(
      String name, NetworkSpec spec, Backbone backbone, int imageSize, int images, String format) {
    byte[] onnx;
    try (GainTrainer t =
        new GainTrainer(spec, GainSettings.defaults(Method.CAM).withSeed(11), backbone)) {
      onnx =
          OnnxExporter.export(
              t.network(),
              new ModelInfo(
                  spec,
                  SyntheticDataset.classNames(spec.numClasses()),
                  "cam",
                  1,
                  0,
                  false,
                  Map.of()));
    }
    List<SyntheticDataset.Sample> samples =
        SyntheticDataset.generate(
            new SyntheticDataset.Spec(spec.numClasses(), imageSize, images, 0.35, false, 0.9, 5));
    List<byte[]> encoded = new ArrayList<>(images);
    List<int[]> classes = new ArrayList<>(images);
    for (SyntheticDataset.Sample s : samples) {
      encoded.add(ImageBytes.encode(s.image(), format));
      classes.add(s.classes());
    }
    return new Subject(
        name,
        spec,
        imageSize,
        images,
        onnx,
        encoded,
        classes,
        format,
        false,
        TtaScales.single(),
        true,
        Map.of());
  }

  private void table(Subject s, Map<Integer, Cell> cells) {
    NetworkSpec n = s.spec();
    String net =
        (s.name().startsWith("backbone")
                ? "imported backbone + CAM head"
                : "width " + n.width() + ", depth " + n.depth())
            + (s.refined()
                ? ", labels refined by the dense CRF (its defaults; in a′ and c, not in a)"
                : "")
            + (s.scales().isSingle()
                ? ""
                : ", fused over scales " + s.scales().encode() + " (in a, a′ and c)")
            + (s.masked()
                ? ", mask model "
                    + Path.of(s.settings().get(PipelineConfig.MASK_MODEL_FILE_CONFIG)).getFileName()
                    + " fused in (in b and c only: a and a′ are the attention alone)"
                : "");
    out.printf(
        "### %s model: %dx%d input, %s; %d images of %dx%d (%s), flip fusion on%n%n",
        s.name(),
        n.inputSize(),
        n.inputSize(),
        net,
        s.images(),
        s.imageSize(),
        s.imageSize(),
        s.format().toUpperCase(Locale.ROOT));
    out.println(
        "| batch | (a) bare ORT img/s | (a′) plain loop img/s | (b) stage img/s | (c) end to end img/s "
            + "| (a) ms/batch p50 / p99 | (c) latency ms p50 / p99 | b/a | c/a′ | c/a | a′/a |");
    out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (Map.Entry<Integer, Cell> e : cells.entrySet()) {
      Cell c = e.getValue();
      out.printf(
          "| %d | %s | %s | %s | %s | %.1f / %.1f | %.0f / %.0f | %.2f | %.2f | %.2f | %.2f |%n",
          e.getKey(),
          rate(c.a()),
          rate(c.aPrime()),
          rate(c.b()),
          rate(c.c()),
          c.aLatency().percentileMs(50),
          c.aLatency().percentileMs(99),
          c.cLatency().percentileMs(50),
          c.cLatency().percentileMs(99),
          c.b() / c.a(),
          c.c() / c.aPrime(),
          c.c() / c.a(),
          c.aPrime() / c.a());
    }
    out.println();
  }

  /** Images per second: whole numbers, two decimals below 10 (the mask model's row is below 1). */
  static String rate(double v) {
    return String.format(Locale.ROOT, v < 10 ? "%.2f" : "%.0f", v);
  }

  private void costTable(Map<String, Costs> costs) {
    out.printf("### Per-image work outside the model (plain loop, batch 32), µs per image%n%n");
    out.println(
        "| model | decode | resize + pack | model (flip fused) | thresholds | PNG encode | PNG encode via ImageIO (before) | label bytes: PNG / raw "
            + "| dense CRF (refine crf, not in a′) | random walk (refine walk, not in a′) |");
    out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (Map.Entry<String, Costs> e : costs.entrySet()) {
      Costs c = e.getValue();
      out.printf(
          "| %s | %.0f | %.0f | %.0f | %.0f | %.0f | %s | %d / %d | %s | %s |%n",
          e.getKey(),
          c.perImage(c.decode),
          c.perImage(c.resize),
          c.perImage(c.model),
          c.perImage(c.threshold),
          c.perImage(c.encode),
          c.imageIoSamples == 0
              ? "-"
              : String.format("%.0f", c.imageIoEncode / 1e3 / c.imageIoSamples),
          c.pngBytes / Math.max(1, c.images),
          c.rawBytes / Math.max(1, c.images),
          c.crfSamples == 0
              ? "- (in thresholds)"
              : String.format("%.0f", c.crf / 1e3 / c.crfSamples),
          c.crfSamples == 0 ? "-" : String.format("%.0f", c.walk / 1e3 / c.crfSamples));
    }
    out.println();
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** Time spent per step of the plain loop, summed over images. */
  static final class Costs {
    long decode;
    long resize;
    long model;
    long threshold;
    long encode;
    long imageIoEncode;
    long imageIoSamples;

    /**
     * Dense-CRF refinement at its default settings, sampled like the ImageIO encoding (not part of
     * a′).
     */
    long crf;

    /** The random walk at its default settings, sampled with the CRF. */
    long walk;

    /** Images the CRF and the walk were sampled on. */
    long crfSamples;

    long pngBytes;
    long rawBytes;
    long images;

    double perImage(long nanos) {
      return images == 0 ? 0 : nanos / 1e3 / images;
    }
  }

  /** A pipeline config for a benchmark run: its own topics and model name. */
  static PipelineConfig config(String run, Subject s, int batch, int ortThreads) {
    Map<String, Object> c = new HashMap<>();
    c.put(PipelineConfig.CLASSES_CONFIG, String.join(",", s.classNames()));
    c.put(PipelineConfig.INPUT_SIZE_CONFIG, s.spec().inputSize());
    c.put(PipelineConfig.BATCH_MAX_SIZE_CONFIG, batch);
    c.put(PipelineConfig.MODEL_NAME_CONFIG, "bench-" + run);
    c.put(PipelineConfig.SAMPLE_RATE_CONFIG, 0.0);
    c.put(PipelineConfig.ORT_INTRA_THREADS_CONFIG, ortThreads);
    c.put(PipelineConfig.REFINE_CONFIG, s.refined() ? "crf" : "none");
    c.put(PipelineConfig.TTA_SCALES_CONFIG, s.scales().encode());
    c.put(PipelineConfig.RELABEL_ENABLED_CONFIG, s.relabel());
    c.putAll(s.settings());
    for (String[] t :
        new String[][] {
          {PipelineConfig.IMAGES_TOPIC_CONFIG, "images"},
          {PipelineConfig.MODELS_TOPIC_CONFIG, "models"},
          {PipelineConfig.PROXY_LABELS_TOPIC_CONFIG, "proxy-labels"},
          {PipelineConfig.TRAINING_SAMPLES_TOPIC_CONFIG, "training-samples"},
          {PipelineConfig.DEAD_LETTERS_TOPIC_CONFIG, "dead-letters"}
        }) {
      c.put(t[0], "bench-" + run + "-" + t[1]);
    }
    return new PipelineConfig(c);
  }
}
