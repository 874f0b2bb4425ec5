package io.gainstream.services.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelsCsvTest {
  @TempDir Path tmp;

  @Test
  void shouldReadQuotedPathsAndEmptyLabelLists() throws Exception {
    Path f =
        Files.writeString(
            tmp.resolve("l.csv"),
            "image,labels\n\"a,b.png\",boat; person\nc.jpg,\n\n\"d\"\"q\"\".png\",boat\n");
    List<LabelsCsv.Row> rows = LabelsCsv.read(f);
    assertThat(rows).hasSize(3);
    assertThat(rows.get(0).image()).isEqualTo("a,b.png");
    assertThat(rows.get(0).labels()).containsExactly("boat", "person");
    assertThat(rows.get(1).labels()).isEmpty();
    assertThat(rows.get(2).image()).isEqualTo("d\"q\".png");
    assertThat(rows.get(2).line()).isEqualTo(5);
  }

  @Test
  void shouldReadAQuotedCommaAndLineBreakAndCountLinesAcrossThem() throws Exception {
    Path f =
        Files.writeString(
            tmp.resolve("n.csv"),
            "\uFEFFimage,labels\r\n\"two\nlines, one.png\",\"boat;\nperson\"\r\nnext.png,boat\r\n");
    List<LabelsCsv.Row> rows = LabelsCsv.read(f);
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).image()).isEqualTo("two\nlines, one.png");
    assertThat(rows.get(0).labels()).containsExactly("boat", "person");
    assertThat(rows.get(0).line()).isEqualTo(2);
    assertThat(rows.get(1).image()).isEqualTo("next.png");
    assertThat(rows.get(1).line()).as("after a record of three lines").isEqualTo(5);
  }

  @Test
  void shouldSkipLinesOfSpacesAndCountOldMacLineEnds() throws Exception {
    Path f =
        Files.writeString(tmp.resolve("s.csv"), "image,labels\r   \r\"a\rb.png\",boat\rc.png,\r");
    List<LabelsCsv.Row> rows = LabelsCsv.read(f);
    assertThat(rows).extracting(LabelsCsv.Row::image).containsExactly("a\rb.png", "c.png");
    assertThat(rows).extracting(LabelsCsv.Row::line).containsExactly(3, 5);
  }

  @Test
  void shouldNameTheProblemOfAMalformedFile() throws Exception {
    assertThatThrownBy(() -> LabelsCsv.read(Files.writeString(tmp.resolve("a.csv"), "")))
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> LabelsCsv.read(Files.writeString(tmp.resolve("b.csv"), "img,lab\n")))
        .hasMessageContaining("header 'image,labels'");
    assertThatThrownBy(
            () ->
                LabelsCsv.read(
                    Files.writeString(tmp.resolve("c.csv"), "image,labels\na.png,b,c\n")))
        .hasMessageContaining("line 2");
    assertThatThrownBy(
            () ->
                LabelsCsv.read(
                    Files.writeString(tmp.resolve("d.csv"), "image,labels\n\"a.png,b\n")))
        .hasMessageContaining("unterminated quote");
  }

  @Test
  void shouldDeriveIdsAndStems() {
    assertThat(ImagePublisher.idOf("sub\\x.png")).isEqualTo("sub/x.png");
    assertThat(ImagePublisher.stemOf("sub/x.tar.png")).isEqualTo("x.tar");
    assertThat(ImagePublisher.stemOf(".hidden")).isEqualTo(".hidden");
    assertThat(Json.object(java.util.Map.of("a", "q\"\n\\"))).isEqualTo("{\"a\":\"q\\\"\\n\\\\\"}");
  }
}
