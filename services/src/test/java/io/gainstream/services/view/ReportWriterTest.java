package io.gainstream.services.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
