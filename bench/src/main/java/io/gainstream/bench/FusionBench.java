package io.gainstream.bench;

import io.gainstream.model.infer.AttentionSession;
import io.gainstream.model.infer.BatchAttention;
import io.gainstream.model.input.ClassCatalog;
import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.input.ImageDecoder;
import io.gainstream.model.labels.ConfusionMatrix;
import io.gainstream.model.labels.ImageLabeler;
import io.gainstream.model.labels.LabelPng;
import io.gainstream.model.labels.MaskFusion;
import io.gainstream.model.onnx.ScaledRelease;
import io.gainstream.model.release.LabelPath;
import io.gainstream.model.release.LabelRecipe;
import io.gainstream.services.io.ImagePublisher;
import io.gainstream.services.io.LabelsCsv;
import io.gainstream.topology.MaskSettings;
import io.gainstream.topology.PipelineConfig;
import io.gainstream.topology.internals.MaskStage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench fusion}: every way of fusing the mask model's foreground with the attention, scored
 * on the same maps of one release over a photo folder with exact masks. Each photo goes once
 * through the pipeline's own parts — {@link LabelPath} at the release's recipe (its side, scales,
 * mirror, thresholds, refinement) and {@link MaskStage}'s foreground (the photo's own pixels, the
 * mirror image and the zoomed look as configured) — and each candidate rule is then a pure function
 * of those maps, so the rules differ only in the rule.
 *
 * <p>Why a benchmark and not a flag: the fusion was chosen by measuring rules side by side on the
 * same maps (docs/QUALITY.md, "Object extent"), and a user with some exact masks of their own
 * photos can check the choice, or pick the weak level and support for their objects, in one pass of
 * both models instead of one {@code label} run per setting. The configured row is the label the
 * pipeline publishes for the same release and settings.
 */
public final class FusionBench {
  /**
   * One way to make the label.
   *
   * @param name what the table calls it
   * @param fusion the fusion rule and its levels; null for the attention's own label
   */
  public record Candidate(String name, MaskFusion.Settings fusion) {}

  /** A candidate's counts over the folder. */
  public record Row(Candidate candidate, ConfusionMatrix counts) {}

  /**
   * The scored folder.
   *
   * @param rows one per candidate, in the candidates' order
   * @param photos photos scored (those with a mask of their size)
   * @param skipped photos without a mask, or with one of another size
   */
  public record Result(List<Row> rows, int photos, int skipped, List<String> classes) {}

  private FusionBench() {}

  /**
   * The attention alone, the configured fusion, the plain threshold at 0.5 and 0.3, regions, and
   * hysteresis over {@code weak × supported} at the configured sure level; a grid entry equal to
   * the configured fusion is not repeated.
   */
  public static List<Candidate> candidates(
      MaskFusion.Settings configured, float[] weak, float[] supported) {
    Map<String, Candidate> out = new LinkedHashMap<>();
    out.put("", new Candidate("attention alone (the release's own label)", null));
    add(out, configured.describe() + " (configured)", configured);
    MaskFusion.Settings d = MaskFusion.Settings.defaults();
    for (float t : new float[] {0.5f, 0.3f}) {
      MaskFusion.Settings s =
          new MaskFusion.Settings(
              MaskFusion.Rule.THRESHOLD,
              t,
              Math.min(t, d.weak()),
              d.supported(),
              d.attended(),
              d.share());
      add(out, s.describe(), s);
    }
    add(out, "regions(fg 0.50)", d.withRule(MaskFusion.Rule.REGIONS));
    for (float w : weak) {
      for (float a : supported) {
        MaskFusion.Settings s =
            new MaskFusion.Settings(
                MaskFusion.Rule.HYSTERESIS,
                configured.foreground(),
                Math.min(w, configured.foreground()),
                a,
                d.attended(),
                d.share());
        add(out, s.describe(), s);
      }
    }
    return List.copyOf(out.values());
  }

  private static void add(Map<String, Candidate> out, String name, MaskFusion.Settings s) {
    // the same rule and levels once: the configured one keeps its mark
    out.putIfAbsent(s.rule() + "|" + s.describe(), new Candidate(name, s));
  }

