package io.gainstream.services.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * manifest.csv reads back what was written, whatever the image ids hold, and names its releases.
 */
class ManifestTest {
  @TempDir Path tmp;

  @Test
  void shouldReadBackEveryRowIncludingQuotedIdsAndAMissingTime() throws Exception {
    List<Manifest.Row> rows =
        List.of(
            new Manifest.Row("a/b.png", 3, "gain", 1_764_600_000_123L),
            new Manifest.Row("with,comma \"and quote\".jpg", 4, "gain-ext", 1_764_600_001_000L),
            new Manifest.Row("old.png", 1, "", 0),
            new Manifest.Row("two\nlines, \"quoted\".png", 5, "cam", 1_764_600_002_000L),
            new Manifest.Row(
                "fused.jpg",
                2,
                "gain",
                1,
                "isnet.onnx@b6e8497ba978",
                "hysteresis(fg 0.50, weak 0.10 where attention >= 0.50)"));
    Path f = tmp.resolve(Manifest.FILE);
    Manifest.write(f, rows);
    assertThat(Files.readAllLines(f).get(0))
        .isEqualTo("image,model_version,model_method,labelled_at,mask_model,fusion");
    assertThat(Files.readAllLines(f).get(1)).isEqualTo("a/b.png,3,gain,2025-12-01T14:40:00.123Z,,");
    assertThat(Manifest.read(f)).containsExactlyElementsOf(rows);
  }

  @Test
  void shouldReadAManifestOfTheFourOlderColumns() throws Exception {
    Path f =
        Files.writeString(
            tmp.resolve("old.csv"),
            "image,model_version,model_method,labelled_at\na.png,1,cam,2025-12-01T14:40:00Z\n");
    assertThat(Manifest.read(f))
        .containsExactly(new Manifest.Row("a.png", 1, "cam", 1_764_600_000_000L));
  }

  @Test
  void shouldCountTheLabelsOfEachRelease() {
    List<Manifest.Release> r =
        Manifest.releases(
            List.of(
                new Manifest.Row("x", 2, "gain", 1),
                new Manifest.Row("y", 1, "cam", 1),
                new Manifest.Row("z", 2, "gain", 1)));
    assertThat(r)
        .containsExactly(new Manifest.Release(1, "cam", 1), new Manifest.Release(2, "gain", 2));
  }

  @Test
  void shouldRefuseAFileWithoutItsHeader() throws Exception {
    Path f = Files.writeString(tmp.resolve("m.csv"), "image,labels\n");
    assertThatThrownBy(() -> Manifest.read(f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("first line");
  }
}
