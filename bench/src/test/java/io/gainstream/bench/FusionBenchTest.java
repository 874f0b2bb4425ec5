package io.gainstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gainstream.bench.model.UntrainedRelease;
import io.gainstream.model.labels.LabelPng;
import io.gainstream.model.labels.MaskFusion;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.onnx.TestMaskModels;
import io.gainstream.model.synthetic.SyntheticDataset;
import io.gainstream.model.train.GainSettings;
import io.gainstream.model.train.Method;
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
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench fusion} on a folder it can be checked on: bright squares on a dark ground, exact
 * masks, a release that was never trained, and mask models generated here. The rows must come from
 * the mask model (a perfect one labels the squares, one that sees nothing labels nothing) and the
 * attention's own row must not depend on it.
 */
class FusionBenchTest {
  private static final int SIDE = 48;
  @TempDir static Path tmp;
  private static Path folder;
  private static byte[] release;
  private static List<String> names;

  @BeforeAll
  static void folder() throws Exception {
    names = SyntheticDataset.classNames(2);
    folder = Files.createDirectories(tmp.resolve("squares"));
    Files.createDirectories(folder.resolve("images"));
    Files.createDirectories(folder.resolve("masks"));
    Files.writeString(folder.resolve("classes.txt"), String.join("\n", names) + "\n");
    StringBuilder csv = new StringBuilder("image,labels\n");
    Random rnd = new Random(5);
    for (int i = 0; i < 6; i++) {
      int x0 = 4 + rnd.nextInt(16);
      int y0 = 4 + rnd.nextInt(16);
      int k = 1 + i % 2;
      BufferedImage img = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB);
      byte[] truth = new byte[SIDE * SIDE];
      for (int y = 0; y < SIDE; y++) {
        for (int x = 0; x < SIDE; x++) {
          boolean in = x >= x0 && x < x0 + 22 && y >= y0 && y < y0 + 22;
          int v = in ? 230 : 20;
          img.setRGB(x, y, v << 16 | v << 8 | v);
          truth[y * SIDE + x] = (byte) (in ? k : 0);
        }
      }
      ImageIO.write(img, "png", folder.resolve("images").resolve("p" + i + ".png").toFile());
      Files.write(
          folder.resolve("masks").resolve("p" + i + ".png"),
          LabelPng.writePalette(truth, SIDE, SIDE));
      csv.append("p").append(i).append(".png,").append(names.get(k - 1)).append('\n');
    }
    // one photo the pipeline would reject (not an image) and one without a mask: both skipped
    Files.writeString(folder.resolve("images").resolve("broken.png"), "not an image");
    Files.write(
        folder.resolve("masks").resolve("broken.png"),
        LabelPng.writePalette(new byte[SIDE * SIDE], SIDE, SIDE));
    csv.append("broken.png,").append(names.get(0)).append('\n');
    ImageIO.write(
        new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB),
        "png",
        folder.resolve("images").resolve("unmasked.png").toFile());
    csv.append("unmasked.png,").append(names.get(0)).append('\n');
    Files.writeString(folder.resolve("labels.csv"), csv, StandardCharsets.UTF_8);
    release =
        UntrainedRelease.export(NetworkSpec.defaults(2), GainSettings.defaults(Method.CAM), null);
  }

  private static FusionBench.Result score(byte[] maskModel, String name) throws Exception {
    Path file = Files.write(tmp.resolve(name + ".onnx"), maskModel);
    Map<String, Object> c = new HashMap<>();
    c.put(PipelineConfig.CLASSES_CONFIG, String.join(",", names));
    c.put(PipelineConfig.MASK_MODEL_FILE_CONFIG, file.toString());
    PipelineConfig config = new PipelineConfig(c);
    List<FusionBench.Candidate> candidates =
        FusionBench.candidates(
            config.mask().orElseThrow().fusion(), new float[] {0.1f}, new float[] {0.5f, 0.7f});
    List<Integer> steps = new ArrayList<>();
    FusionBench.Result r =
        FusionBench.score(
            folder, folder.resolve("masks"), release, config, candidates, 0, () -> steps.add(1));
    assertThat(steps).hasSize(8);
    assertThat(r.photos()).isEqualTo(6);
    assertThat(r.skipped()).hasSize(2);
    assertThat(r.skipped().get(1)).isEqualTo("unmasked.png: no mask unmasked.png");
    return r;
  }

  private static double fg(FusionBench.Result r, String namePrefix) {
    return r.rows().stream()
        .filter(x -> x.candidate().name().startsWith(namePrefix))
        .findFirst()
        .orElseThrow()
        .counts()
        .strictForegroundMeanIou();
  }

  @Test
  void shouldScoreTheMaskModelsForegroundAndKeepTheAttentionsOwnRowApart() throws Exception {
    FusionBench.Result perfect = score(TestMaskModels.brightIsForeground(SIDE), "bright");
    FusionBench.Result blind = score(TestMaskModels.constant(SIDE, -8f), "blind");

    // a mask model that finds the squares exactly: every rule that takes its foreground is right
    assertThat(fg(perfect, "threshold(fg 0.50)")).isGreaterThan(0.95);
    assertThat(fg(perfect, "hysteresis(fg 0.50, weak 0.20 where attention >= 0.50)"))
        .isGreaterThan(0.95);
    // one that sees nothing: no foreground from the rules that need it
    assertThat(fg(blind, "threshold(fg 0.50)")).isZero();
    assertThat(fg(blind, "hysteresis(fg 0.50, weak 0.10 where attention >= 0.70)")).isZero();
    // regions gives a class that won no region its attention label: with no region at all that is
    // the attention's own label (its 255s become background, which the strict score counts alike)
    assertThat(fg(blind, "regions")).isCloseTo(fg(blind, "attention alone"), within(1e-12));
    // the attention's own row is the release's label, whatever the mask model
    assertThat(fg(blind, "attention alone")).isEqualTo(fg(perfect, "attention alone"));

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    FusionBench.print(perfect, "squares", new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String table = bytes.toString(StandardCharsets.UTF_8);
    assertThat(table).contains("### squares: 6 photos scored, 2 skipped");
    assertThat(table).contains("- skipped broken.png: ");
    assertThat(table).contains("| label | fg mIoU | mIoU | " + String.join(" | ", names) + " |");
    assertThat(table.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| label")))
        .hasSize(perfect.rows().size());
  }

  @Test
  void shouldListTheConfiguredFusionOnceAndMarked() {
    MaskFusion.Settings configured = MaskFusion.Settings.defaults();
    List<FusionBench.Candidate> c =
        FusionBench.candidates(configured, new float[] {0.1f, 0.2f}, new float[] {0.5f, 0.6f});
    assertThat(c.get(0).fusion()).as("the attention alone first").isNull();
    assertThat(c.get(1).fusion()).isEqualTo(configured);
    assertThat(c.get(1).name()).endsWith("(configured)");
    // attention alone, configured, two thresholds, regions, and the 2 x 2 grid less the configured
    assertThat(c).hasSize(1 + 1 + 2 + 1 + 3);
    assertThat(c.stream().filter(x -> configured.equals(x.fusion()))).hasSize(1);
  }
}
