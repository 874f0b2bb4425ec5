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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

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
   * @param photos photos scored
   * @param skipped photos not scored, each with why (no mask, a mask of another size, a photo the
   *     pipeline would reject)
   * @param notes how the release is labelled where that differs from what it names (as the pipeline
   *     logs it)
   */
  public record Result(
      List<Row> rows, int photos, List<String> skipped, List<String> notes, List<String> classes) {}

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
    out.putIfAbsent(
        s.rule() + "|" + s.foreground() + "|" + s.weak() + "|" + s.supported(),
        new Candidate(name, s));
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
    List<String> skipped = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Set<String> stems = new HashSet<>();
    Path root = folder.resolve("images").toAbsolutePath().normalize();
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
      // as the pipeline does: a refinement this build does not know labels without one
      problems.forEach(p -> notes.add("the release names " + p + "; labelled without it"));
      if (!recipe.scales().isSingle() && !openScaled(release, recipe, config, scaled, notes)) {
        recipe = recipe.atOneScale();
      }
      LabelPath path = new LabelPath(recipe, config.labelerSettings());
      for (LabelsCsv.Row row : rows) {
        String why = null;
        try {
          why =
              scoreOne(
                  row,
                  root,
                  masks,
                  stems,
                  catalog,
                  limits,
                  path,
                  session,
                  scaled,
                  stage,
                  candidates,
                  counts);
        } catch (IOException | RuntimeException e) {
          // what the pipeline would reject (an undecodable photo, an unknown class) is skipped
          why = e.getMessage();
        }
        if (why == null) {
          photos++;
        } else {
          skipped.add(row.image() + ": " + why);
        }
        step.run();
      }
    } finally {
      scaled.forEach(AttentionSession::close);
    }
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      out.add(new Row(candidates.get(i), counts.get(i)));
    }
    if (photos == 0) {
      throw new IllegalArgumentException(
          "no photo could be scored"
              + (skipped.isEmpty() ? "" : " (first: " + skipped.get(0) + ")"));
    }
    return new Result(out, photos, List.copyOf(skipped), List.copyOf(notes), catalog.names());
  }

  /**
   * One photo through the release and the mask model, every candidate's label counted; null when
   * scored, else why not.
   */
  private static String scoreOne(
      LabelsCsv.Row row,
      Path root,
      Path masks,
      Set<String> stems,
      ClassCatalog catalog,
      DecodeLimits limits,
      LabelPath path,
      AttentionSession session,
      List<AttentionSession> scaled,
      MaskStage stage,
      List<Candidate> candidates,
      List<ConfusionMatrix> counts)
      throws IOException {
    Path file = root.resolve(row.image()).normalize();
    String stem = ImagePublisher.stemOf(row.image());
    if (!file.startsWith(root)) {
      return "outside images/";
    }
    if (!stems.add(stem)) {
      // masks are named by the file name alone, as label's exports are
      return "another photo has the file name " + stem;
    }
    Path maskFile = masks.resolve(stem + ".png");
    if (!Files.isRegularFile(maskFile)) {
      return "no mask " + maskFile.getFileName();
    }
    byte[] encoded = Files.readAllBytes(file);
    BufferedImage img = ImageDecoder.decodeRaw(encoded, limits);
    int w = img.getWidth();
    int h = img.getHeight();
    LabelPng.Decoded truth = LabelPng.read(Files.readAllBytes(maskFile), limits);
    if (truth.width() != w || truth.height() != h) {
      return "its mask is " + truth.width() + "x" + truth.height() + ", the photo " + w + "x" + h;
    }
    int[] classes = catalog.indicesOf(row.labels());
    LabelPath.Input in = LabelPath.prepare(img, path.recipe().inputSize());
    BatchAttention.Result r =
        path.attend(session, scaled, path.batch(List.of(in)), 1, new int[][] {classes});
    ImageLabeler.Result label = path.label(r.maps()[0], classes, w, h, in.rgb());
    float[] fg = stage.foreground(img, label.maps(), w, h);
    for (int i = 0; i < candidates.size(); i++) {
      MaskFusion.Settings s = candidates.get(i).fusion();
      byte[] predicted =
          s == null
              ? label.classMap()
              : stage.check(
                  img,
                  MaskFusion.fuse(fg, label.maps(), classes, label.classMap(), w, h, s),
                  classes);
      counts.get(i).add(predicted, truth.values());
    }
    return null;
  }

  /**
   * Opens the release at its other test-time sides and runs one blank image at each, as the
   * pipeline does before it labels with them; false (and a note) when it cannot, and the release
   * labels at one scale, as in the pipeline.
   */
  private static boolean openScaled(
      byte[] release,
      LabelRecipe recipe,
      PipelineConfig config,
      List<AttentionSession> scaled,
      List<String> notes) {
    try {
      for (int side : ScaledRelease.otherSides(release, recipe.scales())) {
        AttentionSession z =
            new AttentionSession(ScaledRelease.at(release, side), config.inferenceOptions());
        scaled.add(z);
        z.run(new float[3 * side * side], 1);
      }
      return true;
    } catch (RuntimeException e) {
      scaled.forEach(AttentionSession::close);
      scaled.clear();
      notes.add(
          "the release cannot run at its scales "
              + recipe.scales().encode()
              + " ("
              + e.getMessage()
              + "); labelled at one scale");
      return false;
    }
  }

  /** The table: strict scores (255 counts as missed), the best fusion row in bold. */
  public static void print(Result r, String title, PrintStream out) {
    out.printf(
        "### %s: %d photos scored%s%n%n",
        title, r.photos(), r.skipped().isEmpty() ? "" : ", " + r.skipped().size() + " skipped");
    for (String n : r.notes()) {
      out.println("- " + n);
    }
    // the first few reasons: a folder with many skipped photos has one cause, usually
    r.skipped().stream().limit(5).forEach(x -> out.println("- skipped " + x));
    if (!r.notes().isEmpty() || !r.skipped().isEmpty()) {
      out.println();
    }
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
