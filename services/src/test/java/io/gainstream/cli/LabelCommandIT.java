package io.gainstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.input.ExifJpegs;
import io.gainstream.model.input.ExifOrientation;
import io.gainstream.model.labels.AttentionWindow;
import io.gainstream.model.labels.LabelPng;
import io.gainstream.model.labels.MaskFusion;
import io.gainstream.model.synthetic.SyntheticDataset;
import io.gainstream.services.io.LabelledFolder;
import io.gainstream.services.kafka.TestKafka;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code label} contract end to end against a real broker: every accepted image gets a
 * one-channel 8-bit label of its own size, every rejected input a dead letter with its reason.
 */
class LabelCommandIT {
  @TempDir Path tmp;

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void shouldLabelEveryAcceptedImageAndDeadLetterEveryRejectedOne() throws Exception {
    Path images = Files.createDirectories(tmp.resolve("images/sub"));
    List<String> classes = SyntheticDataset.classNames(3);
    Files.writeString(tmp.resolve("classes.txt"), String.join("\n", classes) + "\n");
    List<String> csv = new ArrayList<>(List.of("image,labels"));
    List<SyntheticDataset.Sample> samples =
        SyntheticDataset.generate(new SyntheticDataset.Spec(3, 80, 40, 0.3, false, 0.9, 3));
    for (SyntheticDataset.Sample s : samples) {
      ImageIO.write(s.image(), "png", images.resolve(s.id() + ".png").toFile());
      List<String> names = new ArrayList<>();
      for (int k : s.classes()) {
        names.add(classes.get(k - 1));
      }
      csv.add("sub/" + s.id() + ".png," + String.join(";", names));
    }
    // a grayscale JPEG of another size is accepted
    BufferedImage gray = new BufferedImage(50, 30, BufferedImage.TYPE_BYTE_GRAY);
    ImageIO.write(gray, "jpeg", images.resolve("gray.jpg").toFile());
    csv.add("sub/gray.jpg,");
    // a phone's portrait shot: stored landscape, tagged to be shown turned a quarter
    Files.write(
        images.resolve("turned.jpg"), ExifJpegs.tagged(ExifJpegs.jpeg(40, 20), 6, true, true));
    csv.add("sub/turned.jpg,");
    // rejected: corrupt bytes, unknown class, missing file
    Files.write(
        images.resolve("corrupt.png"), "definitely not a png".getBytes(StandardCharsets.UTF_8));
    csv.add("sub/corrupt.png,disc");
    csv.add("\"sub/copy.png\",zebra");
    Files.copy(images.resolve(samples.get(0).id() + ".png"), images.resolve("copy.png"));
    csv.add("sub/missing.png,disc");
    Files.write(tmp.resolve("labels.csv"), csv);

    Path out = tmp.resolve("out");
    String console;
    String err;
    try (TestKafka kafka = TestKafka.start(tmp.resolve("kafka"))) {
      Captured run =
          capture(
              () ->
                  Gainstream.execute(
                      "label",
                      "--images",
                      tmp.resolve("images").toString(),
                      "--labels",
                      tmp.resolve("labels.csv").toString(),
                      "--classes",
                      tmp.resolve("classes.txt").toString(),
                      "--out",
                      out.toString(),
                      "--method",
                      "cam",
                      "--train-steps",
                      "60",
                      "--held-out",
                      "0.25",
                      "--min-map",
                      "0",
                      "--save-model",
                      tmp.resolve("saved.onnx").toString(),
                      "--bootstrap-servers",
                      kafka.bootstrapServers()));
      assertThat(run.rc()).isZero();
      console = run.out();
      err = run.err();
      // the saved release labels the same images again without training, to the same bytes
      Captured again =
          capture(
              () ->
                  Gainstream.execute(
                      "label",
                      "--images",
                      tmp.resolve("images").toString(),
                      "--labels",
                      tmp.resolve("labels.csv").toString(),
                      "--classes",
                      tmp.resolve("classes.txt").toString(),
                      "--out",
                      tmp.resolve("again").toString(),
                      "--model",
                      tmp.resolve("saved.onnx").toString(),
                      "--bootstrap-servers",
                      kafka.bootstrapServers()));
      assertThat(again.rc()).isZero();
      assertThat(again.err()).doesNotContain("train cam");
      assertThat(again.out())
          .as("a saved release is given, not trained or validated")
          .contains("given with --model: not trained or validated here")
          .doesNotContain("validation:");
      for (SyntheticDataset.Sample s : samples) {
        assertThat(tmp.resolve("again/SegmentationClass").resolve(s.id() + ".png"))
            .hasSameBinaryContentAs(out.resolve("SegmentationClass").resolve(s.id() + ".png"));
      }
      // export from the topics writes the same provenance as label did
      Captured export =
          capture(
              () ->
                  Gainstream.execute(
                      "export",
                      "--classes",
                      tmp.resolve("classes.txt").toString(),
                      "--out",
                      tmp.resolve("export").toString(),
                      "--bootstrap-servers",
                      kafka.bootstrapServers()));
      assertThat(export.rc()).isZero();
      List<io.gainstream.services.io.Manifest.Row> exported =
          io.gainstream.services.io.Manifest.read(tmp.resolve("export/manifest.csv"));
      assertThat(exported)
          .extracting(io.gainstream.services.io.Manifest.Row::image)
          .containsExactlyInAnyOrderElementsOf(
              io.gainstream.services.io.Manifest.read(out.resolve("manifest.csv")).stream()
                  .map(io.gainstream.services.io.Manifest.Row::image)
                  .toList());
      assertThat(exported).allSatisfy(r -> assertThat(r.modelVersion()).isEqualTo(1));
    }
    // which release labelled each image, and when: one row per label, read back
    List<io.gainstream.services.io.Manifest.Row> manifest =
        io.gainstream.services.io.Manifest.read(out.resolve("manifest.csv"));
    assertThat(manifest).hasSize(samples.size() + 2);
    assertThat(manifest)
        .extracting(io.gainstream.services.io.Manifest.Row::image)
        .contains("sub/gray.jpg", "sub/turned.jpg", "sub/" + samples.get(0).id() + ".png");
    assertThat(manifest)
        .allSatisfy(
            r -> {
              assertThat(r.modelVersion()).isEqualTo(1);
              assertThat(r.modelMethod()).isEqualTo("cam");
              assertThat(r.labelledMs())
                  .isBetween(System.currentTimeMillis() - 8 * 60_000, System.currentTimeMillis());
            });
    assertThat(Files.readString(out.resolve("annotations.json")))
        .contains(
            "\"info\":{\"description\":\"gainstream proxy labels\",\"version\":\"1\",\"gainstream_releases\":[{\"version\":1,"
                + "\"method\":\"cam\",\"images\":"
                + (samples.size() + 2)
                + "}]}");
    List<String> lines = console.lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines.get(lines.size() - 1))
        .as("the closing line names the release's validation")
        .matches(
            "release 1 validation: exact match [0-9.]+, mAP [0-9.]+ on [0-9]+ held-out images, no held-out pixel labels, "
                + "erasing the attended fifth costs -?[0-9.]+ of the score"
                + " \\(another image's: -?[0-9.]+\\)");

