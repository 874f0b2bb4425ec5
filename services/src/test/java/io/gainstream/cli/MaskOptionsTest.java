package io.gainstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gainstream.model.onnx.TestClassifiers;
import io.gainstream.topology.PipelineConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** label turns the animal check on only with a mask model and a 1000-class backbone. */
class MaskOptionsTest {
  @TempDir Path tmp;

  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);

  private MaskOptions withMaskModel() {
    MaskOptions o = new MaskOptions();
    o.file = tmp.resolve("mask.onnx");
    return o;
  }

  @Test
  void shouldCheckWithABackboneThatIsAnImagenetClassifier() throws Exception {
    Path backbone = Files.write(tmp.resolve("in1k.onnx"), TestClassifiers.redIsAnimal(32, 1000));
    Map<String, String> sets = new HashMap<>();

    assertThat(withMaskModel().putCheck(sets, backbone, false, out)).isTrue();

    assertThat(sets)
        .containsEntry(PipelineConfig.MASK_CHECK_MODEL_FILE_CONFIG, backbone.toString())
        .containsEntry(PipelineConfig.MASK_CHECK_PREPROCESSING_CONFIG, "none");
    assertThat(console.toString(StandardCharsets.UTF_8))
        .contains("fused labels are checked by the backbone as an ImageNet classifier (in1k.onnx@");
  }

  @Test
  void shouldSayInOneLineWhyABackboneOfOtherClassesDoesNotCheck() throws Exception {
    Path backbone = Files.write(tmp.resolve("ten.onnx"), TestClassifiers.redIsAnimal(32, 10));
    Map<String, String> sets = new HashMap<>();

    assertThat(withMaskModel().putCheck(sets, backbone, true, out)).isFalse();

    assertThat(sets).doesNotContainKey(PipelineConfig.MASK_CHECK_MODEL_FILE_CONFIG);
    assertThat(console.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "fused labels are not checked: the check model ten.onnx gives 10 scores per image;"
                + " it must be an ImageNet-1k classifier (1000)"
                + System.lineSeparator());
  }

  @Test
  void shouldLeaveTheCheckToTheSettingsOrOffWithoutAMaskModel() throws Exception {
    Path backbone = Files.write(tmp.resolve("in1k.onnx"), TestClassifiers.redIsAnimal(32, 1000));
    Map<String, String> off = new HashMap<>();
    off.put(PipelineConfig.MASK_CHECK_MODEL_FILE_CONFIG, "");
    assertThat(withMaskModel().putCheck(off, backbone, true, out)).isFalse();
    assertThat(off).containsEntry(PipelineConfig.MASK_CHECK_MODEL_FILE_CONFIG, "");

    Map<String, String> none = new HashMap<>();
    assertThat(new MaskOptions().putCheck(none, backbone, true, out)).isFalse();
    assertThat(none).isEmpty();
    assertThat(console.size()).as("nothing to say").isZero();
  }
}
