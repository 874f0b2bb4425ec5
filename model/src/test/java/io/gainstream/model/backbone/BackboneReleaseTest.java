package io.gainstream.model.backbone;

import static org.assertj.core.api.Assertions.assertThat;

import io.gainstream.model.infer.AttentionSession;
import io.gainstream.model.infer.InferenceOptions;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.net.Prediction;
import io.gainstream.model.onnx.ModelInfo;
import io.gainstream.model.onnx.OnnxExporter;
import io.gainstream.model.onnx.OnnxImporter;
import io.gainstream.model.onnx.TestBackbones;
import io.gainstream.model.synthetic.SyntheticDataset;
import io.gainstream.model.train.Batch;
import io.gainstream.model.train.Batches;
import io.gainstream.model.train.Example;
import io.gainstream.model.train.GainSettings;
import io.gainstream.model.train.GainTrainer;
import io.gainstream.model.train.Method;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A network on an imported backbone, trained a few steps (GAIN, so the backbone's batch-norm
 * statistics move too), exported as one release graph: ONNX Runtime on the release computes what
 * DJL computes within 1e-4, and a second trainer built on the same backbone file, loaded from the
 * release, predicts the same as the first (training resumes from the release).
 */
class BackboneReleaseTest {
  private static final List<String> CLASSES = List.of("a", "b", "c");

  @ParameterizedTest
  @ValueSource(strings = {"resnet", "mobilenet", "resnet-dilated", "mobilenet-dilated"})
  void shouldExportAReleaseOnnxRuntimeAgreesWithAndResumeFromIt(String kind) {
    byte[] file =
        kind.startsWith("resnet") ? TestBackbones.resnetLike(21) : TestBackbones.mobilenetLike(22);
    OnnxBackbone graph = OnnxBackbone.read(file);
    if (kind.endsWith("dilated")) {
      graph = Dilation.lastStage(graph);
    }
    Backbone backbone = new Backbone(graph, Preprocessing.imagenet());
    NetworkSpec spec = NetworkSpec.forBackbone(48, 3);
    GainSettings settings =
        GainSettings.defaults(Method.GAIN).withSeed(4).withBatchSize(4).withWarmup(2, 0f);
    List<Example> train =
        Batches.fromSynthetic(
            SyntheticDataset.generate(new SyntheticDataset.Spec(3, 48, 12, 0.3, false, 0.9, 6)),
            48,
            0);
    Batch probe = Batches.of(train.subList(0, 4), 3, 48, false);
    byte[] release;
    Prediction djl;
    try (GainTrainer t = new GainTrainer(spec, settings, backbone)) {
      Random rnd = new Random(4);
      for (int i = 0; i < 5; i++) {
        t.step(Batches.sample(train, 4, 3, 48, false, rnd));
      }
      assertThat(t.miningActive()).as("attention mining ran").isTrue();
      // 48 pixels: stride 8 (resnet-like) or 4 (mobilenet-like), halved when dilated
      int stride = (kind.startsWith("resnet") ? 8 : 4) / (kind.endsWith("dilated") ? 2 : 1);
      assertThat(t.network().featureSize()).isEqualTo(48 / stride);
      djl = t.predict(probe.images(), 4);
      release =
          OnnxExporter.export(
              t.network(), new ModelInfo(spec, CLASSES, "gain", 1, t.steps(), true, Map.of()));
    }
    try (AttentionSession ort = new AttentionSession(release, InferenceOptions.cpu())) {
      Prediction p = ort.run(probe.images(), 4);
      assertThat(maxDiff(p.probabilities(), djl.probabilities()))
          .as("probabilities, ORT vs DJL")
          .isLessThan(1e-4);
      assertThat(maxDiff(p.attention(), djl.attention()))
          .as("attention, ORT vs DJL")
          .isLessThan(1e-4);
    }
    try (GainTrainer resumed = new GainTrainer(spec, settings.withSeed(99), backbone)) {
      Prediction fresh = resumed.predict(probe.images(), 4);
      assertThat(maxDiff(fresh.attention(), djl.attention()))
          .as("a fresh head differs before loading")
          .isGreaterThan(1e-3);
      ModelInfo info = OnnxImporter.load(release, resumed.network());
      resumed.resumeAt(info.steps(), info.miningActive());
      Prediction back = resumed.predict(probe.images(), 4);
      assertThat(maxDiff(back.probabilities(), djl.probabilities())).isLessThan(1e-6);
      assertThat(maxDiff(back.attention(), djl.attention())).isLessThan(1e-6);
      assertThat(resumed.steps()).isEqualTo(5);
    }
  }

