package io.gainstream.model.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.net.Prediction;
import io.gainstream.model.onnx.ModelInfo;
import io.gainstream.model.onnx.OnnxExporter;
import io.gainstream.model.train.GainSettings;
import io.gainstream.model.train.GainTrainer;
import io.gainstream.model.train.Method;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The session's provider choice and its argument checks. */
class AttentionSessionTest {
  private static byte[] model() {
    NetworkSpec spec = new NetworkSpec(16, 2, 2, 2);
    try (GainTrainer t = new GainTrainer(spec, GainSettings.defaults(Method.CAM))) {
      return OnnxExporter.export(
          t.network(), new ModelInfo(spec, List.of("a", "b"), "cam", 1, 0, false, Map.of()));
    }
  }

  @Test
  void shouldFallBackToCpuWhenCudaIsMissingAndStillRun() {
    // this machine has no GPU (and the default build has no CUDA provider): the session must run on
    // CPU
    try (AttentionSession s =
        new AttentionSession(model(), new InferenceOptions(InferenceOptions.CUDA, 1, 1, 0))) {
      assertThat(s.provider()).isEqualTo(InferenceOptions.CPU);
      Prediction p = s.run(new float[2 * 3 * 16 * 16], 2);
      assertThat(p.probabilities()).hasSize(4);
    }
  }

  @Test
  void shouldRejectAnUnknownProviderAndABatchOfTheWrongSize() {
    assertThatThrownBy(() -> new InferenceOptions("tpu", 0, 0, 0))
        .hasMessageContaining("expected cpu or cuda");
    try (AttentionSession s = new AttentionSession(model(), InferenceOptions.cpu())) {
      assertThatThrownBy(() -> s.run(new float[10], 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("3x16x16");
    }
  }
}
