package io.gainstream.bench;

import static io.gainstream.bench.QualityScores.VARIANTS;

import io.gainstream.bench.LabelQuality.Run;
import io.gainstream.bench.QualityScores.Variant;
import io.gainstream.model.labels.ConfusionMatrix;
import io.gainstream.model.train.Method;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints the label-quality benchmark's Markdown: the photo folder's centre-ellipse baseline, the
 * header and the per-run table (a row as soon as each run is scored), then per set, split and
 * method the mean over seeds, the spread and the worst seed, and the tables of the labelling
 * variants. It runs and scores nothing.
 */
final class QualityReport {
  private final PrintStream out;

  QualityReport(PrintStream out) {
    this.out = out;
  }

  /** The label-free centre-ellipse baseline of a photo folder, printed before any run. */
  void ellipse(Path dir, int images, ConfusionMatrix ellipse) {
    out.printf(
        "Photos (%s, %d images): a label-free centre ellipse (80 %% of width and height, the first class) scores "
            + "fg mIoU %.3f, mIoU %.3f.%n%n",
        dir.getFileName(), images, ellipse.foregroundMeanIou(), ellipse.meanIou());
  }

  /** The title, the settings of every run and the head of the per-run table. */
  void header(LabelQuality.Options o) {
    out.printf("## gainstream label quality, through `label` (Kafka)%n%n");
    out.printf(
        "%s, seeds 1-%d, data seed %d, %s; fg mIoU counts pixels left at 255 as missed.%n%n",
        (o.synthetic() ? o.steps() + " steps per synthetic run" : "")
            + (o.photos() == null
                ? ""
                : (o.synthetic() ? ", " : "")
                    + (o.photos().builtIn()
                        ? o.photos().builtInSteps() + " steps per built-in photo run"
                        : "no built-in photo runs")
                    + (o.photos().backbone() == null
                        ? ""
                        : ", "
                            + o.photos().steps()
                            + " per backbone photo run (trained at "
                            + o.photos().inputSize()
                            + ", labelled at "
                            + o.photos().labelSize()
                            + ")")),
        o.seeds(),
        o.dataSeed(),
        o.refine() == null && o.ttaScales() == null
            ? "default label settings"
            : "refinement "
                + (o.refine() == null ? "as each release names" : o.refine())
                + ", test-time scales "
                + (o.ttaScales() == null ? "as each release names" : o.ttaScales()));
    out.println(
        "| set | split | method | seed | fg mIoU | mIoU | unrefined fg / mIoU | labelled fg mIoU | ignored | release | validation |");
    out.println("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
  }

  /** One run's row of the per-run table, printed as soon as it is known. */
  void row(Run r) {
    out.printf(
        "| %s | %s | %s | %d | %.3f | %.3f | %s | %.3f | %.1f %% | %d | %s |%n",
        r.set(),
        r.split(),
        r.method().id(),
        r.seed(),
        r.fgMiou(),
        r.miou(),
        unrefined(r.unrefinedFgMiou(), r.unrefinedMiou()),
        r.labelledFgMiou(),
        100 * r.ignored(),
        r.version(),
        r.validation());
    out.flush();
  }

  /** "fg / mIoU" of the labels before refinement, or "-" when the run was not refined. */
  private static String unrefined(double fg, double miou) {
    return Double.isNaN(fg) ? "-" : String.format("%.3f / %.3f", fg, miou);
  }

  /** After the last run: the summary and, when any, the tables of the labelling variants. */
  void end(List<Run> runs, List<Variant> variants) {
    out.println();
    summary(runs);
    if (!variants.isEmpty()) {
      variantTables(variants);
    }
  }

  private void variantTables(List<Variant> variants) {
    out.println();
    out.println("### Labelling variants, each run's own release (label --model, through Kafka)");
    out.println();
    out.println(
        "Strict fg mIoU / mIoU of the same release's labels: " + String.join(", ", VARIANTS) + ".");
    out.println();
    out.println("| set | split | method | seed | " + String.join(" | ", VARIANTS) + " |");
    out.println("|---|---|---|---:|" + "---:|".repeat(VARIANTS.size()));
    Map<String, List<Variant>> groups = new LinkedHashMap<>();
    for (Variant v : variants) {
      Run r = v.run();
      out.printf(
          "| %s | %s | %s | %d |%s%n",
          r.set(), r.split(), r.method().id(), r.seed(), cells(v.fg(), v.miou()));
      groups
          .computeIfAbsent(
              r.set() + "|" + r.split() + "|" + r.method().id(), k -> new ArrayList<>())
          .add(v);
    }
    out.println();
    out.println(
        "| set | split | method | seeds | "
            + String.join(" | ", VARIANTS)
            + " | best − none (fg) |");
    out.println("|---|---|---|---:|" + "---:|".repeat(VARIANTS.size() + 1));
    for (List<Variant> g : groups.values()) {
      double[] fg = new double[VARIANTS.size()];
      double[] miou = new double[VARIANTS.size()];
      for (Variant v : g) {
        for (int k = 0; k < fg.length; k++) {
          fg[k] += v.fg()[k] / g.size();
          miou[k] += v.miou()[k] / g.size();
        }
      }
      int best = 0;
      for (int k = 1; k < fg.length; k++) {
        best = fg[k] > fg[best] ? k : best;
      }
      Run r = g.get(0).run();
      out.printf(
          "| %s | %s | %s | %d |%s %+.1f (%s) |%n",
          r.set(),
          r.split(),
          r.method().id(),
          g.size(),
          cells(fg, miou),
          100 * (fg[best] - fg[0]),
          VARIANTS.get(best));
    }
    out.println();
  }

  private static String cells(double[] fg, double[] miou) {
    StringBuilder b = new StringBuilder();
    for (int k = 0; k < fg.length; k++) {
      b.append(String.format(" %.3f / %.3f |", fg[k], miou[k]));
    }
    return b.toString();
  }

  private void summary(List<Run> runs) {
    out.println(
        "| set | split | method | seeds | mean fg mIoU | spread (max - min) | worst seed (fg mIoU) | mean mIoU | mean unrefined fg / mIoU "
            + "| vs cam, worst seed |");
    out.println("|---|---|---|---:|---:|---:|---:|---:|---:|---:|");
    Map<String, List<Run>> groups = new LinkedHashMap<>();
    runs.forEach(
        r ->
            groups
                .computeIfAbsent(
                    r.set() + "|" + r.split() + "|" + r.method().id(), k -> new ArrayList<>())
                .add(r));
    for (List<Run> g : groups.values()) {
      Run first = g.get(0);
      double mean = g.stream().mapToDouble(Run::fgMiou).average().orElse(Double.NaN);
      double max = g.stream().mapToDouble(Run::fgMiou).max().orElse(Double.NaN);
      Run worst = g.stream().min(Comparator.comparingDouble(Run::fgMiou)).orElseThrow();
      double miou = g.stream().mapToDouble(Run::miou).average().orElse(Double.NaN);
      boolean allRefined = g.stream().noneMatch(r -> Double.isNaN(r.unrefinedFgMiou()));
      String unrefined =
          allRefined
              ? unrefined(
                  g.stream().mapToDouble(Run::unrefinedFgMiou).average().orElse(Double.NaN),
                  g.stream().mapToDouble(Run::unrefinedMiou).average().orElse(Double.NaN))
              : "-";
      out.printf(
          "| %s | %s | %s | %d | %.3f | %.3f | %d (%.3f) | %.3f | %s | %s |%n",
          first.set(),
          first.split(),
          first.method().id(),
          g.size(),
          mean,
          max - worst.fgMiou(),
          worst.seed(),
          worst.fgMiou(),
          miou,
          unrefined,
          versusCam(g, groups));
    }
    out.println();
    out.println(
        "\"vs cam, worst seed\": the smallest difference fg mIoU(method) - fg mIoU(cam) over the seeds both ran.");
  }

  private static String versusCam(List<Run> g, Map<String, List<Run>> groups) {
    Run first = g.get(0);
    if (first.method() == Method.CAM) {
      return "";
    }
    List<Run> cam = groups.get(first.set() + "|" + first.split() + "|" + Method.CAM.id());
    if (cam == null) {
      return "";
    }
    double worst = Double.POSITIVE_INFINITY;
    for (Run r : g) {
      for (Run c : cam) {
        if (c.seed() == r.seed()) {
          worst = Math.min(worst, r.fgMiou() - c.fgMiou());
        }
      }
    }
    return Double.isInfinite(worst) ? "" : String.format("%+.3f", worst);
  }
}
