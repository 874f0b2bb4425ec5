package io.gainstream.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * After a short GAIN run (attention mining on), the DJL network, its ONNX export under ONNX
 * Runtime, and the export imported back into a fresh DJL network all compute the same scores and
 * attention maps.
 */
class OnnxRoundTripTest {
  private static final NetworkSpec SPEC = new NetworkSpec(32, 8, 3, 3);
  private static final List<String> CLASSES = SyntheticDataset.classNames(3);

  private static byte[] onnx;
  private static Prediction djl;
  private static Batch probe;

  @BeforeAll
  static void trainShortRunAndExport() {
    SyntheticDataset.Spec data = new SyntheticDataset.Spec(3, 32, 120, 0.4, false, 0.9, 5);
    List<Example> examples = Batches.fromSynthetic(SyntheticDataset.generate(data), 32, 0);
    probe = Batches.of(examples.subList(0, 10), 3, 32, false);
    GainSettings settings = GainSettings.defaults(Method.GAIN).withWarmup(10, 0f).withBatchSize(8);
    try (GainTrainer trainer = new GainTrainer(SPEC, settings)) {
      Random rnd = new Random(1);
      for (int i = 0; i < 30; i++) {
        trainer.step(Batches.sample(examples, 8, 3, 32, false, rnd));
      }
      assertThat(trainer.miningActive()).as("attention mining switched on").isTrue();
      djl = trainer.predict(probe.images(), probe.size());
      onnx =
          OnnxExporter.export(
              trainer.network(),
              new ModelInfo(
                  SPEC, CLASSES, "gain", 3, trainer.steps(), true, Map.of("loss", "0.5")));
    }
  }

  @Test
  void shouldAgreeBetweenDjlAndOnnxRuntime() {
    try (AttentionSession session = new AttentionSession(onnx, InferenceOptions.cpu())) {
      Prediction ort = session.run(probe.images(), probe.size());
      assertThat(maxAbsDiff(djl.probabilities(), ort.probabilities())).isLessThanOrEqualTo(1e-4f);
      assertThat(maxAbsDiff(djl.attention(), ort.attention())).isLessThanOrEqualTo(1e-4f);
      assertThat(ort.attention()).hasSize(10 * 3 * 32 * 32);
      // the maps are normalised per image and class: each spans [0, 1]
      for (int i = 0; i < 10; i++) {
        for (int k = 1; k <= 3; k++) {
          float[] m = ort.map(i, k);
          float max = 0;
          float min = 1;
          for (float v : m) {
            max = Math.max(max, v);
            min = Math.min(min, v);
          }
          assertThat(min).isGreaterThanOrEqualTo(0f);
          assertThat(max).isLessThanOrEqualTo(1f);
        }
      }
    }
  }

  @Test
  void shouldReproduceOutputsAfterImportIntoFreshNetwork() {
    ModelInfo info = OnnxImporter.readInfo(onnx);
    assertThat(info.spec()).isEqualTo(SPEC);
    assertThat(info.classes()).isEqualTo(CLASSES);
    assertThat(info.version()).isEqualTo(3);
    assertThat(info.steps()).isEqualTo(30);
    assertThat(info.extra()).containsEntry("loss", "0.5");
    GainSettings other = GainSettings.defaults(Method.GAIN).withSeed(999);
    try (GainTrainer fresh = new GainTrainer(SPEC, other)) {
      Prediction before = fresh.predict(probe.images(), probe.size());
      assertThat(maxAbsDiff(before.probabilities(), djl.probabilities())).isGreaterThan(1e-3f);
      OnnxImporter.load(onnx, fresh.network());
      Prediction after = fresh.predict(probe.images(), probe.size());
      assertThat(maxAbsDiff(after.probabilities(), djl.probabilities())).isLessThanOrEqualTo(1e-6f);
      assertThat(maxAbsDiff(after.attention(), djl.attention())).isLessThanOrEqualTo(1e-6f);
    }
  }

  @Test
  void shouldRejectBytesThatAreNoGainstreamModel() {
    assertThatThrownBy(() -> OnnxImporter.readInfo(new byte[] {1, 2, 3, 4, 5}))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("ONNX");
    assertThatThrownBy(() -> OnnxImporter.readInfo(new byte[0]))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void shouldRefuseImportIntoNetworkOfOtherShape() {
    try (GainTrainer wider =
        new GainTrainer(new NetworkSpec(32, 16, 3, 3), GainSettings.defaults(Method.CAM))) {
      assertThatThrownBy(() -> OnnxImporter.load(onnx, wider.network()))
          .isInstanceOf(InvalidModelException.class)
          .hasMessageContaining("does not match");
    }
  }

  static float maxAbsDiff(float[] a, float[] b) {
    assertThat(a).hasSameSizeAs(b);
    float d = 0;
    for (int i = 0; i < a.length; i++) {
      d = Math.max(d, Math.abs(a[i] - b[i]));
    }
    return d;
  }
}
