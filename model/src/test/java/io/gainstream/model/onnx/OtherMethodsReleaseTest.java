package io.gainstream.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gainstream.model.backbone.Backbone;
import io.gainstream.model.backbone.OnnxBackbone;
import io.gainstream.model.backbone.Preprocessing;
import io.gainstream.model.infer.AttentionSession;
import io.gainstream.model.infer.InferenceOptions;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.net.Prediction;
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
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The seeds' other two methods ({@code abn}, {@code seenet}) release one ONNX graph with today's
 * outputs: ONNX Runtime computes on it what DJL computes (within 1e-4), on the built-in network and
 * on an imported backbone, and a fresh trainer loaded from it predicts the same (training resumes
 * from a release). A release does not load into a trainer of another head.
 */
class OtherMethodsReleaseTest {
  private static final NetworkSpec SPEC = new NetworkSpec(32, 8, 3, 3);
  private static final List<String> CLASSES = SyntheticDataset.classNames(3);
  private static final List<Example> DATA =
      Batches.fromSynthetic(
          SyntheticDataset.generate(new SyntheticDataset.Spec(3, 32, 48, 0.4, false, 0.9, 31)),
          32,
          0);

  @ParameterizedTest
  @CsvSource({
    "abn, built-in, SeeNet",
    "abn, mobilenet, SeeNet",
    "seenet, built-in, ABN",
    "seenet, mobilenet, ABN",
    "seenet, resnet, ABN"
  })
  void shouldExportAReleaseOnnxRuntimeAgreesWithAndResumeFromIt(
      String method, String kind, String other) {
    Method m = Method.fromId(method);
    Backbone backbone =
        switch (kind) {
          case "mobilenet" ->
              new Backbone(
                  OnnxBackbone.read(TestBackbones.mobilenetLike(41)), Preprocessing.imagenet());
          case "resnet" ->
              new Backbone(
                  OnnxBackbone.read(TestBackbones.resnetLike(42)), Preprocessing.imagenet());
          default -> null;
        };
    NetworkSpec spec = backbone == null ? SPEC : NetworkSpec.forBackbone(32, 3);
    GainSettings settings = GainSettings.defaults(m).withSeed(6).withBatchSize(4);
    Batch probe = Batches.of(DATA.subList(0, 6), 3, 32, false);
    byte[] release;
    Prediction djl;
    try (GainTrainer t = new GainTrainer(spec, settings, backbone)) {
      Random rnd = new Random(6);
      for (int i = 0; i < 8; i++) {
        t.step(Batches.sample(DATA, 4, 3, 32, false, rnd));
      }
      djl = t.predict(probe.images(), 6);
      release =
          OnnxExporter.export(
              t.network(), new ModelInfo(spec, CLASSES, method, 1, t.steps(), false, Map.of()));
    }
    try (AttentionSession ort = new AttentionSession(release, InferenceOptions.cpu())) {
      Prediction p = ort.run(probe.images(), 6);
      assertThat(OnnxRoundTripTest.maxAbsDiff(p.probabilities(), djl.probabilities()))
          .isLessThan(1e-4f);
      assertThat(OnnxRoundTripTest.maxAbsDiff(p.attention(), djl.attention())).isLessThan(1e-4f);
    }
    try (GainTrainer resumed = new GainTrainer(spec, settings.withSeed(77), backbone)) {
      assertThat(
              OnnxRoundTripTest.maxAbsDiff(
                  resumed.predict(probe.images(), 6).probabilities(), djl.probabilities()))
          .as("a fresh network differs before loading")
          .isGreaterThan(1e-3f);
      ModelInfo info = OnnxImporter.load(release, resumed.network());
      resumed.resumeAt(info.steps(), info.miningActive());
      Prediction back = resumed.predict(probe.images(), 6);
      assertThat(OnnxRoundTripTest.maxAbsDiff(back.probabilities(), djl.probabilities()))
          .isLessThan(1e-6f);
      assertThat(OnnxRoundTripTest.maxAbsDiff(back.attention(), djl.attention())).isLessThan(1e-6f);
      assertThat(info.method()).isEqualTo(method);
      assertThat(resumed.steps()).isEqualTo(8);
    }
    for (Method wrong : new Method[] {Method.GAIN, Method.fromId(other.toLowerCase())}) {
      try (GainTrainer t = new GainTrainer(spec, GainSettings.defaults(wrong), backbone)) {
        assertThatThrownBy(() -> OnnxImporter.load(release, t.network()))
            .isInstanceOf(InvalidModelException.class)
            .hasMessageStartingWith("the release (" + method + ") has ")
            .hasMessageContaining("train it on with a method of the same head");
      }
    }
  }
}