    assertThat(Files.readAllLines(out.resolve("classes.txt"))).containsExactlyElementsOf(classes);
    for (SyntheticDataset.Sample s : samples) {
      Path label = out.resolve("SegmentationClass").resolve(s.id() + ".png");
      assertThat(label).exists();
      LabelPng.Decoded d = LabelPng.read(Files.readAllBytes(label), DecodeLimits.defaults());
      assertThat(d.width()).isEqualTo(80);
      assertThat(d.height()).isEqualTo(80);
      assertThat(out.resolve("SegmentationClassUnrefined").resolve(s.id() + ".png"))
          .as("built-in releases name the random walk: the thresholded label is kept beside it")
          .exists();
      assertThat(d.values()).as("the walk labels every pixel").doesNotContain((byte) 255);
      for (byte v : d.values()) {
        int k = v & 0xff;
        assertThat(k == 0 || k == 255 || java.util.Arrays.stream(s.classes()).anyMatch(c -> c == k))
            .isTrue();
      }
    }
    LabelPng.Decoded g =
        LabelPng.read(
            Files.readAllBytes(out.resolve("SegmentationClass/gray.png")), DecodeLimits.defaults());
    assertThat(g.width()).isEqualTo(50);
    assertThat(g.height()).isEqualTo(30);
    assertThat(g.values()).as("no label: all background").containsOnly((byte) 0);

