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
import io.gainstream.model.train.GainSettings;
import io.gainstream.model.train.GainTrainer;
import io.gainstream.model.train.Method;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A release rewritten for another side computes what the exporter writes for that side, whatever
 * its head (multi-scale fusion runs every method's release this way).
 */
class ScaledReleaseTest {
  private static final List<String> CLASSES = List.of("a", "b", "c");

  @ParameterizedTest
  @CsvSource({
    "built-in, cam",
    "resnet, cam",
    "mobilenet, cam",
    "built-in, abn",
    "resnet, abn",
    "built-in, seenet",
    "mobilenet, seenet"
  })
  void shouldEqualTheExportAtTheOtherSide(String kind, String method) {
    Backbone backbone =
        switch (kind) {
          case "resnet" ->
              new Backbone(
                  OnnxBackbone.read(TestBackbones.resnetLike(31)), Preprocessing.imagenet());
          case "mobilenet" ->
              new Backbone(
                  OnnxBackbone.read(TestBackbones.mobilenetLike(32)), Preprocessing.imagenet());
          default -> null;
        };
    NetworkSpec spec =
        backbone == null ? new NetworkSpec(32, 4, 3, 3) : NetworkSpec.forBackbone(32, 3);
    byte[] release;
    byte[] exported;
    int stride;
    try (GainTrainer t =
        new GainTrainer(spec, GainSettings.defaults(Method.fromId(method)).withSeed(9), backbone)) {
      stride = 32 / t.network().featureSize();
      int other = 32 + 2 * stride;
      release =
          OnnxExporter.export(
              t.network(),
              new ModelInfo(spec, CLASSES, method, 3, 7, false, Map.of("refine", "crf")));
      exported =
          OnnxExporter.export(
              t.network(),
              new ModelInfo(
                  spec.withInputSize(other),
                  CLASSES,
                  method,
                  3,
                  7,
                  false,
                  Map.of("refine", "crf")));
    }
    ScaledRelease.Geometry geo = ScaledRelease.geometry(release);
    assertThat(geo.inputSize()).isEqualTo(32);
    assertThat(geo.stride()).isEqualTo(stride);
    int other = 32 + 2 * stride;
    byte[] scaled = ScaledRelease.at(release, other);
    assertThat(OnnxImporter.readInfo(scaled)).isEqualTo(OnnxImporter.readInfo(exported));
    float[] images = new float[2 * 3 * other * other];
    Random rnd = new Random(4);
    for (int i = 0; i < images.length; i++) {
      images[i] = rnd.nextFloat();
    }
    try (AttentionSession a = new AttentionSession(scaled, InferenceOptions.cpu());
        AttentionSession b = new AttentionSession(exported, InferenceOptions.cpu())) {
      assertThat(a.info().spec().inputSize()).isEqualTo(other);
      Prediction pa = a.run(images, 2);
      Prediction pb = b.run(images, 2);
      assertThat(maxDiff(pa.probabilities(), pb.probabilities())).isLessThan(1e-6);
      assertThat(maxDiff(pa.attention(), pb.attention())).isLessThan(1e-6);
    }
    // the same side is the release itself; a side off the stride is refused
    assertThat(ScaledRelease.at(release, 32)).isSameAs(release);
    if (stride > 1) {
      assertThatThrownBy(() -> ScaledRelease.at(release, 32 + 1))
          .hasMessageContaining("multiple of the release's stride " + stride);
    }
    assertThat(geo.sizeAt(1.5)).isEqualTo((int) Math.round(1.5 * 32 / stride) * stride);
    assertThat(geo.sizeAt(0.01)).isEqualTo(stride);
  }

  @org.junit.jupiter.api.Test
  void shouldRefuseBytesThatAreNotARelease() {
    assertThatThrownBy(() -> ScaledRelease.geometry(new byte[] {1, 2, 3}))
        .isInstanceOf(InvalidModelException.class);
    assertThatThrownBy(() -> ScaledRelease.at(TestBackbones.resnetLike(31), 64))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("not a gainstream export");
  }

  private static double maxDiff(float[] a, float[] b) {
    assertThat(a).hasSameSizeAs(b);
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      d = Math.max(d, Math.abs(a[i] - b[i]));
    }
    return d;
  }
}