  /**
   * A release exported at twice the training size is the trained weights on a finer grid: ONNX
   * Runtime on it agrees with DJL on a network built at that size holding the same weights, and a
   * trainer at the training size resumes from it.
   */
  @ParameterizedTest
  @ValueSource(strings = {"resnet", "mobilenet"})
  void shouldLabelAtALargerSizeThanItTrainedAt(String kind) {
    Backbone backbone =
        new Backbone(
            OnnxBackbone.read(
                kind.equals("resnet")
                    ? TestBackbones.resnetLike(31)
                    : TestBackbones.mobilenetLike(32)),
            Preprocessing.imagenet());
    NetworkSpec small = NetworkSpec.forBackbone(32, 3);
    NetworkSpec large = small.withInputSize(64);
    GainSettings settings = GainSettings.defaults(Method.CAM).withSeed(5).withBatchSize(4);
    List<Example> train =
        Batches.fromSynthetic(
            SyntheticDataset.generate(new SyntheticDataset.Spec(3, 32, 8, 0.3, false, 0.9, 7)),
            32,
            0);
    List<Example> big =
        Batches.fromSynthetic(
            SyntheticDataset.generate(new SyntheticDataset.Spec(3, 64, 4, 0.3, false, 0.9, 8)),
            64,
            0);
    Batch probe = Batches.of(big, 3, 64, false);
    byte[] release;
    Prediction djl;
    try (GainTrainer t = new GainTrainer(small, settings, backbone);
        GainTrainer wide = new GainTrainer(large, settings, backbone)) {
      Random rnd = new Random(5);
      for (int i = 0; i < 3; i++) {
        t.step(Batches.sample(train, 4, 3, 32, false, rnd));
      }
      release =
          OnnxExporter.export(
              t.network(), new ModelInfo(large, CLASSES, "cam", 1, t.steps(), false, Map.of()));
      wide.restore(t.snapshot(), wide.alpha());
      assertThat(wide.network().featureSize()).isEqualTo(2 * t.network().featureSize());
      djl = wide.predict(probe.images(), 4);
    }
    try (AttentionSession ort = new AttentionSession(release, InferenceOptions.cpu())) {
      assertThat(ort.info().spec().inputSize()).isEqualTo(64);
      Prediction p = ort.run(probe.images(), 4);
      assertThat(maxDiff(p.probabilities(), djl.probabilities()))
          .as("probabilities at 64, ORT vs DJL")
          .isLessThan(1e-4);
      assertThat(maxDiff(p.attention(), djl.attention()))
          .as("attention at 64, ORT vs DJL")
          .isLessThan(1e-4);
    }
    try (GainTrainer resumed = new GainTrainer(small, settings.withSeed(77), backbone)) {
      assertThat(OnnxImporter.load(release, resumed.network()).steps()).isEqualTo(3);
    }
  }

  /**
   * A release normalised one way does not load into a trainer whose backbone normalises another.
   */
  @org.junit.jupiter.api.Test
  void shouldRefuseAReleaseOfAnotherPreprocessing() {
    OnnxBackbone g = OnnxBackbone.read(TestBackbones.mobilenetLike(33));
    NetworkSpec spec = NetworkSpec.forBackbone(32, 3);
    GainSettings settings = GainSettings.defaults(Method.CAM).withSeed(5).withBatchSize(4);
    byte[] release;
    try (GainTrainer t =
        new GainTrainer(spec, settings, new Backbone(g, Preprocessing.imagenet()))) {
      release =
          OnnxExporter.export(
              t.network(), new ModelInfo(spec, CLASSES, "cam", 1, 0, false, Map.of()));
    }
    try (GainTrainer same =
            new GainTrainer(spec, settings, new Backbone(g, Preprocessing.imagenet()));
        GainTrainer other =
            new GainTrainer(spec, settings, new Backbone(g, Preprocessing.none()))) {
      assertThat(OnnxImporter.load(release, same.network()).version()).isEqualTo(1);
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> OnnxImporter.load(release, other.network()))
          .isInstanceOf(io.gainstream.model.onnx.InvalidModelException.class)
          .hasMessageContaining("normalises its input with mean [0.485");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"all", "last", "none"})
  void shouldTrainOnlyTheLayersItIsToldTo(String mode) {
    Backbone.FineTune fineTune = Backbone.FineTune.fromId(mode);
    OnnxBackbone g = OnnxBackbone.read(TestBackbones.resnetLike(31));
    Backbone backbone = new Backbone(g, Preprocessing.imagenet(), fineTune, 0.1f);
    NetworkSpec spec = NetworkSpec.forBackbone(32, 3);
    List<Example> train =
        Batches.fromSynthetic(
            SyntheticDataset.generate(new SyntheticDataset.Spec(3, 32, 8, 0.3, false, 0.9, 7)),
            32,
            0);
    try (GainTrainer t =
        new GainTrainer(
            spec, GainSettings.defaults(Method.CAM).withSeed(3).withBatchSize(4), backbone)) {
      Random rnd = new Random(3);
      for (int i = 0; i < 3; i++) {
        t.step(Batches.sample(train, 4, 3, 32, false, rnd));
      }
      BackboneBlock b = t.network().backbone();
      List<String> names = List.copyOf(b.weightNames());
      int changed = 0;
      int firstChanged = -1;
      for (int i = 0; i < names.size(); i++) {
        float[] now = b.weight(names.get(i)).getArray().toFloatArray();
        if (maxDiff(now, g.values(names.get(i))) > 0) {
          changed++;
          firstChanged = firstChanged < 0 ? i : firstChanged;
        }
      }
      switch (fineTune) {
        case NONE ->
            assertThat(changed).as("weights or statistics changed in a frozen backbone").isZero();
        case LAST -> {
          assertThat(changed).isPositive();
          assertThat(firstChanged)
              .as("first changed of %d", names.size())
              .isGreaterThanOrEqualTo(names.size() / 2);
        }
        case ALL -> assertThat(firstChanged).as("the first layer trains").isZero();
      }
    }
  }

  private static double maxDiff(float[] a, float[] b) {
    assertThat(a).hasSameSizeAs(b);
    double w = 0;
    for (int i = 0; i < a.length; i++) {
      w = Math.max(w, Math.abs(a[i] - b[i]));
    }
    return w;
  }
}
