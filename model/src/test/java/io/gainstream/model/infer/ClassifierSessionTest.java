package io.gainstream.model.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gainstream.model.onnx.InvalidModelException;
import io.gainstream.model.onnx.TestClassifiers;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The check model answers how much of its belief is an ImageNet animal, and refuses to be less. */
class ClassifierSessionTest {
  private static byte[] picture(int side, int r, int g, int b) {
    byte[] rgb = new byte[3 * side * side];
    for (int p = 0; p < side * side; p++) {
      rgb[3 * p] = (byte) r;
      rgb[3 * p + 1] = (byte) g;
      rgb[3 * p + 2] = (byte) b;
    }
    return rgb;
  }

  /** Red, blue and ImageNet-mean grey pictures through the tiny red-is-animal classifier. */
  private static void assertRedIsAnimal(ClassifierSession s) {
    float[] shares =
        s.animalShares(
            List.of(picture(32, 255, 0, 0), picture(32, 0, 0, 255), picture(32, 124, 116, 104)));
    assertThat(shares[0]).isGreaterThan(0.99f);
    assertThat(shares[1]).isLessThan(0.01f);
    // the ImageNet mean normalises to zero: every class the same, so 398 of 1000
    assertThat(shares[2]).isCloseTo(0.398f, org.assertj.core.data.Offset.offset(0.01f));
  }

  @Test
  void shouldGiveTheAnimalClassesShareOfTheSoftmax() {
    try (ClassifierSession s =
        new ClassifierSession(
            TestClassifiers.redIsAnimal(32, 1000), "tiny.onnx", true, InferenceOptions.cpu())) {
      assertThat(s.side()).isEqualTo(32);
      assertThat(s.id()).startsWith("tiny.onnx@").hasSize("tiny.onnx@".length() + 12);
      assertRedIsAnimal(s);
    }
  }

  @Test
  void shouldRunAFreeInputAt224AndScalePixelsWhenNotImagenet() {
    try (ClassifierSession s =
        new ClassifierSession(
            TestClassifiers.redIsAnimal(0, 1000), "free.onnx", false, InferenceOptions.cpu())) {
      assertThat(s.side()).isEqualTo(ClassifierSession.DEFAULT_SIDE);
      // pixels in [0, 1]: a red picture is (1, 0, 0), still animal
      float[] shares = s.animalShares(List.of(picture(224, 255, 0, 0)));
      assertThat(shares[0]).isGreaterThan(0.99f);
    }
  }

  @Test
  void shouldRefuseAModelThatIsNoImagenetClassifierInOneLine() {
    assertThatThrownBy(
            () ->
                new ClassifierSession(
                    TestClassifiers.redIsAnimal(32, 10), "ten.onnx", true, InferenceOptions.cpu()))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("ten.onnx gives 10 scores per image")
        .hasMessageContaining("ImageNet-1k")
        .hasMessageNotContaining("\n");
    byte[] junk = new byte[64];
    Arrays.fill(junk, (byte) 7);
    assertThatThrownBy(() -> new ClassifierSession(junk, "junk.onnx", true, InferenceOptions.cpu()))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("junk.onnx")
        .hasMessageNotContaining("\n");
  }

  /** An export that ends in a softmax gives the same shares: its scores are not softmaxed again. */
  @Test
  void shouldReadAnExportThatEndsInASoftmaxAsProbabilities() {
    try (ClassifierSession s =
        new ClassifierSession(
            TestClassifiers.redIsAnimal(32, 1000, true),
            "soft.onnx",
            true,
            InferenceOptions.cpu())) {
      assertRedIsAnimal(s);
    }
  }

  /** What reads as a distribution: logits never do; a quantised softmax a little off 1 does. */
  @Test
  void shouldTellProbabilitiesFromLogits() {
    float[] uniform = new float[1000];
    Arrays.fill(uniform, 0.001f);
    assertThat(ClassifierSession.probabilities(uniform)).isTrue();
    float[] quantised = uniform.clone();
    quantised[0] = 0.0f;
    quantised[1] = 0.0f;
    quantised[2] = 0.0f;
    assertThat(ClassifierSession.probabilities(quantised)).as("sum 0.997").isTrue();
    float[] logits = uniform.clone();
    logits[5] = -0.5f;
    assertThat(ClassifierSession.probabilities(logits)).isFalse();
    float[] scores = new float[1000];
    Arrays.fill(scores, 0.5f);
    assertThat(ClassifierSession.probabilities(scores)).as("sum 500").isFalse();
    // 398 animal classes at 0.002, the rest 0.00066...: the animals' own mass, not their softmax
    float[] animals = new float[1000];
    for (int k = 0; k < 1000; k++) {
      animals[k] = k < 398 ? 0.002f : (1f - 398 * 0.002f) / 602;
    }
    assertThat(ClassifierSession.animalShare(animals, true))
        .isCloseTo(0.796f, org.assertj.core.data.Offset.offset(0.001f));
    assertThat(ClassifierSession.animalShare(animals, false))
        .isCloseTo(0.398f, org.assertj.core.data.Offset.offset(0.001f));
  }
}
