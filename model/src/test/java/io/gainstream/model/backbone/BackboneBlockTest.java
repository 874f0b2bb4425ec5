package io.gainstream.model.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.gainstream.model.onnx.TestBackbones;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A backbone brought as ONNX computes in DJL what ONNX Runtime computes from the same file: the
 * feature map agrees within 1e-4 for a ResNet-like and a MobileNet-like generated classifier.
 */
class BackboneBlockTest {
  private static byte[] backbone(String kind) {
    return kind.equals("resnet") ? TestBackbones.resnetLike(11) : TestBackbones.mobilenetLike(12);
  }

  @ParameterizedTest
  @ValueSource(strings = {"resnet", "mobilenet"})
  void shouldComputeTheFeatureMapOnnxRuntimeComputes(String kind) throws Exception {
    byte[] onnx = backbone(kind);
    OnnxBackbone g = OnnxBackbone.read(onnx);
    assertThat(g.feature()).isEqualTo("feature");
    int n = 2;
    int size = 40;
    float[] x = new float[n * 3 * size * size];
    Random rnd = new Random(5);
    for (int i = 0; i < x.length; i++) {
      x[i] = rnd.nextFloat();
    }
    float[] expected;
    long[] expectedShape;
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession s =
            env.createSession(
                TestBackbones.exposing(onnx, "feature"), new OrtSession.SessionOptions());
        OnnxTensor in =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {n, 3, size, size});
        OrtSession.Result r = s.run(Map.of("input", in))) {
      OnnxTensor f = (OnnxTensor) r.get("feature").orElseThrow();
      expectedShape = f.getInfo().getShape();
      FloatBuffer b = f.getFloatBuffer();
      expected = new float[b.remaining()];
      b.get(expected);
    }
    try (Model model = Model.newInstance("backbone", "PyTorch")) {
      BackboneBlock block = new BackboneBlock(g, Preprocessing.none());
      model.setBlock(block);
      NDManager m = model.getNDManager();
      block.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(n, 3, size, size));
      NDArray out =
          block
              .forward(
                  new ParameterStore(m, false),
                  new NDList(m.create(x, new Shape(n, 3, size, size))),
                  false)
              .head();
      assertThat(out.getShape().getShape()).containsExactly(expectedShape);
      assertThat(block.getOutputShapes(new Shape[] {new Shape(n, 3, size, size)})[0].getShape())
          .containsExactly(expectedShape);
      float[] got = out.toFloatArray();
      double worst = 0;
      for (int i = 0; i < got.length; i++) {
        worst = Math.max(worst, Math.abs(got[i] - expected[i]));
      }
      assertThat(worst).as("max |DJL - ONNX Runtime| over %d values", got.length).isLessThan(1e-4);
      double largest = 0;
      for (float v : expected) {
        largest = Math.max(largest, Math.abs(v));
      }
      assertThat(largest).as("a feature map with content").isGreaterThan(0.1);
    }
  }

  @Test
  void shouldRefuseAnUnsupportedOpNamingItAndItsNode() {
    assertThatThrownBy(() -> OnnxBackbone.read(TestBackbones.withUnsupportedOp()))
        .isInstanceOf(BackboneException.class)
        .hasMessageStartingWith("unsupported op Softplus at node 'softplus_")
        .hasMessageNotContaining("\n");
  }

  @Test
  void shouldRefuseAGraphWithoutASpatialPooling() {
    assertThatThrownBy(() -> OnnxBackbone.read(TestBackbones.withoutPooling()))
        .isInstanceOf(BackboneException.class)
        .hasMessageStartingWith("no global average pooling");
  }

  @Test
  void shouldRefuseAnInputThatIsNotAnImageBatch() {
    assertThatThrownBy(() -> OnnxBackbone.read(TestBackbones.withRank3Input()))
        .isInstanceOf(BackboneException.class)
        .hasMessage("input 'input' has rank 3, expected 4 ([N, 3, H, W])");
  }

  @Test
  void shouldRefuseBytesThatAreNotOnnx() {
    assertThatThrownBy(() -> OnnxBackbone.read("definitely not onnx".getBytes()))
        .isInstanceOf(BackboneException.class)
        .hasMessageStartingWith("not an ONNX model");
  }
}