  /**
   * Scores every candidate on {@code folder} (the {@code label} contract) against {@code masks}.
   *
   * @param masks exact masks, {@code <stem>.png} at each photo's size
   * @param release the release's ONNX bytes; its classes must be the folder's
   * @param config the pipeline settings (classes, mask model and its looks, recipe settings)
   * @param limit photos to score, in the CSV's order (0: all)
   * @param step called once per photo
   */
  public static Result score(
      Path folder,
      Path masks,
      byte[] release,
      PipelineConfig config,
      List<Candidate> candidates,
      int limit,
      Runnable step)
      throws IOException {
    MaskSettings mask =
        config
            .mask()
            .orElseThrow(() -> new IllegalArgumentException("bench fusion needs a mask model"));
    ClassCatalog catalog = ClassCatalog.read(folder.resolve("classes.txt"));
    List<LabelsCsv.Row> rows = LabelsCsv.read(folder.resolve("labels.csv"));
    if (limit > 0 && rows.size() > limit) {
      rows = rows.subList(0, limit);
    }
    DecodeLimits limits = config.decodeLimits();
    List<ConfusionMatrix> counts = new ArrayList<>();
    candidates.forEach(c -> counts.add(new ConfusionMatrix(catalog.size())));
    int photos = 0;
    int skipped = 0;
    List<AttentionSession> scaled = new ArrayList<>();
    try (AttentionSession session = new AttentionSession(release, config.inferenceOptions());
        MaskStage stage = new MaskStage(mask, config.inferenceOptions(), limits)) {
      if (!session.info().classes().equals(catalog.names())) {
        throw new IllegalArgumentException(
            "the release has classes "
                + session.info().classes()
                + ", the folder "
                + catalog.names());
      }
      List<String> problems = new ArrayList<>();
      LabelRecipe recipe = LabelRecipe.resolve(session.info(), config.recipeSettings(), problems);
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException("the release names " + String.join(", ", problems));
      }
      for (int side : ScaledRelease.otherSides(release, recipe.scales())) {
        scaled.add(
            new AttentionSession(ScaledRelease.at(release, side), config.inferenceOptions()));
      }
      LabelPath path = new LabelPath(recipe, config.labelerSettings());
      for (LabelsCsv.Row row : rows) {
        Path maskFile = masks.resolve(ImagePublisher.stemOf(row.image()) + ".png");
        if (!Files.isRegularFile(maskFile)) {
          skipped++;
          step.run();
          continue;
        }
        byte[] encoded = Files.readAllBytes(folder.resolve("images").resolve(row.image()));
        BufferedImage img = ImageDecoder.decodeRaw(encoded, limits);
        int w = img.getWidth();
        int h = img.getHeight();
        LabelPng.Decoded truth = LabelPng.read(Files.readAllBytes(maskFile), limits);
        if (truth.width() != w || truth.height() != h) {
          skipped++;
          step.run();
          continue;
        }
        int[] classes = catalog.indicesOf(row.labels());
        LabelPath.Input in = LabelPath.prepare(img, recipe.inputSize());
        BatchAttention.Result r =
            path.attend(session, scaled, path.batch(List.of(in)), 1, new int[][] {classes});
        ImageLabeler.Result label = path.label(r.maps()[0], classes, w, h, in.rgb());
        float[] fg = stage.foreground(encoded, label.maps(), w, h);
        for (int i = 0; i < candidates.size(); i++) {
          MaskFusion.Settings s = candidates.get(i).fusion();
          byte[] predicted =
              s == null
                  ? label.classMap()
                  : MaskFusion.fuse(fg, label.maps(), classes, label.classMap(), w, h, s);
          counts.get(i).add(predicted, truth.values());
        }
        photos++;
        step.run();
      }
    } finally {
      scaled.forEach(AttentionSession::close);
    }
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      out.add(new Row(candidates.get(i), counts.get(i)));
    }
    return new Result(out, photos, skipped, catalog.names());
  }

  /** The table: strict scores (255 counts as missed), the best fusion row in bold. */
  public static void print(Result r, String title, PrintStream out) {
    out.printf(
        "### %s: %d photos scored%s%n%n",
        title, r.photos(), r.skipped() == 0 ? "" : ", " + r.skipped() + " without a mask");
    StringBuilder head = new StringBuilder("| label | fg mIoU | mIoU |");
    StringBuilder rule = new StringBuilder("|---|---:|---:|");
    for (String c : r.classes()) {
      head.append(" ").append(c).append(" |");
      rule.append("---:|");
    }
    out.println(head);
    out.println(rule);
    double best = -1;
    for (Row row : r.rows()) {
      if (row.candidate().fusion() != null) {
        best = Math.max(best, row.counts().strictForegroundMeanIou());
      }
    }
    for (Row row : r.rows()) {
      double fg = row.counts().strictForegroundMeanIou();
      String mark = row.candidate().fusion() != null && fg == best ? "**" : "";
      StringBuilder line =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "| %s | %s%.4f%s | %.4f |",
                  row.candidate().name(),
                  mark,
                  fg,
                  mark,
                  row.counts().strictMeanIou()));
      for (int k = 1; k <= r.classes().size(); k++) {
        line.append(String.format(Locale.ROOT, " %.3f |", row.counts().strictIou(k)));
      }
      out.println(line);
    }
    out.println();
  }
}
