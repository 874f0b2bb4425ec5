package io.gainstream.bench;

import io.gainstream.model.net.NetworkSpec;
import io.gainstream.topology.PipelineConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the throughput benchmark's Markdown: the run's header, one table per subject (a, a′, b, c
 * by batch size), the steady-rate latency table, the per-image cost table of the plain loop, the
 * memory soak and the process's peak memory. It measures nothing; the figures come from {@link
 * ThroughputCells}.
 */
final class ThroughputReport {
  private final PrintStream out;

  ThroughputReport(PrintStream out) {
    this.out = out;
  }

  /** The title and the machine and settings every figure was taken on. */
  void header(ThroughputBenchmark.Options o) {
    out.printf("## gainstream throughput%n%n");
    out.printf(
        "%d cores, Java %s, max heap %d MiB; pipeline: %d stream thread(s), ORT intra-op threads %s (bare model and plain loop: ORT default); median of %d runs%n%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20,
        o.streamThreads(),
        o.ortThreads() == 0 ? "cores / stream threads" : Integer.toString(o.ortThreads()),
        o.repeats());
  }

  void table(Subject s, Map<Integer, ThroughputCells.Cell> cells) {
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
    for (Map.Entry<Integer, ThroughputCells.Cell> e : cells.entrySet()) {
      ThroughputCells.Cell c = e.getValue();
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

  /** The title and head of the steady-rate latency table. */
  void steadyHeader(Subject s, int batch, PipelineConfig defaults, int seconds) {
    out.printf(
        "### Latency at a steady rate: %s model, batch %d (max wait %d ms, commit interval %d ms), %d s per run%n%n",
        s.name(), batch, defaults.batchMaxWaitMs(), defaults.commitIntervalMs(), seconds);
    out.println("| offered img/s | share of (c) | labelled img/s | latency ms p50 / p90 / p99 |");
    out.println("|---:|---:|---:|---:|");
  }

  /** One offered rate of the steady-rate latency table. */
  void steadyRow(double rate, double share, double labelled, Latency lat) {
    out.printf(
        "| %.0f | %.2f | %.0f | %.0f / %.0f / %.0f |%n",
        rate, share, labelled, lat.percentileMs(50), lat.percentileMs(90), lat.percentileMs(99));
  }

  /** The blank line that ends a table printed row by row. */
  void endTable() {
    out.println();
  }

  void costTable(Map<String, Costs> costs) {
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

  /** The memory soak: what the run labelled and the process's memory after it. */
  void soak(int images, StreamRun.Result r, Memory memory) {
    out.printf("### Memory soak%n%n");
    out.printf(
        "%d images through the pipeline (default model, batch 32): %d labelled, %d lost, %d doubled, %.0f images/s; "
            + "max heap %d MiB, peak heap used %d MiB, peak resident memory %d MiB%n%n",
        images,
        r.labelled(),
        r.lost(),
        r.doubled(),
        r.imagesPerSecond(),
        Runtime.getRuntime().maxMemory() >> 20,
        memory.peakHeapMiB(),
        Memory.peakRssMiB());
  }

  /** The last line: the benchmark process's peak memory over the whole run. */
  void peak(Memory memory) {
    out.printf(
        "Peak resident memory of the benchmark process: %d MiB (peak heap used %d MiB)%n",
        Memory.peakRssMiB(), memory.peakHeapMiB());
  }
}
