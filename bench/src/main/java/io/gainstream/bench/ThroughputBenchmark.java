package io.gainstream.bench;

import io.gainstream.model.backbone.Backbone;
import io.gainstream.model.labels.TtaScales;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.services.kafka.KafkaConnection;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
 *
 * <p>This class picks the subjects and runs the sections in order; {@link Subject} makes the models
 * and images, {@link ThroughputCells} (with {@link InProcessColumns}) measures, and {@link
 * ThroughputReport} prints the tables.
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

  private final Options o;
  private final PrintStream out;
  private final KafkaConnection kafka;
  private final Path work;
  private final Memory memory = new Memory();
  private final Runnable step;
  private final ThroughputReport report;
  private final ThroughputCells measure;

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
    this.report = new ThroughputReport(out);
    this.measure = new ThroughputCells(options, kafka, work, step, report);
  }

  /** Timed runs the benchmark will make. */
  public static long runs(Options o) {
    long models = o.models() ? 1 + (o.reference() ? 1 : 0) + (o.backbone() != null ? 1 : 0) : 0;
    boolean masked = o.models() && o.backbone() != null && !o.mask().isEmpty();
    return models * o.batches().length * o.repeats()
        + (masked ? o.repeats() : 0)
        + (o.models() ? ThroughputCells.STEADY_SHARES.length * o.repeats() : 0)
        + (o.trainer() ? o.repeats() : 0)
        + (o.soakImages() > 0 ? 1 : 0);
  }

  public void run() throws InterruptedException {
    memory.start();
    try {
      report.header(o);
      List<Subject> subjects = new ArrayList<>();
      if (o.models()) {
        Subject small = Subject.of("default", NetworkSpec.defaults(4), 96, 3000);
        subjects.add(small);
        // the re-labelling index writes every image once more (store and changelog): on a model
        // this fast that is seen end to end
        subjects.add(small.withoutRelabelling());
      }
      if (o.models() && o.reference()) {
        // ResNet-18-class compute: about 2.4 GMAC per pass (ResNet-18: 1.8)
        subjects.add(Subject.of("reference", new NetworkSpec(224, 64, 4, 4), 256, 128));
      }
      if (o.models() && o.backbone() != null) {
        // photo-sized images (decoded and resized at validation, as a camera's would be)
        // photos come as JPEG (COCO's are): the backbone row, which stands for labelling photos, is
        // fed JPEGs
        Subject backbone =
            Subject.of(
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
        Map<Integer, ThroughputCells.Cell> cells = new LinkedHashMap<>();
        int[] batches = s.masked() ? new int[] {o.batches()[o.batches().length - 1]} : o.batches();
        for (int b : batches) {
          cells.put(b, measure.cell(s, b));
        }
        report.table(s, cells);
        int steadyBatch = cells.containsKey(32) ? 32 : cells.keySet().iterator().next();
        ThroughputCells.Cell steady = cells.get(steadyBatch);
        if (!s.masked()) {
          // the per-image costs are the plain loop's, which runs no mask model
          costs.put(s.name(), steady.costs());
        }
        if (s == subjects.get(0)) {
          measure.steadyLatency(s, steadyBatch, steady.c());
        }
      }
      if (!costs.isEmpty()) {
        report.costTable(costs);
      }
      if (o.trainer()) {
        new TrainerThroughput(kafka, work, out, o.repeats(), step).run();
      }
      if (o.soakImages() > 0) {
        Subject s = Subject.of("default", NetworkSpec.defaults(4), 96, 512);
        StreamRun.Result r =
            new StreamRun(kafka, work, s, 32, o.streamThreads(), o.ortThreads())
                .run(o.soakImages());
        step.run();
        report.soak(o.soakImages(), r, memory);
      }
      report.peak(memory);
    } finally {
      memory.close();
    }
  }
}
