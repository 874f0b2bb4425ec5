package io.gainstream.topology.internals;

import static org.assertj.core.api.Assertions.assertThat;

import io.gainstream.model.image.RgbResize;
import io.gainstream.model.infer.InferenceOptions;
import io.gainstream.model.infer.MaskSession;
import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.labels.AttentionWindow;
import io.gainstream.model.labels.MaskFusion;
import io.gainstream.model.onnx.TestMaskModels;
import io.gainstream.topology.MaskSettings;
import io.gainstream.topology.PipelineConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntBinaryOperator;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mask model sees the image's own pixels when the published bytes come with it, and only the
 * attention model's letterboxed input otherwise: detail finer than that input survives only the
 * first way.
 */
class MaskStageTest {
  @TempDir Path tmp;

  /** A {@code w × h} picture whose pixel at (x, y) is {@code rgb(x, y)}. */
  private static BufferedImage image(int w, int h, IntBinaryOperator rgb) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, rgb.applyAsInt(x, y));
      }
    }
    return img;
  }

  /** The picture as the PNG a user would publish. */
  private static byte[] png(BufferedImage img) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  @Test
  void shouldFeedTheMaskModelTheOriginalPixelsNotTheLetterboxedInput() throws Exception {
    // one-pixel white and black columns: at the image's own width the mask model tells them apart,
    // boxed into 32 pixels they blur into grey
    int w = 96;
    int h = 64;
    BufferedImage img = image(w, h, (x, y) -> x % 2 == 0 ? 0xffffff : 0x000000);
    byte[] png = png(img);
    Path file = Files.write(tmp.resolve("mask.onnx"), TestMaskModels.brightIsForeground(w));
    MaskSettings mask =
        new MaskSettings(
            file, MaskSession.Options.defaults(), MaskFusion.Settings.defaults(), false, NO_ZOOM);
    try (MaskStage stage = new MaskStage(mask, InferenceOptions.cpu(), DecodeLimits.defaults())) {
      float[] own = stage.foreground(png, new float[0][], w, h);
      float[] boxed = stage.foreground(RgbResize.packed(img, 32), 32, w, h);

      assertThat(own).hasSize(w * h);
      assertThat(boxed).hasSize(w * h);
      assertThat(columnContrast(own, w, h)).isGreaterThan(0.9);
      assertThat(columnContrast(boxed, w, h)).isLessThan(0.3);
    }
  }

  /** Mean foreground of the white columns minus that of the black ones. */
  private static double columnContrast(float[] fg, int w, int h) {
    double white = 0;
    double black = 0;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        if (x % 2 == 0) {
          white += fg[y * w + x];
        } else {
          black += fg[y * w + x];
        }
      }
    }
    return (white - black) / (w * h / 2.0);
  }

  private static final AttentionWindow.Settings NO_ZOOM = AttentionWindow.Settings.defaults().off();

  @Test
  void shouldAverageTheMaskModelOverTheImageAndItsMirror() throws Exception {
    // a grey image under a model that leans left: foreground on the left half, background on the
    // right; averaged with its answer on the mirror image (mirrored back), every pixel is one half
    int w = 32;
    BufferedImage img = image(w, w, (x, y) -> 0x808080);
    byte[] rgb = RgbResize.stretched(img, w);
    Path file = Files.write(tmp.resolve("left.onnx"), TestMaskModels.leftLeaning(w));
    float[][] fg = new float[2][];
    for (boolean flip : new boolean[] {false, true}) {
      MaskSettings mask =
          new MaskSettings(
              file, MaskSession.Options.defaults(), MaskFusion.Settings.defaults(), flip, NO_ZOOM);
      try (MaskStage stage = new MaskStage(mask, InferenceOptions.cpu(), DecodeLimits.defaults())) {
        fg[flip ? 1 : 0] = stage.foreground(rgb, w, w, w);
      }
    }
    assertThat(fg[0][0]).isGreaterThan(0.95f);
    assertThat(fg[0][w - 1]).isLessThan(0.05f);
    for (float v : fg[1]) {
      assertThat(v).isCloseTo(0.5f, org.assertj.core.data.Offset.offset(0.01f));
    }
    assertThat(MaskStage.mirrored(MaskStage.mirrored(rgb, w), w)).isEqualTo(rgb);
  }

  @Test
  void shouldFindWhatTheWholePictureHidesInASecondLookAtTheAttendedWindow() throws Exception {
    // a grey square inside a black block in a white frame: to a model that calls foreground what
    // is brighter than its picture, the square is background in the whole (mostly white) frame;
    // the attention peaks on the square, and in the window around it (the square and some of the
    // black block) the square is the brightest thing there
    int w = 64;
    int h = 48;
    byte[] png =
        png(
            image(
                w,
                h,
                (x, y) -> {
                  boolean square = x >= 8 && x < 24 && y >= 16 && y < 32;
                  boolean block = x < 32 && y >= 8 && y < 40;
                  return square ? 0x909090 : block ? 0x000000 : 0xffffff;
                }));
    float[] attention = new float[w * h];
    for (int y = 16; y < 32; y++) {
      for (int x = 8; x < 24; x++) {
        attention[y * w + x] = 1f;
      }
    }
    Path file = Files.write(tmp.resolve("salient.onnx"), TestMaskModels.salient(32));
    float[][] fg = new float[2][];
    for (boolean zoom : new boolean[] {false, true}) {
      AttentionWindow.Settings z = zoom ? AttentionWindow.Settings.defaults() : NO_ZOOM;
      MaskSettings mask =
          new MaskSettings(
              file, MaskSession.Options.defaults(), MaskFusion.Settings.defaults(), false, z);
      try (MaskStage stage = new MaskStage(mask, InferenceOptions.cpu(), DecodeLimits.defaults())) {
        fg[zoom ? 1 : 0] = stage.foreground(png, new float[][] {attention}, w, h);
        assertThat(stage.fusion().contains("zoom(attention >= 0.80, margin 0.30)"))
            .as("the label records the second look")
            .isEqualTo(zoom);
      }
    }
    int centre = 24 * w + 16;
    assertThat(fg[0][centre]).as("the whole frame hides the square").isLessThan(0.5f);
    assertThat(fg[1][centre]).as("the second look finds it").isGreaterThan(0.5f);
    int white = 24 * w + 48;
    assertThat(fg[1][white]).as("outside the window the first look stands").isEqualTo(fg[0][white]);
  }

  @Test
  void shouldTakeASureLevelBelowTheWeakOneWithoutAWeakBand() {
    PipelineConfig c =
        new PipelineConfig(
            java.util.Map.of(
                PipelineConfig.CLASSES_CONFIG, "a",
                PipelineConfig.MASK_MODEL_FILE_CONFIG, "m.onnx",
                PipelineConfig.MASK_FOREGROUND_CONFIG, "0.05"));
    MaskFusion.Settings f = c.mask().orElseThrow().fusion();
    assertThat(f.foreground()).isEqualTo(0.05f);
    assertThat(f.weak()).isEqualTo(0.05f);
    assertThat(c.mask().orElseThrow().flip()).as("on by default").isTrue();
    assertThat(c.mask().orElseThrow().zoom()).isEqualTo(AttentionWindow.Settings.defaults());
  }

  @Test
  void shouldTakeOutTheRegionOfAnAnimalClassThatTheCheckSeesAsNoAnimal() throws Exception {
    // a red block (an animal to the tiny classifier) and a blue block (no animal) both fused as
    // class 2, an animal class: with the check on, the blue block becomes 255
    int w = 64;
    int h = 32;
    BufferedImage img =
        image(
            w,
            h,
            (x, y) ->
                y >= 8 && y < 24 && x >= 4 && x < 20
                    ? 0xff0000
                    : y >= 8 && y < 24 && x >= 40 && x < 60 ? 0x0000ff : 0x808080);
    byte[] fused = new byte[w * h];
    for (int y = 8; y < 24; y++) {
      for (int x = 4; x < 60; x++) {
        if (x < 20 || x >= 40) {
          fused[y * w + x] = 2;
        }
      }
    }
    Path mask = Files.write(tmp.resolve("mask.onnx"), TestMaskModels.brightIsForeground(32));
    Path classifier =
        Files.write(
            tmp.resolve("imagenet.onnx"),
            io.gainstream.model.onnx.TestClassifiers.redIsAnimal(32, 1000));
    MaskSettings settings =
        new MaskSettings(
            mask,
            MaskSession.Options.defaults(),
            MaskFusion.Settings.defaults(),
            false,
            NO_ZOOM,
            java.util.Optional.of(
                new MaskSettings.Check(
                    classifier,
                    true,
                    java.util.List.of("b"),
                    new int[] {2},
                    io.gainstream.model.labels.RegionCheck.Settings.defaults())));
    try (MaskStage stage =
        new MaskStage(settings, InferenceOptions.cpu(), DecodeLimits.defaults())) {
      byte[] checked = stage.check(img, fused, new int[] {2});

      assertThat(checked[16 * w + 10]).as("the red animal stays").isEqualTo((byte) 2);
      assertThat(checked[16 * w + 50]).as("the blue thing goes").isEqualTo((byte) 255);
      assertThat(checked[0]).isEqualTo((byte) 0);
      assertThat(stage.fusion())
          .as("the label records the check, its classes and the classifier's hash")
          .contains("check(animal classes [b], region < 0.10) by imagenet.onnx@");
      // the same pixels labelled with a class that is no animal: nothing is taken out
      byte[] other = fused.clone();
      for (int p = 0; p < other.length; p++) {
        if (other[p] == 2) {
          other[p] = 1;
        }
      }
      assertThat(stage.check(img, other, new int[] {1})).isEqualTo(other);
    }
    MaskSettings off =
        new MaskSettings(
            mask, MaskSession.Options.defaults(), MaskFusion.Settings.defaults(), false, NO_ZOOM);
    try (MaskStage stage = new MaskStage(off, InferenceOptions.cpu(), DecodeLimits.defaults())) {
      assertThat(stage.check(img, fused, new int[] {2})).isEqualTo(fused);
      assertThat(stage.fusion()).doesNotContain("check(");
    }
  }

  @Test
  void shouldReadTheCheckSettingsAndRefuseAnAnimalClassThatIsNoClass() {
    java.util.Map<String, Object> m = new java.util.HashMap<>();
    m.put(PipelineConfig.CLASSES_CONFIG, "person,dog");
    m.put(PipelineConfig.MASK_MODEL_FILE_CONFIG, "m.onnx");
    assertThat(new PipelineConfig(m).mask().orElseThrow().check()).as("off by default").isEmpty();
    m.put(PipelineConfig.MASK_CHECK_MODEL_FILE_CONFIG, "imagenet.onnx");
    m.put(PipelineConfig.MASK_CHECK_PREPROCESSING_CONFIG, "none");
    m.put(PipelineConfig.MASK_CHECK_CLASSES_CONFIG, "dog");
    MaskSettings.Check c = new PipelineConfig(m).mask().orElseThrow().check().orElseThrow();
    assertThat(c.file()).isEqualTo(Path.of("imagenet.onnx"));
    assertThat(c.imagenet()).isFalse();
    assertThat(c.animals()).containsExactly("dog");
    assertThat(c.animalIndices()).containsExactly(2);
    assertThat(c.settings()).isEqualTo(io.gainstream.model.labels.RegionCheck.Settings.defaults());
    m.put(PipelineConfig.MASK_CHECK_CLASSES_CONFIG, "cat");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PipelineConfig(m).mask())
        .isInstanceOf(org.apache.kafka.common.config.ConfigException.class)
        .hasMessageContaining("names 'cat', not one of [person, dog]");
  }
}
