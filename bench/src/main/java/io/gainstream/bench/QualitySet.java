package io.gainstream.bench;

import io.gainstream.model.backbone.Backbone;
import io.gainstream.model.input.ClassCatalog;
import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.labels.ConfusionMatrix;
import io.gainstream.model.labels.LabelPng;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.synthetic.SyntheticDataset.Sample;
import io.gainstream.services.io.ImagePublisher;
import io.gainstream.services.io.LabelledFolder;
import io.gainstream.services.io.LabelsCsv;
import io.gainstream.topology.PipelineConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One benchmark set of the label-quality benchmark as the {@code label} job meets it: a folder in
 * the {@code label} contract, the exact masks of each split to score against, and the network,
 * sizes, training steps and settings of its runs. Also how the sets are made: generated images
 * written once as such a folder, or a folder of real photographs taken as it is (one set per
 * network).
 */
record QualitySet(
    String name,
    LabelledFolder.Written folder,
    Map<String, Map<String, byte[]>> splits,
    int classes,
    Backbone backbone,
    int inputSize,
    int labelSize,
    int steps,
    Map<String, String> settings) {
  private static final int DEFAULT_INPUT = NetworkSpec.defaults(1).inputSize();

  /**
   * Writes {@code main} and {@code extra} as one folder under {@code work}; gain-ext's few pixel
   * labels are those of the first 5 % of {@code main}. With {@code extra}, the splits are "biased"
   * ({@code main}) and "shifted" ({@code extra}), else one split "all".
   */
  static QualitySet write(
      Path work,
      int steps,
      String name,
      List<String> classes,
      List<Sample> main,
      List<Sample> extra)
      throws IOException {
    List<Sample> all = new ArrayList<>(main);
    all.addAll(extra);
    Set<String> few = new HashSet<>();
    main.subList(0, Math.max(1, main.size() / 20)).forEach(s -> few.add(s.id()));
    LabelledFolder.Written w =
        LabelledFolder.write(work.resolve("set-" + name), classes, all, s -> few.contains(s.id()));
    Map<String, Map<String, byte[]>> splits = new LinkedHashMap<>();
    String mainName = extra.isEmpty() ? "all" : "biased";
    splits.put(mainName, pick(w.truth(), main));
    if (!extra.isEmpty()) {
      splits.put("shifted", pick(w.truth(), extra));
    }
    return new QualitySet(
        name, w, splits, classes.size(), null, DEFAULT_INPUT, DEFAULT_INPUT, steps, Map.of());
  }

  /** The photo folder as one set per network, and the centre-ellipse baseline printed once. */
  static List<QualitySet> photos(LabelQuality.Photos p, QualityReport report) throws IOException {
    ClassCatalog classes = ClassCatalog.read(p.dir().resolve("classes.txt"));
    List<LabelsCsv.Row> rows = LabelsCsv.read(p.dir().resolve("labels.csv"));
    Map<String, byte[]> truth = new LinkedHashMap<>();
    ConfusionMatrix ellipse = new ConfusionMatrix(classes.size());
    for (LabelsCsv.Row r : rows) {
      String stem = ImagePublisher.stemOf(r.image());
      LabelPng.Decoded d =
          LabelPng.read(
              Files.readAllBytes(p.dir().resolve("masks").resolve(stem + ".png")),
              DecodeLimits.defaults());
      truth.put(stem, d.values());
      int first = r.labels().isEmpty() ? 0 : classes.indexOf(r.labels().get(0));
      ellipse.add(Baselines.centreEllipse(d.width(), d.height(), first), d.values());
    }
    report.ellipse(p.dir(), truth.size(), ellipse);
    LabelledFolder.Written folder =
        new LabelledFolder.Written(
            p.dir().resolve("images"),
            p.dir().resolve("labels.csv"),
            p.dir().resolve("classes.txt"),
            p.dir().resolve("given_masks"),
            truth);
    List<QualitySet> sets = new ArrayList<>();
    String mask = p.settings().get(PipelineConfig.MASK_MODEL_FILE_CONFIG);
    String fused = mask == null ? "" : ", fused with " + Path.of(mask).getFileName();
    if (p.builtIn()) {
      sets.add(
          new QualitySet(
              "photos (built-in" + fused + ")",
              folder,
              Map.of("all", truth),
              classes.size(),
              null,
              DEFAULT_INPUT,
              DEFAULT_INPUT,
              p.builtInSteps(),
              p.settings()));
    }
    if (p.backbone() != null) {
      String size =
          p.labelSize() == p.inputSize()
              ? "" + p.inputSize()
              : p.inputSize() + ", labels at " + p.labelSize();
      sets.add(
          new QualitySet(
              "photos (backbone " + size + fused + (p.check().isEmpty() ? "" : ", checked") + ")",
              folder,
              Map.of("all", truth),
              classes.size(),
              p.backbone(),
              p.inputSize(),
              p.labelSize(),
              p.steps(),
              p.backboneSettings()));
    }
    return sets;
  }

  private static Map<String, byte[]> pick(Map<String, byte[]> truth, List<Sample> samples) {
    Map<String, byte[]> m = new LinkedHashMap<>();
    samples.forEach(s -> m.put(s.id(), truth.get(s.id())));
    return m;
  }
}
