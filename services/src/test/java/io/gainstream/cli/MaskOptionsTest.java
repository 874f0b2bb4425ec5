package io.gainstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.onnx.TestClassifiers;
import io.gainstream.services.io.LabelsCsv;
import io.gainstream.topology.PipelineConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * label turns the animal check on only with a mask model and a 1000-class backbone, for the classes
 * whose single-label photos that backbone sees as animals (to the tiny classifier: red ones).
 */
class MaskOptionsTest {
  @TempDir Path tmp;

  private static final List<String> CLASSES = List.of("dog", "person");
  private static final DecodeLimits LIMITS = DecodeLimits.defaults();

  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);

  private MaskOptions withMaskModel() {
    MaskOptions o = new MaskOptions();
    o.file = tmp.resolve("mask.onnx");
    return o;
  }

  /** Three red photos of "dog", three blue of "person", one of both, one that is no image. */
  private List<LabelsCsv.Row> folder(boolean redDogs) throws Exception {
    Files.createDirectories(tmp.resolve("images"));
    List<LabelsCsv.Row> rows = new ArrayList<>();
    int line = 2;
    for (int i = 0; i < 3; i++) {
      rows.add(
          new LabelsCsv.Row(line++, photo("d" + i, redDogs ? 0xff0000 : 0x0000ff), List.of("dog")));
      rows.add(new LabelsCsv.Row(line++, photo("p" + i, 0x0000ff), List.of("person")));
    }
    rows.add(new LabelsCsv.Row(line++, photo("both", 0xff0000), List.of("dog", "person")));
    // a class not in the list, and a path outside the folder: not published, not judged
    for (int i = 0; i < 3; i++) {
      rows.add(new LabelsCsv.Row(line++, photo("c" + i, 0xff0000), List.of("cat")));
    }
    Files.copy(
        tmp.resolve("images").resolve("c0.png"),
        tmp.resolve("outside.png"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    rows.add(new LabelsCsv.Row(line++, "../outside.png", List.of("person")));
    Files.writeString(tmp.resolve("images").resolve("bad.png"), "not an image");
    rows.add(new LabelsCsv.Row(line, "bad.png", List.of("person")));
    return rows;
  }

  private String photo(String name, int rgb) throws Exception {
    BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < 30; y++) {
      for (int x = 0; x < 40; x++) {
        img.setRGB(x, y, rgb);
      }
    }
    ImageIO.write(img, "png", tmp.resolve("images").resolve(name + ".png").toFile());
    return name + ".png";
  }

  private String console() {
    return console.toString(StandardCharsets.UTF_8);
  }

  @Test
  void shouldCheckTheClassesWhosePhotosTheImagenetBackboneSeesAsAnimals() throws Exception {
    Path backbone = Files.write(tmp.resolve("in1k.onnx"), TestClassifiers.redIsAnimal(32, 1000));
    Map<String, String> sets = new HashMap<>();

    assertThat(
            withMaskModel()
                .putCheck(
                    sets,
                    backbone,
                    true,
                    tmp.resolve("images"),
                    folder(true),
                    CLASSES,
                    LIMITS,
                    out))
        .isTrue();

    assertThat(sets)
        .containsEntry(PipelineConfig.MASK_CHECK_MODEL_FILE_CONFIG, backbone.toString())
        .containsEntry(PipelineConfig.MASK_CHECK_PREPROCESSING_CONFIG, "imagenet")
        .containsEntry(PipelineConfig.MASK_CHECK_CLASSES_CONFIG, "dog");
    // the two-label photo, the one that does not decode, the cats and the path outside say nothing
    assertThat(console())
        .contains("fused labels are checked by the backbone as an ImageNet classifier (in1k.onnx@")
        .contains(
            "animal classes [dog] (single-label photos showing an animal: dog 3 of 3, person 0 of 3)");
  }

  @Test
  void shouldSayInOneLineWhyTheCheckIsOff() throws Exception {
    Path ten = Files.write(tmp.resolve("ten.onnx"), TestClassifiers.redIsAnimal(32, 10));
    Map<String, String> sets = new HashMap<>();
    assertThat(
            withMaskModel()
                .putCheck(
                    sets, ten, true, tmp.resolve("images"), folder(true), CLASSES, LIMITS, out))
        .isFalse();
    assertThat(sets).doesNotContainKey(PipelineConfig.MASK_CHECK_MODEL_FILE_CONFIG);
    assertThat(console())
        .isEqualTo(
            "fused labels are not checked: the check model ten.onnx gives 10 scores per image;"
                + " it must be an ImageNet-1k classifier (1000)"
                + System.lineSeparator());

    console.reset();
    Path in1k = Files.write(tmp.resolve("in1k.onnx"), TestClassifiers.redIsAnimal(32, 1000));
    assertThat(
            withMaskModel()
                .putCheck(
                    sets, in1k, true, tmp.resolve("images"), folder(false), CLASSES, LIMITS, out))
        .isFalse();
    assertThat(sets).doesNotContainKey(PipelineConfig.MASK_CHECK_MODEL_FILE_CONFIG);
    assertThat(console())
        .isEqualTo(
            "fused labels are not checked: no class is an animal on its single-label photos"
                + " (dog 0 of 3, person 0 of 3)"
                + System.lineSeparator());

    // the pipeline's decode limits hold here too: photos of 1 200 pixels over a 1 000 limit
    console.reset();
    assertThat(
            withMaskModel()
                .putCheck(
                    sets,
                    in1k,
                    true,
                    tmp.resolve("images"),
                    folder(true),
                    CLASSES,
                    new DecodeLimits(LIMITS.maxBytes(), 1000),
                    out))
        .isFalse();
    assertThat(console())
        .isEqualTo(
            "fused labels are not checked: no class is an animal on its single-label photos"
                + " (none of its 7 photos with one label decodes within the image limits)"
                + System.lineSeparator());

    // a folder whose every photo has two labels says nothing about either class
    console.reset();
    List<LabelsCsv.Row> twoLabels =
        folder(true).stream().filter(r -> r.labels().size() == 2).toList();
    assertThat(twoLabels).isNotEmpty();
    assertThat(
            withMaskModel()
                .putCheck(sets, in1k, true, tmp.resolve("images"), twoLabels, CLASSES, LIMITS, out))
        .isFalse();
    assertThat(console())
        .isEqualTo(
            "fused labels are not checked: no class is an animal on its single-label photos"
                + " (no photo has exactly one listed label)"
                + System.lineSeparator());
  }

  @Test
  void shouldLeaveTheCheckToTheSettingsOrOffWithoutAMaskModel() throws Exception {
    Path backbone = Files.write(tmp.resolve("in1k.onnx"), TestClassifiers.redIsAnimal(32, 1000));
    List<LabelsCsv.Row> rows = folder(true);
    Map<String, String> off = new HashMap<>();
    off.put(PipelineConfig.MASK_CHECK_MODEL_FILE_CONFIG, "");
    assertThat(
            withMaskModel()
                .putCheck(off, backbone, true, tmp.resolve("images"), rows, CLASSES, LIMITS, out))
        .isFalse();
    assertThat(off).containsOnlyKeys(PipelineConfig.MASK_CHECK_MODEL_FILE_CONFIG);

    Map<String, String> none = new HashMap<>();
    assertThat(
            new MaskOptions()
                .putCheck(none, backbone, true, tmp.resolve("images"), rows, CLASSES, LIMITS, out))
        .isFalse();
    assertThat(none).isEmpty();
    assertThat(console.size()).as("nothing to say").isZero();
  }
}
