package io.gainstream.bench.affinity;

import io.gainstream.model.image.Letterbox;
import io.gainstream.model.image.MapResize;
import io.gainstream.model.image.Tensors;
import io.gainstream.model.infer.AttentionSession;
import io.gainstream.model.infer.BatchAttention;
import io.gainstream.model.infer.InferenceOptions;
import io.gainstream.model.input.ClassCatalog;
import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.labels.ConfusionMatrix;
import io.gainstream.model.labels.CrfRefiner;
import io.gainstream.model.labels.ImageLabeler;
import io.gainstream.model.labels.LabelPng;
import io.gainstream.model.labels.ProxyLabels;
import io.gainstream.model.labels.TtaScales;
import io.gainstream.model.labels.WalkRefiner;
import io.gainstream.model.onnx.ScaledRelease;
import io.gainstream.model.refine.RandomWalk;
import io.gainstream.model.release.LabelRecipe;
import io.gainstream.services.io.ImagePublisher;
import io.gainstream.services.io.LabelsCsv;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Issue 13's third refinement, measured before it is built into the pipeline: one saved release
 * labels a folder the way the attention stage does (flip, the release's scales), and the same maps
 * become labels four ways — thresholds (what the pipeline does without refinement), the dense CRF
 * (the pipeline's refinement), and a random walk ({@link RandomWalk}) on affinities learned from
 * the thresholded labels ({@link AffinityNet}, AffinityNet's recipe) or, as a control, on colour
 * alone. Every labelling is scored against the exact masks.
 */
public final class AffinityExperiment {
  /**
   * @param release the saved release ({@code label --save-model})
   * @param folder a folder in the label contract
   * @param truth exact masks, {@code <stem>.png}
   * @param scales test-time scales, or null for the release's own
   * @param grid side of the walk's grid
   * @param walk the walk
   * @param steps affinity training steps
   * @param batch affinity training batch
   * @param seed affinity training seed
   */
  public record Options(
      Path release,
      Path folder,
      Path truth,
      TtaScales scales,
      int grid,
      RandomWalk.Settings walk,
      int steps,
      int batch,
      long seed) {}

  private final Options o;
  private final PrintStream out;

  public AffinityExperiment(Options o, PrintStream out) {
    this.o = o;
    this.out = out;
  }

  private record Image(
      String stem, BufferedImage image, int[] classes, byte[] truth, float[][] maps, byte[] rgb) {}

  public void run() throws IOException {
    byte[] onnx = Files.readAllBytes(o.release());
    ClassCatalog catalog = ClassCatalog.read(o.folder().resolve("classes.txt"));
    List<Image> images = new ArrayList<>();
    ProxyLabels.Thresholds thresholds;
    int s;
    long t0 = System.nanoTime();
    try (AttentionSession session = new AttentionSession(onnx, InferenceOptions.cpu())) {
      s = session.info().spec().inputSize();
      if (session.info().spec().numClasses() != catalog.size()) {
        throw new IllegalArgumentException(
            "the release has "
                + session.info().spec().numClasses()
                + " classes, the folder "
                + catalog.size());
      }
      LabelRecipe.Named named = LabelRecipe.Named.read(session.info().extra(), new ArrayList<>());
      thresholds = named.thresholdsOrDefault();
      TtaScales scales =
          o.scales() != null ? o.scales() : named.scales().orElse(TtaScales.single());
      List<AttentionSession> scaled = new ArrayList<>();
      for (int side : ScaledRelease.otherSides(onnx, scales)) {
        scaled.add(new AttentionSession(ScaledRelease.at(onnx, side), InferenceOptions.cpu()));
      }
      try {
        List<LabelsCsv.Row> rows = LabelsCsv.read(o.folder().resolve("labels.csv"));
        for (int from = 0; from < rows.size(); from += 8) {
          List<LabelsCsv.Row> chunk = rows.subList(from, Math.min(rows.size(), from + 8));
          int n = chunk.size();
          float[] batch = new float[n * 3 * s * s];
          int[][] classes = new int[n][];
          BufferedImage[] decoded = new BufferedImage[n];
          for (int i = 0; i < n; i++) {
            LabelsCsv.Row r = chunk.get(i);
            decoded[i] = ImageIO.read(o.folder().resolve("images").resolve(r.image()).toFile());
            Tensors.toChw(decoded[i], s, batch, i * 3 * s * s);
            classes[i] = r.labels().stream().mapToInt(catalog::indexOf).toArray();
          }
          BatchAttention.Result res = BatchAttention.run(session, scaled, batch, n, classes, true);
          for (int i = 0; i < n; i++) {
            String stem = ImagePublisher.stemOf(chunk.get(i).image());
            byte[] truth =
                LabelPng.read(
                        Files.readAllBytes(o.truth().resolve(stem + ".png")),
                        DecodeLimits.defaults())
                    .values();
            images.add(
                new Image(
                    stem,
                    decoded[i],
                    classes[i],
                    truth,
                    res.maps()[i],
                    Tensors.packRgb(decoded[i], s)));
          }
        }
      } finally {
        scaled.forEach(AttentionSession::close);
      }
      out.printf(
          "%d images, release %s (%s, input %d, scales %s, thresholds %.2f / %.2f), maps in %.0f s%n%n",
          images.size(),
          o.release().getFileName(),
          session.info().method(),
          s,
          scales.encode(),
          thresholds.foreground(),
          thresholds.background(),
          (System.nanoTime() - t0) / 1e9);
    }
    int numClasses = catalog.size();
    ImageLabeler plain =
        new ImageLabeler(ImageLabeler.Settings.defaults().withThresholds(thresholds));
    ImageLabeler crf =
        new ImageLabeler(
            ImageLabeler.Settings.defaults()
                .withThresholds(thresholds)
                .withRefine(CrfRefiner.Settings.defaults()));
    Map<String, ConfusionMatrix> scores = new LinkedHashMap<>();
    Map<String, Double> millis = new LinkedHashMap<>();
    List<String> rows = new ArrayList<>(List.of("none", "crf", "walk, colour affinity"));
    if (o.steps() > 0) {
      rows.add("walk, learned affinity");
    }
    int g = o.grid();
    // the pipeline's walk refiner (colour affinity), on a grid of the same long side
    WalkRefiner colour =
        new WalkRefiner(
            new WalkRefiner.Settings(o.walk(), WalkRefiner.Settings.defaults().colourWidth(), g));
    for (String v : rows) {
      scores.put(v, new ConfusionMatrix(numClasses));
      millis.put(v, 0.0);
    }
    for (Image im : images) {
      int w = im.image().getWidth();
      int h = im.image().getHeight();
      scores.get("none").add(plain.label(im.maps(), im.classes(), s, w, h).classMap(), im.truth());
      long c0 = System.nanoTime();
      byte[] refined = crf.label(im.maps(), im.classes(), s, w, h, im.rgb()).classMap();
      millis.merge("crf", (System.nanoTime() - c0) / 1e6, Double::sum);
      scores.get("crf").add(refined, im.truth());
      long w1 = System.nanoTime();
      byte[] control =
          colour.classMap(
              im.maps(),
              im.classes(),
              s,
              im.rgb(),
              im.image().getWidth(),
              im.image().getHeight(),
              thresholds);
      millis.merge("walk, colour affinity", (System.nanoTime() - w1) / 1e6, Double::sum);
      scores.get("walk, colour affinity").add(control, im.truth());
    }
    if (o.steps() > 0) {
      learnedWalk(images, s, thresholds, scores, millis);
    }
    out.println(
        "| labels | fg mIoU | mIoU | labelled fg mIoU | ignored | ms per image (refinement) |");
    out.println("|---|---:|---:|---:|---:|---:|");
    for (Map.Entry<String, ConfusionMatrix> e : scores.entrySet()) {
      ConfusionMatrix m = e.getValue();
      out.printf(
          "| %s | %.3f | %.3f | %.3f | %.1f %% | %.0f |%n",
          e.getKey(),
          m.strictForegroundMeanIou(),
          m.strictMeanIou(),
          m.foregroundMeanIou(),
          100 * m.ignoredShare(),
          millis.get(e.getKey()) / images.size());
    }
    out.println();
  }

  /**
   * AffinityNet's recipe: an affinity network trained from the thresholded labels on the walk's
   * grid (same pixel pairs: positive within a label, negative across, 255 left out), then the walk
   * on its embeddings.
   */
  private void learnedWalk(
      List<Image> images,
      int s,
      ProxyLabels.Thresholds thresholds,
      Map<String, ConfusionMatrix> scores,
      Map<String, Double> millis) {
    int g = o.grid();
    List<int[]> offsets = RandomWalk.halfOffsets(o.walk().radius());
    // the walk's training labels: the thresholded labels on the grid, as the pipeline would label
    byte[][] seeds = new byte[images.size()][];
    float[][] inputs = new float[images.size()][];
    try (AffinityNet net = new AffinityNet(16, g, o.walk().radius(), o.batch(), 1e-3f, o.seed())) {
      int a = net.side();
      for (int i = 0; i < images.size(); i++) {
        Image im = images.get(i);
        seeds[i] = ProxyLabels.assign(onGrid(im.maps(), s, g), im.classes(), g * g, thresholds);
        inputs[i] = new float[3 * a * a];
        Tensors.toChw(im.image(), a, inputs[i], 0);
      }
      long tt = System.nanoTime();
      Random rnd = new Random(o.seed());
      double first = Double.NaN;
      double last = Double.NaN;
      for (int step = 0; step < o.steps(); step++) {
        int n = o.batch();
        float[] x = new float[n * 3 * a * a];
        byte[] y = new byte[n * g * g];
        for (int b = 0; b < n; b++) {
          int k = rnd.nextInt(images.size());
          boolean flip = rnd.nextBoolean();
          copy(inputs[k], a, 3, flip, x, b * 3 * a * a);
          copyLabels(seeds[k], g, flip, y, b * g * g);
        }
        float loss = net.step(x, y, n);
        if (step < 20) {
          first = Double.isNaN(first) ? loss / 20.0 : first + loss / 20.0;
        }
        if (step >= o.steps() - 20) {
          last = Double.isNaN(last) ? loss / 20.0 : last + loss / 20.0;
        }
      }
      out.printf(
          "affinity network: %d steps of %d in %.0f s, loss %.3f (first 20 steps) -> %.3f (last 20)%n%n",
          o.steps(), o.batch(), (System.nanoTime() - tt) / 1e9, first, last);
      for (int i = 0; i < images.size(); i++) {
        Image im = images.get(i);
        long w0 = System.nanoTime();
        float[] embedding = net.embed(inputs[i], 1)[0];
        byte[] learned =
            walked(
                im, s, g, thresholds, RandomWalk.affinities(embedding, 16, g, g, offsets), offsets);
        millis.merge("walk, learned affinity", (System.nanoTime() - w0) / 1e6, Double::sum);
        scores.get("walk, learned affinity").add(learned, im.truth());
      }
    }
  }

  /** The maps of the {@code s × s} input resized to the walk's grid (the whole square). */
  private static float[][] onGrid(float[][] maps, int s, int g) {
    float[][] out = new float[maps.length][];
    for (int c = 0; c < maps.length; c++) {
      out[c] = MapResize.bilinear(maps[c], s, s, g, g);
    }
    return out;
  }

  /**
   * The label after the walk: each class's walked map divided by its maximum (IRN), background the
   * release's foreground threshold, every pixel its most likely label.
   */
  private byte[] walked(
      Image im, int s, int g, ProxyLabels.Thresholds t, float[][] affinities, List<int[]> offs) {
    int w = im.image().getWidth();
    int h = im.image().getHeight();
    float[][] maps = RandomWalk.walk(affinities, offs, g, g, onGrid(im.maps(), s, g), o.walk());
    Letterbox box = Letterbox.of(w, h, s);
    float[][] full = new float[maps.length][];
    for (int c = 0; c < maps.length; c++) {
      float max = 0;
      for (float v : maps[c]) {
        max = Math.max(max, v);
      }
      float[] m = maps[c];
      for (int i = 0; i < m.length; i++) {
        m[i] = m[i] / (max + 1e-5f);
      }
      full[c] = box.mapBack(MapResize.bilinear(m, g, g, s, s), w, h);
    }
    byte[] label = new byte[w * h];
    for (int p = 0; p < label.length; p++) {
      float best = t.foreground();
      int k = 0;
      for (int c = 0; c < full.length; c++) {
        if (full[c][p] > best) {
          best = full[c][p];
          k = im.classes()[c];
        }
      }
      label[p] = (byte) k;
    }
    return label;
  }

  private static void copy(
      float[] src, int side, int channels, boolean flip, float[] dst, int off) {
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < side; y++) {
        int row = (c * side + y) * side;
        for (int x = 0; x < side; x++) {
          dst[off + row + x] = src[row + (flip ? side - 1 - x : x)];
        }
      }
    }
  }

  private static void copyLabels(byte[] src, int side, boolean flip, byte[] dst, int off) {
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        dst[off + y * side + x] = src[y * side + (flip ? side - 1 - x : x)];
      }
    }
  }
}
