package io.gainstream.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gainstream.cli.CliRun;
import io.gainstream.model.onnx.TestClassifiers;
import io.gainstream.topology.PipelineConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code gainstream bench} as a user meets it: the product's command finds it on the class path
 * (the bench jar's {@code Extension}), its subcommands print their help, and an unusable
 * combination of options is one line and exit 2 before anything runs.
 */
class BenchArgumentsTest {
  @TempDir Path tmp;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @Test
  void shouldJoinTheGainstreamCommandAndPrintEveryHelp() {
    assertThat(run("--help").out()).as("gainstream lists it").contains("bench");
    for (String[] cmd :
        new String[][] {
          {"bench"},
          {"bench", "model"},
          {"bench", "quality"},
          {"bench", "throughput"},
          {"bench", "fusion"}
        }) {
      String name = String.join(" ", cmd);
      String[] args = java.util.Arrays.copyOf(cmd, cmd.length + 1);
      args[cmd.length] = "--help";
      CliRun r = run(args);
      assertThat(r.code()).as(name).isZero();
      assertThat(r.out()).as(name).contains("Usage: gainstream " + name);
    }
  }

  @Test
  void shouldRefuseBenchQualityWithoutBuiltInRowsButNoBackbone() throws Exception {
    Path photos = Files.createDirectories(tmp.resolve("photos").resolve("masks")).getParent();
    CliRun r =
        run("bench", "quality", "--no-synthetic", "--photos", photos.toString(), "--no-built-in");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "gainstream: --no-built-in needs --photos and --backbone (it leaves the backbone's photo rows only)");
  }

  @Test
  void shouldRefuseAMaskModelWithoutPhotosOrThatIsNoMaskModel() throws Exception {
    Path notAModel = Files.writeString(tmp.resolve("isnet.onnx"), "not a model");
    CliRun alone = run("bench", "quality", "--mask-model", notAModel.toString());
    assertThat(alone.code()).isEqualTo(2);
    assertThat(alone.err()).isEqualTo("gainstream: --mask-model labels photos: it needs --photos");

    Path photos = Files.createDirectories(tmp.resolve("photos").resolve("masks")).getParent();
    Files.writeString(photos.resolve("classes.txt"), "horse\ncar\n");
    CliRun bad =
        run(
            "bench",
            "quality",
            "--no-synthetic",
            "--photos",
            photos.toString(),
            "--mask-model",
            notAModel.toString());
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).startsWith("gainstream: mask model " + notAModel).doesNotContain("\n");

    CliRun throughput = run("bench", "throughput", "--mask-model", notAModel.toString());
    assertThat(throughput.code()).isEqualTo(2);
    assertThat(throughput.err())
        .isEqualTo(
            "gainstream: --mask-model adds a row to the backbone's: it needs --backbone and the model rows");
  }

  @Test
  void shouldRefuseUnknownMethodsRuntimesAndAPeerWithoutABackboneInOneLine() {
    CliRun methods = run("bench", "model", "--methods", "cam,boat");
    assertThat(methods.code()).isEqualTo(2);
    assertThat(methods.err()).startsWith("gainstream: --methods: unknown method 'boat'");
    assertThat(methods.err()).doesNotContain("\n");

    CliRun runtimes = run("bench", "model", "--runtimes", "glibc/composite,tcmalloc");
    assertThat(runtimes.code()).isEqualTo(2);
    assertThat(runtimes.err())
        .isEqualTo(
            "gainstream: --runtimes takes ALLOCATOR/KERNELS (glibc|tcmalloc|jemalloc / fused|composite), not 'tcmalloc'");

    // in a test JVM nothing started it through ./gainstream, which the children need
    CliRun noLauncher = run("bench", "model", "--runtimes", "glibc/composite");
    assertThat(noLauncher.code()).isEqualTo(2);
    assertThat(noLauncher.err())
        .isEqualTo(
            "gainstream: --runtimes starts the benchmark again through the ./gainstream launcher: run it from there");

    CliRun peer = run("bench", "model", "--peer");
    assertThat(peer.code()).isEqualTo(2);
    assertThat(peer.err())
        .isEqualTo("gainstream: --peer rebuilds the network from an ONNX file: give --backbone");
  }

  @Test
  void shouldRefuseAMaskModelToTimeThatIsNoMaskModelBeforeTheBenchmark() throws Exception {
    Path notAModel = Files.writeString(tmp.resolve("isnet.onnx"), "not a model");
    CliRun r = run("bench", "model", "--mask-model", notAModel.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("gainstream: mask model " + notAModel).doesNotContain("\n");
    assertThat(r.out()).doesNotContain("Training");
  }

  @Test
  void shouldRefuseBenchFusionWithoutAMaskModelOrMasksOrWithBadLevelsInOneLine() throws Exception {
    Path folder = Files.createDirectories(tmp.resolve("f").resolve("images")).getParent();
    Files.writeString(folder.resolve("classes.txt"), "horse\n");
    Files.writeString(folder.resolve("labels.csv"), "image,labels\n");
    Path model = Files.writeString(tmp.resolve("release.onnx"), "not a release");
    String[] base = {"bench", "fusion", "--model", model.toString(), "--folder", folder.toString()};

    CliRun noMasks = run(base);
    assertThat(noMasks.code()).isEqualTo(2);
    assertThat(noMasks.err())
        .isEqualTo(
            "gainstream: no exact masks at " + folder.resolve("masks") + " (give --truth DIR)");

    Files.createDirectories(folder.resolve("masks"));
    CliRun noMaskModel = run(base);
    assertThat(noMaskModel.code()).isEqualTo(2);
    assertThat(noMaskModel.err())
        .isEqualTo("gainstream: bench fusion compares fusions of a mask model: give --mask-model");

    String[] withMask = java.util.Arrays.copyOf(base, base.length + 4);
    withMask[base.length] = "--mask-model";
    withMask[base.length + 1] = model.toString();
    withMask[base.length + 2] = "--weak";
    withMask[base.length + 3] = "0.1,1.5";
    CliRun badWeak = run(withMask);
    assertThat(badWeak.code()).isEqualTo(2);
    assertThat(badWeak.err()).isEqualTo("gainstream: --weak levels must be in (0, 1), got 1.5");

    withMask[base.length + 3] = "0.1";
    CliRun notARelease = run(withMask);
    assertThat(notARelease.code()).isEqualTo(2);
    assertThat(notARelease.err()).startsWith("gainstream: --model " + model).doesNotContain("\n");
  }

  /**
   * With a mask model and an ImageNet backbone, the backbone rows get the animal check {@code
   * label} would turn on for the folder (to the tiny classifier red photos are animals); without a
   * backbone they get none.
   */
  @Test
  void shouldMeasureBackboneRowsWithTheAnimalCheckLabelTurnsOn() throws Exception {
    Path folder = Files.createDirectories(tmp.resolve("photos"));
    Path images = Files.createDirectories(folder.resolve("images"));
    List<String> csv = new ArrayList<>(List.of("image,labels"));
    for (int i = 0; i < 6; i++) {
      BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_3BYTE_BGR);
      int rgb = i < 3 ? 0xff0000 : 0x0000ff;
      for (int y = 0; y < 30; y++) {
        for (int x = 0; x < 40; x++) {
          img.setRGB(x, y, rgb);
        }
      }
      ImageIO.write(img, "png", images.resolve(i + ".png").toFile());
      csv.add(i + ".png," + (i < 3 ? "dog" : "person"));
    }
    Files.write(folder.resolve("labels.csv"), csv);
    Files.writeString(folder.resolve("classes.txt"), "dog\nperson\n");
    Path backbone = Files.write(tmp.resolve("in1k.onnx"), TestClassifiers.redIsAnimal(32, 1000));
    Path maskModel = Files.writeString(tmp.resolve("mask.onnx"), "opened by the command");
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);

    BenchQualityCommand withBackbone = new BenchQualityCommand();
    new CommandLine(withBackbone)
        .parseArgs("--mask-model", maskModel.toString(), "--backbone", backbone.toString());
    assertThat(withBackbone.animalCheck(folder, out))
        .containsEntry(PipelineConfig.MASK_CHECK_MODEL_FILE_CONFIG, backbone.toString())
        .containsEntry(PipelineConfig.MASK_CHECK_CLASSES_CONFIG, "dog")
        .doesNotContainKey(PipelineConfig.MASK_MODEL_FILE_CONFIG);
    assertThat(console.toString(StandardCharsets.UTF_8)).contains("animal classes [dog]");

    BenchQualityCommand builtIn = new BenchQualityCommand();
    new CommandLine(builtIn).parseArgs("--mask-model", maskModel.toString());
    assertThat(builtIn.animalCheck(folder, out)).isEmpty();
  }
}
