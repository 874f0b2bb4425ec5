package io.gainstream.bench;

import io.gainstream.bench.model.UntrainedRelease;
import io.gainstream.model.backbone.Backbone;
import io.gainstream.model.image.ImageBytes;
import io.gainstream.model.labels.TtaScales;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.synthetic.SyntheticDataset;
import io.gainstream.model.train.GainSettings;
import io.gainstream.model.train.Method;
import io.gainstream.topology.PipelineConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A model under test and its images, the fixture of every throughput measurement: how one is made
 * (random, seeded weights exported to ONNX and a synthetic image set), its variants (refined,
 * re-labelling off, other scales, a mask model fused in) and the pipeline config a run on it uses.
 *
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
   * gainstream.mask.*} settings): the pipeline's columns include the mask model, the bare model and
   * the plain loop do not.
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

  /** Builds a subject: random (seeded) weights exported to ONNX and a synthetic image set. */
  static Subject of(String name, NetworkSpec spec, int imageSize, int images) {
    return of(name, spec, null, imageSize, images, "png");
  }

  /**
   * As {@link #of(String, NetworkSpec, int, int)}, on an imported backbone when one is given, with
   * the images encoded in {@code format} (png, or jpeg at ImageIO's default quality).
   */
  static Subject of(
      String name, NetworkSpec spec, Backbone backbone, int imageSize, int images, String format) {
    byte[] onnx =
        UntrainedRelease.export(spec, GainSettings.defaults(Method.CAM).withSeed(11), backbone);
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