    List<String> dead = Files.readAllLines(out.resolve("dead-letters.jsonl"));
    assertThat(dead).hasSize(3);
    assertThat(dead)
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains("\"image\":\"sub/corrupt.png\"")
                    .contains("IMAGE_UNDECODABLE"));
    assertThat(dead)
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains("\"image\":\"sub/copy.png\"")
                    .contains("UNKNOWN_CLASS")
                    .contains("zebra"));
    assertThat(dead)
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains("\"image\":\"sub/missing.png\"")
                    .contains("FILE_UNREADABLE"));
    try (var files = Files.list(out.resolve("SegmentationClass"))) {
      assertThat(files.count()).isEqualTo(samples.size() + 2);
    }
    // the turned photo: labelled as stored, said so once, exported with the tag cleared
    assertThat(console + err)
        .contains("1 of the images (sub/turned.jpg) carry an EXIF orientation tag");
    LabelPng.Decoded turned =
        LabelPng.read(
            Files.readAllBytes(out.resolve("SegmentationClass/turned.png")),
            DecodeLimits.defaults());
    assertThat(turned.width()).isEqualTo(40);
    assertThat(turned.height()).isEqualTo(20);
    assertThat(ExifOrientation.of(Files.readAllBytes(out.resolve("JPEGImages/turned.jpg"))))
        .isEqualTo(ExifOrientation.AS_STORED);
    // the VOC layout around the labels, COCO beside it, and the report
    assertThat(out.resolve("JPEGImages/gray.jpg"))
        .hasSameBinaryContentAs(images.resolve("gray.jpg"));
    assertThat(Files.readAllLines(out.resolve("ImageSets/Segmentation/trainval.txt")))
        .hasSize(samples.size() + 2)
        .contains("gray", "turned");
    assertThat(Files.readAllLines(out.resolve("labelmap.txt")))
        .contains("background:0,0,0::", "disc:128,0,0::");
    assertThat(Files.readString(out.resolve("annotations.json")))
        .contains("\"file_name\":\"gray.jpg\"")
        .contains("\"counts\"");
    String report = Files.readString(out.resolve("report.html"));
    assertThat(report).contains("class=\"overlay\"").contains("class=\"label\"");
    try (var pictures = Files.list(out.resolve("report"))) {
      assertThat(pictures.filter(f -> f.toString().endsWith(".png")).count()).isGreaterThan(40);
    }
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void shouldExitNonZeroWithOneLineAndWriteNoLabelsWhenNoReleaseMeetsTheMinimum() throws Exception {
    LabelledFolder.Written set =
        LabelledFolder.write(
            tmp.resolve("set"),
            SyntheticDataset.classNames(3),
            SyntheticDataset.generate(new SyntheticDataset.Spec(3, 64, 60, 0.3, false, 0.9, 4)),
            x -> false);
    Path out = tmp.resolve("out");
    Captured run;
    try (TestKafka kafka = TestKafka.start(tmp.resolve("kafka"))) {
      // two training steps cannot rank 15 held-out images perfectly: mAP 1 is out of reach
      run =
          capture(
              () ->
                  Gainstream.execute(
                      "label",
                      "--images",
                      set.images().toString(),
                      "--labels",
                      set.labelsCsv().toString(),
                      "--classes",
                      set.classesFile().toString(),
                      "--out",
                      out.toString(),
                      "--method",
                      "cam",
                      "--train-steps",
                      "2",
                      "--held-out",
                      "0.25",
                      "--min-map",
                      "1",
                      "--bootstrap-servers",
                      kafka.bootstrapServers()));
    }
    assertThat(run.rc()).isEqualTo(Gainstream.FAILED);
    List<String> err = run.err().lines().filter(l -> l.startsWith("gainstream:")).toList();
    assertThat(err).hasSize(1);
    assertThat(err.get(0))
        .startsWith("gainstream: no acceptable release, no labels written: held-out mAP")
        .contains("below the minimum 1.000");
    assertThat(out.resolve("SegmentationClass")).doesNotExist();
  }

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void shouldLabelThroughKafkaOnAnImportedBackbone() throws Exception {
    // a 96x64 photo-like set: not square, so the labels must come back at each image's own size
    List<SyntheticDataset.Sample> samples =
        SyntheticDataset.generate(new SyntheticDataset.Spec(3, 64, 40, 0.3, false, 0.9, 8));
    LabelledFolder.Written set =
        LabelledFolder.write(
            tmp.resolve("set"), SyntheticDataset.classNames(3), samples, x -> false);
    Path backbone =
        Files.write(
            tmp.resolve("resnet-like.onnx"), io.gainstream.model.onnx.TestBackbones.resnetLike(3));
    Path out = tmp.resolve("out");
    Captured run;
    try (TestKafka kafka = TestKafka.start(tmp.resolve("kafka"))) {
      run =
          capture(
              () ->
                  Gainstream.execute(
                      "label",
                      "--images",
                      set.images().toString(),
                      "--labels",
                      set.labelsCsv().toString(),
                      "--classes",
                      set.classesFile().toString(),
                      "--out",
                      out.toString(),
                      "--method",
                      "gain",
                      "--train-steps",
                      "40",
                      "--backbone",
                      backbone.toString(),
                      "--input-size",
                      "32",
                      "--fine-tune",
                      "last",
                      "--min-map",
                      "0",
                      "--bootstrap-servers",
                      kafka.bootstrapServers()));
    }
    assertThat(run.rc()).isZero();
    assertThat(run.out())
        .contains("labelled 40 images, rejected 0")
        .contains("release 1 validation:")
        // no held-out pixel labels: on a backbone mining never starts, the run trains a classifier
        .contains("trained as a classifier, mining held off (no held-out pixel labels")
        .doesNotContain("; mined");
    for (SyntheticDataset.Sample s : samples) {
      LabelPng.Decoded d =
          LabelPng.read(
              Files.readAllBytes(out.resolve("SegmentationClass").resolve(s.id() + ".png")),
              DecodeLimits.defaults());
      assertThat(d.width()).isEqualTo(64);
      assertThat(d.height()).isEqualTo(64);
      // a backbone release names the CRF: every label was refined, and its thresholded form is kept
      // beside it
      LabelPng.Decoded u =
          LabelPng.read(
              Files.readAllBytes(
                  out.resolve("SegmentationClassUnrefined").resolve(s.id() + ".png")),
              DecodeLimits.defaults());
      assertThat(u.width()).isEqualTo(64);
      assertThat(u.height()).isEqualTo(64);
    }
    assertThat(Files.readString(out.resolve("report.html"))).contains("label-unrefined");
  }

  /**
   * The animal check through Kafka: with a check model and an animal class set, every label records
   * the check, its classes and the model's hash in the manifest.
   */
  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void shouldCheckTheFusedLabelsOfTheAnimalClassesThroughKafka() throws Exception {
    List<SyntheticDataset.Sample> samples =
        SyntheticDataset.generate(new SyntheticDataset.Spec(3, 64, 24, 0.3, false, 0.9, 14));
    LabelledFolder.Written set =
        LabelledFolder.write(
            tmp.resolve("set"), SyntheticDataset.classNames(3), samples, x -> false);
    String animal = SyntheticDataset.classNames(3).get(0);
    Path classifier =
        Files.write(
            tmp.resolve("imagenet.onnx"),
            io.gainstream.model.onnx.TestClassifiers.redIsAnimal(32, 1000));
    Path mask =
        Files.write(
            tmp.resolve("bright.onnx"),
            io.gainstream.model.onnx.TestMaskModels.brightIsForeground(32));
    Path out = tmp.resolve("out");
    Captured run;
    try (TestKafka kafka = TestKafka.start(tmp.resolve("kafka"))) {
      run =
          capture(
              () ->
                  Gainstream.execute(
                      "label",
                      "--images",
                      set.images().toString(),
                      "--labels",
                      set.labelsCsv().toString(),
                      "--classes",
                      set.classesFile().toString(),
                      "--out",
                      out.toString(),
                      "--method",
                      "cam",
                      "--train-steps",
                      "20",
                      "--min-map",
                      "0",
                      "--mask-model",
                      mask.toString(),
                      "--mask-size",
                      "48",
                      "--set",
                      io.gainstream.topology.PipelineConfig.MASK_CHECK_MODEL_FILE_CONFIG
                          + "="
                          + classifier,
                      "--set",
                      io.gainstream.topology.PipelineConfig.MASK_CHECK_CLASSES_CONFIG
                          + "="
                          + animal,
                      "--bootstrap-servers",
                      kafka.bootstrapServers()));
    }
    assertThat(run.rc()).isZero();
    assertThat(run.out()).contains("labelled 24 images, rejected 0");
    assertThat(io.gainstream.services.io.Manifest.read(out.resolve("manifest.csv")))
        .hasSize(24)
        .allSatisfy(
            r ->
                assertThat(r.fusion())
                    .matches(
                        ".*, check\\(animal classes \\["
                            + java.util.regex.Pattern.quote(animal)
                            + "\\], region < 0\\.10\\) by imagenet\\.onnx@[0-9a-f]{12}"));
  }

  /**
   * A mask model fused into the labels end to end: every label records the model and the fusion,
   * the attention's own label is exported beside the fused one, and the report shows both.
   */
  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void shouldFuseAMaskModelIntoTheLabelsThroughKafka() throws Exception {
    List<SyntheticDataset.Sample> samples =
        SyntheticDataset.generate(new SyntheticDataset.Spec(3, 64, 32, 0.3, false, 0.9, 13));
    LabelledFolder.Written set =
        LabelledFolder.write(
            tmp.resolve("set"), SyntheticDataset.classNames(3), samples, x -> false);
    Path mask =
        Files.write(
            tmp.resolve("bright.onnx"),
            io.gainstream.model.onnx.TestMaskModels.brightIsForeground(32));
    Path out = tmp.resolve("out");
    Captured run;
    try (TestKafka kafka = TestKafka.start(tmp.resolve("kafka"))) {
      run =
          capture(
              () ->
                  Gainstream.execute(
                      "label",
                      "--images",
                      set.images().toString(),
                      "--labels",
                      set.labelsCsv().toString(),
                      "--classes",
                      set.classesFile().toString(),
                      "--out",
                      out.toString(),
                      "--method",
                      "cam",
                      "--train-steps",
                      "40",
                      "--min-map",
                      "0",
                      "--mask-model",
                      mask.toString(),
                      "--mask-size",
                      "48",
                      "--bootstrap-servers",
                      kafka.bootstrapServers()));
    }
    assertThat(run.rc()).isZero();
    assertThat(run.out()).contains("labelled 32 images, rejected 0");
    assertThat(io.gainstream.services.io.Manifest.read(out.resolve("manifest.csv")))
        .hasSize(32)
        .allSatisfy(
            r -> {
              assertThat(r.maskModel()).matches("bright\\.onnx@[0-9a-f]{12}");
              assertThat(r.fusion())
                  .isEqualTo(
                      MaskFusion.Settings.defaults().describe()
                          + ", "
                          + AttentionWindow.Settings.defaults().describe());
            });
    for (SyntheticDataset.Sample s : samples) {
      assertThat(out.resolve("SegmentationClassUnfused").resolve(s.id() + ".png")).isRegularFile();
      LabelPng.Decoded d =
          LabelPng.read(
              Files.readAllBytes(out.resolve("SegmentationClass").resolve(s.id() + ".png")),
              DecodeLimits.defaults());
      assertThat(d.width()).isEqualTo(64);
    }
    assertThat(Files.readString(out.resolve("report.html"))).contains("label-unfused");
  }

  /** The seeds' other methods run end to end through Kafka like gain, under the same contract. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"abn", "seenet"})
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void shouldLabelThroughKafkaWithTheSeedsOtherMethods(String method) throws Exception {
    List<SyntheticDataset.Sample> samples =
        SyntheticDataset.generate(new SyntheticDataset.Spec(3, 64, 40, 0.3, false, 0.9, 12));
    LabelledFolder.Written set =
        LabelledFolder.write(
            tmp.resolve("set"), SyntheticDataset.classNames(3), samples, x -> false);
    Path out = tmp.resolve("out");
    Path saved = tmp.resolve("release.onnx");
    Captured run;
    try (TestKafka kafka = TestKafka.start(tmp.resolve("kafka"))) {
      run =
          capture(
              () ->
                  Gainstream.execute(
                      "label",
                      "--images",
                      set.images().toString(),
                      "--labels",
                      set.labelsCsv().toString(),
                      "--classes",
                      set.classesFile().toString(),
                      "--out",
                      out.toString(),
                      "--method",
                      method,
                      "--train-steps",
                      "60",
                      "--min-map",
                      "0",
                      "--save-model",
                      saved.toString(),
                      "--bootstrap-servers",
                      kafka.bootstrapServers()));
    }
    assertThat(run.rc()).isZero();
    assertThat(run.out())
        .contains("labelled 40 images, rejected 0")
        .contains("release 1 validation:");
    assertThat(io.gainstream.model.onnx.OnnxImporter.readInfo(Files.readAllBytes(saved)).method())
        .isEqualTo(method);
    assertThat(io.gainstream.services.io.Manifest.read(out.resolve("manifest.csv")))
        .hasSize(40)
        .allSatisfy(r -> assertThat(r.modelMethod()).isEqualTo(method));
    for (SyntheticDataset.Sample s : samples) {
      LabelPng.Decoded d =
          LabelPng.read(
              Files.readAllBytes(out.resolve("SegmentationClass").resolve(s.id() + ".png")),
              DecodeLimits.defaults());
      assertThat(d.width()).isEqualTo(64);
      assertThat(d.height()).isEqualTo(64);
      for (byte v : d.values()) {
        int k = v & 0xff;
        assertThat(k == 0 || k == 255 || java.util.Arrays.stream(s.classes()).anyMatch(c -> c == k))
            .as("%s: label value %d is background, ignore or one of its classes", s.id(), k)
            .isTrue();
      }
    }
  }

  private record Captured(int rc, String out, String err) {}

  /** Runs the CLI with System.out and System.err copied into strings (and still shown). */
  private static Captured capture(java.util.function.IntSupplier cli) {
    java.io.PrintStream oldOut = System.out;
    java.io.PrintStream oldErr = System.err;
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    System.setOut(
        new java.io.PrintStream(new TeeStream(out, oldOut), true, StandardCharsets.UTF_8));
    System.setErr(
        new java.io.PrintStream(new TeeStream(err, oldErr), true, StandardCharsets.UTF_8));
    try {
      int rc = cli.getAsInt();
      return new Captured(
          rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  private static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int x) throws java.io.IOException {
      a.write(x);
      b.write(x);
    }

    @Override
    public void write(byte[] buf, int off, int len) throws java.io.IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }
  }
}
