package io.gainstream.model.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gainstream.model.onnx.InvalidModelException;
import io.gainstream.model.onnx.TestBackbones;
import io.gainstream.model.onnx.TestMaskModels;
import java.util.List;
import org.junit.jupiter.api.Test;

class MaskSessionTest {
  /** A square image, bright in its left half, dark in its right. */
  private static byte[] halfBright(int size) {
    byte[] rgb = new byte[3 * size * size];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size / 2; x++) {
        for (int c = 0; c < 3; c++) {
          rgb[3 * (y * size + x) + c] = (byte) 250;
        }
      }
    }
    return rgb;
  }

  @Test
  void shouldReadTheInputSizeFromTheGraphAndFetchOnlyTheProbability() {
    try (MaskSession s =
        new MaskSession(
            TestMaskModels.brightIsForeground(16),
            "tiny.onnx",
            MaskSession.Options.defaults(),
            InferenceOptions.cpu())) {
      assertThat(s.inputSize()).isEqualTo(16);
      assertThat(s.id()).matches("tiny\\.onnx@[0-9a-f]{12}");
      List<float[]> p = s.foreground(List.of(halfBright(16), new byte[3 * 256]));
      assertThat(p).hasSize(2);
      assertThat(p.get(0)[5 * 16 + 2]).as("bright").isGreaterThan(0.9f);
      assertThat(p.get(0)[5 * 16 + 12]).as("dark").isLessThan(0.1f);
      float max = 0;
      for (float v : p.get(1)) {
        max = Math.max(max, v);
      }
      assertThat(max).as("a black image").isLessThan(0.1f);
    }
  }

  @Test
  void shouldRunAtAnotherSizeThanTheGraphDeclares() {
    try (MaskSession s =
        new MaskSession(
            TestMaskModels.brightIsForeground(16),
            "tiny.onnx",
            MaskSession.Options.defaults().withInputSize(24),
            InferenceOptions.cpu())) {
      assertThat(s.inputSize()).isEqualTo(24);
      float[] p = s.foreground(List.of(halfBright(24))).get(0);
      assertThat(p).hasSize(24 * 24);
      assertThat(p[3 * 24 + 1]).isGreaterThan(0.9f);
      assertThat(p[3 * 24 + 20]).isLessThan(0.1f);
    }
  }

  @Test
  void shouldRefuseASizeTheGraphCannotRunAtInOneLine() {
    assertThatThrownBy(
            () ->
                new MaskSession(
                    TestMaskModels.fixedInside(16),
                    "fixed.onnx",
                    MaskSession.Options.defaults().withInputSize(24),
                    InferenceOptions.cpu()))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageStartingWith("the mask model does not run at 24 (its graph declares 16): ")
        .hasMessageNotContaining("\n");
    try (MaskSession own =
        new MaskSession(
            TestMaskModels.fixedInside(16),
            "fixed.onnx",
            MaskSession.Options.defaults(),
            InferenceOptions.cpu())) {
      assertThat(own.inputSize()).isEqualTo(16);
    }
  }

  @Test
  void shouldRefuseFilesThatAreNoForegroundModelInOneLine() {
    assertThatThrownBy(
            () ->
                new MaskSession(
                    "not onnx at all".getBytes(),
                    "x.onnx",
                    MaskSession.Options.defaults(),
                    InferenceOptions.cpu()))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageStartingWith("not an ONNX model")
        .hasMessageNotContaining("\n");
    assertThatThrownBy(
            () ->
                new MaskSession(
                    TestMaskModels.twoChannels(16),
                    "two.onnx",
                    MaskSession.Options.defaults(),
                    InferenceOptions.cpu()))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("one channel")
        .hasMessageContaining("[1, 2, 16, 16]");
    assertThatThrownBy(
            () ->
                new MaskSession(
                    TestMaskModels.brightIsForeground(0),
                    "free.onnx",
                    MaskSession.Options.defaults(),
                    InferenceOptions.cpu()))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("input size free");
    assertThatThrownBy(
            () ->
                new MaskSession(
                    TestBackbones.resnetLike(1),
                    "classifier.onnx",
                    MaskSession.Options.defaults().withInputSize(32),
                    InferenceOptions.cpu()))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("no output named 'output'");
  }
}
