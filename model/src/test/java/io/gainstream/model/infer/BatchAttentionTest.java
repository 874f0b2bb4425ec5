package io.gainstream.model.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gainstream.model.image.MapResize;
import io.gainstream.model.labels.FlipFusion;
import io.gainstream.model.labels.TtaScales;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.onnx.ModelInfo;
import io.gainstream.model.onnx.OnnxExporter;
import io.gainstream.model.onnx.ScaledRelease;
import io.gainstream.model.train.GainSettings;
import io.gainstream.model.train.GainTrainer;
import io.gainstream.model.train.Method;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Multi-scale fusion: the batch at another side, its maps brought back, averaged, normalised. */
class BatchAttentionTest {
  private static final int S = 16;

  private static byte[] release() {
    NetworkSpec spec = new NetworkSpec(S, 2, 2, 2);
    try (GainTrainer t = new GainTrainer(spec, GainSettings.defaults(Method.CAM).withSeed(3))) {
      return OnnxExporter.export(
          t.network(), new ModelInfo(spec, List.of("a", "b"), "cam", 1, 0, false, Map.of()));
    }
  }

  @Test
  void shouldAverageTheScalesMapsAtTheReleasesSide() {
    byte[] release = release();
    int z = ScaledRelease.geometry(release).sizeAt(1.5);
    assertThat(z).isEqualTo(24);
    float[] images = new float[2 * 3 * S * S];
    Random rnd = new Random(8);
    for (int i = 0; i < images.length; i++) {
      images[i] = rnd.nextFloat();
    }
    int[][] classes = {{1, 2}, {2}};
    try (AttentionSession base = new AttentionSession(release, InferenceOptions.cpu());
        AttentionSession big =
            new AttentionSession(ScaledRelease.at(release, z), InferenceOptions.cpu())) {
      BatchAttention.Result one = BatchAttention.run(base, images, 2, classes, true);
      BatchAttention.Result same = BatchAttention.run(base, List.of(), images, 2, classes, true);
      assertThat(same.maps()).isDeepEqualTo(one.maps());

      BatchAttention.Result fused =
          BatchAttention.run(base, List.of(big), images, 2, classes, true);
      // the reference, written out: each plane resized to 24², run with its mirror, maps back to
      // 16²
      float[] zImages = new float[2 * 3 * z * z];
      for (int k = 0; k < 6; k++) {
        float[] plane = java.util.Arrays.copyOfRange(images, k * S * S, (k + 1) * S * S);
        System.arraycopy(MapResize.bilinear(plane, S, S, z, z), 0, zImages, k * z * z, z * z);
      }
      var pz = big.run(zImages, 2);
      var pzFlipped = big.run(BatchAttention.mirror(zImages, 2, z), 2);
      for (int i = 0; i < 2; i++) {
        for (int c = 0; c < classes[i].length; c++) {
          int k = classes[i][c];
          float[] atZ = FlipFusion.fuse(pz.map(i, k), pzFlipped.map(i, k), z, z);
          float[] back = MapResize.bilinear(atZ, z, z, S, S);
          float[] want = new float[S * S];
          float lo = Float.MAX_VALUE;
          float hi = -Float.MAX_VALUE;
          for (int p = 0; p < want.length; p++) {
            want[p] = one.maps()[i][c][p] + back[p];
            lo = Math.min(lo, want[p]);
            hi = Math.max(hi, want[p]);
          }
          float[] got = fused.maps()[i][c];
          for (int p = 0; p < want.length; p++) {
            assertThat(got[p])
                .isCloseTo(
                    (want[p] - lo) / (hi - lo + 1e-5f), org.assertj.core.data.Offset.offset(1e-5f));
          }
          assertThat(got).contains(0f);
          assertThat(max(got)).isGreaterThan(0.999f);
        }
      }
      // scores stay the release's own side's
      assertThat(fused.prediction().probabilities()).isEqualTo(one.prediction().probabilities());
    }
  }

  @Test
  void shouldParseAndCheckScales() {
    assertThat(TtaScales.parse("1, 1.5").values()).containsExactly(1.0, 1.5);
    assertThat(TtaScales.parse("0.5,1,2").others()).containsExactly(0.5, 2.0);
    assertThat(TtaScales.parse("1,1.5").encode()).isEqualTo("1,1.5");
    assertThat(TtaScales.single().isSingle()).isTrue();
    assertThatThrownBy(() -> TtaScales.parse("1.5,2")).hasMessageContaining("must include 1");
    assertThatThrownBy(() -> TtaScales.parse("1,9")).hasMessageContaining("[0.25, 4.0]");
    assertThatThrownBy(() -> TtaScales.parse("1,x"))
        .hasMessageContaining("comma-separated numbers");
    assertThatThrownBy(() -> TtaScales.parse("1,1")).hasMessageContaining("repeat");
  }

  private static float max(float[] m) {
    float v = -Float.MAX_VALUE;
    for (float x : m) {
      v = Math.max(v, x);
    }
    return v;
  }
}
