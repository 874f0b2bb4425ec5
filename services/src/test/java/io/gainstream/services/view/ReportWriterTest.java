package io.gainstream.services.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.gainstream.model.image.ImageBytes;
import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.labels.LabelPng;
import io.gainstream.proto.v1.ProxyLabel;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
  @TempDir Path out;

  private static final ReportWriter.Table QUALITY =
      new ReportWriter.Table(
          List.of("method", "mIoU"), List.of(List.of("gain", "0.512"), List.of("<cam>", "0.4")));

  @Test
  void shouldWriteTheQualityTableAndOneCardPerImageWithEveryValueEscaped() throws Exception {
    Path dir = Files.createDirectories(out.resolve("report"));
    for (String f :
        List.of("a.0-image.png", "a.1-cat.png", "a.2-label.png", "b&c.2-label-unfused.png")) {
      Files.write(dir.resolve(f), new byte[] {1});
    }
    Files.write(dir.resolve("notes.txt"), new byte[] {1});
    String html = Files.readString(ReportWriter.html(out, "demo <b>&</b>", QUALITY));

    assertThat(html)
        .contains("<title>demo &lt;b&gt;&amp;&lt;/b&gt;</title>")
        .contains("<tr><th>method</th><th>mIoU</th></tr>")
        .contains("<tr><td>gain</td><td>0.512</td></tr>")
        .contains("<td>&lt;cam&gt;</td>")
        .contains("Proxy labels (2 shown)")
        .contains("<img class=\"overlay\" src=\"report/a.1-cat.png\" alt=\"cat\">")
        .contains("<img class=\"label\" src=\"report/b&amp;c.2-label-unfused.png\"")
        .contains("<figcaption>label-unfused</figcaption>")
        .doesNotContain("notes.txt");
  }

  @Test
  void shouldDrawAPhotosPicturesAtTheShownSizeNotItsOwn() throws Exception {
    int w = 2000;
    int h = 1000;
    byte[] values = new byte[w * h];
    java.util.Arrays.fill(values, 0, w * h / 2, (byte) 1);
    byte[] soft = new byte[w * h];
    java.util.Arrays.fill(soft, (byte) 200);
    ProxyLabel label =
        ProxyLabel.newBuilder()
            .setImageId("photo.jpg")
            .setWidth(w)
            .setHeight(h)
            .setClassPng(ByteString.copyFrom(LabelPng.writePalette(values, w, h)))
            .setUnfusedClassPng(ByteString.copyFrom(LabelPng.writePalette(new byte[w * h], w, h)))
            .putSoftMasks("cat", ByteString.copyFrom(LabelPng.writeGray(soft, w, h)))
            .build();
    byte[] photo = ImageBytes.encode(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), "jpeg");
    ReportWriter.pictures(out, List.of(new ReportWriter.Item("photo", photo, label)));

    try (var files = Files.list(out.resolve("report"))) {
      List<Path> pictures = files.sorted().toList();
      assertThat(pictures)
          .extracting(p -> p.getFileName().toString())
          .containsExactly(
              "photo.0-image.png",
              "photo.1-cat.png",
              "photo.2-label-unfused.png",
              "photo.2-label.png");
      for (Path p : pictures) {
        BufferedImage img = ImageIO.read(p.toFile());
        assertThat(img.getWidth()).as(p.toString()).isEqualTo(512);
        assertThat(img.getHeight()).as(p.toString()).isEqualTo(256);
      }
    }
    LabelPng.Decoded shown =
        LabelPng.read(
            Files.readAllBytes(out.resolve("report/photo.2-label.png")), DecodeLimits.defaults());
    assertThat(shown.values()[10 * 512 + 10]).as("top half: the class").isEqualTo((byte) 1);
    assertThat(shown.values()[250 * 512 + 10]).as("bottom half: background").isEqualTo((byte) 0);
  }

  @Test
  void shouldLeaveTheQualitySectionOutWithoutATable() throws Exception {
    String html = Files.readString(ReportWriter.html(out, "labels", null));
    assertThat(html).doesNotContain("Quality against").contains("Proxy labels (0 shown)");
  }

  @Test
  void shouldPrintTheTableAsMarkdownWithNumbersRightAligned() {
    assertThat(QUALITY.markdown())
        .isEqualTo("| method | mIoU |\n|---|---:|\n| gain | 0.512 |\n| <cam> | 0.4 |\n");
    assertThatThrownBy(() -> new ReportWriter.Table(List.of("a", "b"), List.of(List.of("1"))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
