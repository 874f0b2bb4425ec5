package io.gainstream.bench.model;

import io.gainstream.model.infer.AttentionSession;
import io.gainstream.model.infer.BatchAttention;
import io.gainstream.model.infer.InferenceOptions;
import io.gainstream.model.labels.ConfusionMatrix;
import io.gainstream.model.labels.ImageLabeler;
import io.gainstream.model.labels.TtaScales;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.onnx.ModelInfo;
import io.gainstream.model.onnx.OnnxExporter;
import io.gainstream.model.release.LabelPath;
import io.gainstream.model.release.LabelRecipe;
import io.gainstream.model.synthetic.SyntheticDataset.Sample;
import io.gainstream.model.train.Batches;
import io.gainstream.model.train.Example;
import io.gainstream.model.train.GainSettings;
import io.gainstream.model.train.GainTrainer;
import io.gainstream.model.train.Method;
import io.gainstream.model.train.Metrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.LongConsumer;

/**
 * Measures label quality with the pipeline's own functions, without Kafka: train on a set with the
 * trainer's code, export, run ONNX Runtime with flip fusion as the attention stage does, threshold
 * as the threshold stage does, and score against the exact masks.
 */
public final class QualityHarness {
  /** Images labelled and scored under one name. */
  public record Split(String name, List<Sample> samples) {}

  /**
   * A benchmark set.
   *
   * @param train the images the model trains on (and that are labelled, as in WSSS)
   * @param splits named image sets to label and score (usually the training images, plus others)
   * @param pixelLabelled the first this-many training images carry pixel labels (gain-ext)
   */
  public record Setup(
      String set,
      List<String> classes,
      List<Sample> train,
      List<Split> splits,
      int pixelLabelled) {}

  /** Scores of one method on one split. */
  public record Row(
      String set,
      String split,
      String method,
      ImageLabeler.Settings labels,
      double miou,
      double fgMiou,
      double labelledMiou,
      double labelledFgMiou,
      double ignored,
      double accuracy) {}

  private QualityHarness() {}

  public static List<Row> run(
      Setup setup,
      NetworkSpec spec,
      GainSettings settings,
      int steps,
      List<ImageLabeler.Settings> labels,
      boolean flip,
      LongConsumer onStep) {
    int s = spec.inputSize();
    int c = spec.numClasses();
    boolean masks = settings.method() == Method.GAIN_EXT;
    List<Example> train =
        Batches.fromSynthetic(setup.train(), s, masks ? setup.pixelLabelled() : 0);
    byte[] onnx;
    try (GainTrainer t = new GainTrainer(spec, settings)) {
      Random rnd = new Random(settings.seed());
      for (int i = 0; i < steps; i++) {
        t.step(Batches.sample(train, settings.batchSize(), c, s, masks, rnd));
        onStep.accept(t.steps());
      }
      onnx =
          OnnxExporter.export(
              t.network(),
              new ModelInfo(
                  spec,
                  setup.classes(),
                  settings.method().id(),
                  1,
                  t.steps(),
                  t.miningActive(),
                  Map.of()));
    }
    List<Row> rows = new ArrayList<>();
    // one labelling path per label setting, as a release whose recipe names those settings
    List<LabelPath> paths =
        labels.stream()
            .map(
                l ->
                    new LabelPath(
                        new LabelRecipe(
                            settings.method().id(),
                            s,
                            setup.classes(),
                            l.thresholds(),
                            l.refine(),
                            TtaScales.single(),
                            flip),
                        l))
            .toList();
    try (AttentionSession session = new AttentionSession(onnx, InferenceOptions.cpu())) {
      for (Split split : setup.splits()) {
        List<ConfusionMatrix> ms = new ArrayList<>();
        paths.forEach(l -> ms.add(new ConfusionMatrix(c)));
        int right = 0;
        List<Sample> all = split.samples();
        for (int from = 0; from < all.size(); from += 32) {
          List<Sample> chunk = all.subList(from, Math.min(all.size(), from + 32));
          int n = chunk.size();
          float[] truth = new float[n * c];
          int[][] classes = new int[n][];
          List<LabelPath.Input> inputs = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            inputs.add(LabelPath.prepare(chunk.get(i).image(), s));
            classes[i] = chunk.get(i).classes();
            for (int k : classes[i]) {
              truth[i * c + k - 1] = 1f;
            }
          }
          BatchAttention.Result r =
              paths.get(0).attend(session, List.of(), paths.get(0).batch(inputs), n, classes);
          right +=
              Math.round(Metrics.exactMatch(r.prediction().probabilities(), truth, n, c, 0.5f) * n);
          for (int i = 0; i < n; i++) {
            Sample x = chunk.get(i);
            int w = x.image().getWidth();
            int h = x.image().getHeight();
            for (int j = 0; j < paths.size(); j++) {
              ms.get(j)
                  .add(
                      paths.get(j).label(r.maps()[i], classes[i], w, h, null).classMap(), x.mask());
            }
          }
        }
        for (int j = 0; j < paths.size(); j++) {
          ConfusionMatrix m = ms.get(j);
          rows.add(
              new Row(
                  setup.set(),
                  split.name(),
                  settings.method().id(),
                  labels.get(j),
                  m.strictMeanIou(),
                  m.strictForegroundMeanIou(),
                  m.meanIou(),
                  m.foregroundMeanIou(),
                  m.ignoredShare(),
                  (double) right / all.size()));
        }
      }
    }
    return rows;
  }
}
