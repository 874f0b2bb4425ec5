package io.gainstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.labels.LabelPng;
import io.gainstream.model.synthetic.SyntheticDataset;
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
    List<SyntheticDataset.Sample> samples = SyntheticDataset.generate(new SyntheticDataset.Spec(3, 80, 40, 0.3, false, 0.9, 3));
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
    // rejected: corrupt bytes, unknown class, missing file
    Files.write(images.resolve("corrupt.png"), "definitely not a png".getBytes(StandardCharsets.UTF_8));
    csv.add("sub/corrupt.png,disc");
    csv.add("\"sub/copy.png\",zebra");
    Files.copy(images.resolve(samples.get(0).id() + ".png"), images.resolve("copy.png"));
    csv.add("sub/missing.png,disc");
    Files.write(tmp.resolve("labels.csv"), csv);

    Path out = tmp.resolve("out");
    try (TestKafka kafka = TestKafka.start(tmp.resolve("kafka"))) {
      int rc =
          Gainstream.execute("label", "--images", tmp.resolve("images").toString(), "--labels", tmp.resolve("labels.csv").toString(),
              "--classes", tmp.resolve("classes.txt").toString(), "--out", out.toString(), "--method", "cam", "--train-steps", "60",
              "--bootstrap-servers", kafka.bootstrapServers());
      assertThat(rc).isZero();
    }

    assertThat(Files.readAllLines(out.resolve("classes.txt"))).containsExactlyElementsOf(classes);
    for (SyntheticDataset.Sample s : samples) {
      Path label = out.resolve("SegmentationClass").resolve(s.id() + ".png");
      assertThat(label).exists();
      LabelPng.Decoded d = LabelPng.read(Files.readAllBytes(label), DecodeLimits.defaults());
      assertThat(d.width()).isEqualTo(80);
      assertThat(d.height()).isEqualTo(80);
      for (byte v : d.values()) {
        int k = v & 0xff;
        assertThat(k == 0 || k == 255 || java.util.Arrays.stream(s.classes()).anyMatch(c -> c == k)).isTrue();
      }
    }
    LabelPng.Decoded g = LabelPng.read(Files.readAllBytes(out.resolve("SegmentationClass/gray.png")), DecodeLimits.defaults());
    assertThat(g.width()).isEqualTo(50);
    assertThat(g.height()).isEqualTo(30);
    assertThat(g.values()).as("no label: all background").containsOnly((byte) 0);

    List<String> dead = Files.readAllLines(out.resolve("dead-letters.jsonl"));
    assertThat(dead).hasSize(3);
    assertThat(dead).anySatisfy(l -> assertThat(l).contains("\"image\":\"sub/corrupt.png\"").contains("IMAGE_UNDECODABLE"));
    assertThat(dead).anySatisfy(l -> assertThat(l).contains("\"image\":\"sub/copy.png\"").contains("UNKNOWN_CLASS").contains("zebra"));
    assertThat(dead).anySatisfy(l -> assertThat(l).contains("\"image\":\"sub/missing.png\"").contains("FILE_UNREADABLE"));
    try (var files = Files.list(out.resolve("SegmentationClass"))) {
      assertThat(files.count()).isEqualTo(samples.size() + 1);
    }
    // the VOC layout around the labels, COCO beside it, and the report
    assertThat(out.resolve("JPEGImages/gray.jpg")).hasSameBinaryContentAs(images.resolve("gray.jpg"));
    assertThat(Files.readAllLines(out.resolve("ImageSets/Segmentation/trainval.txt"))).hasSize(samples.size() + 1).contains("gray");
    assertThat(Files.readAllLines(out.resolve("labelmap.txt"))).contains("background:0,0,0::", "disc:128,0,0::");
    assertThat(Files.readString(out.resolve("annotations.json"))).contains("\"file_name\":\"gray.jpg\"").contains("\"counts\"");
    String report = Files.readString(out.resolve("report.html"));
    assertThat(report).contains("class=\"overlay\"").contains("class=\"label\"");
    try (var pictures = Files.list(out.resolve("report"))) {
      assertThat(pictures.filter(f -> f.toString().endsWith(".png")).count()).isGreaterThan(40);
    }
  }
}
