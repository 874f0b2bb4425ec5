package io.gainstream.model.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassCatalogTest {
  @Test
  void shouldNumberClassesFromOneAndSkipABackgroundLine(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("classes.txt");
    Files.writeString(f, "_background_\nboat\n\nperson\n");
    ClassCatalog c = ClassCatalog.read(f);
    assertThat(c.names()).containsExactly("boat", "person");
    assertThat(c.indexOf("person")).isEqualTo(2);
    assertThat(c.parseLabels("person; boat;person")).containsExactly(1, 2);
    assertThat(c.parseLabels("")).isEmpty();
  }

  @Test
  void shouldNameTheUnknownClassAndTheValidOnes() {
    ClassCatalog c = new ClassCatalog(List.of("boat", "person"));
    assertThatThrownBy(() -> c.parseLabels("boat;dog"))
        .isInstanceOf(UnknownClassException.class)
        .hasMessage("unknown class 'dog', expected one of [boat, person]")
        .satisfies(
            e ->
                assertThat(((UnknownClassException) e).reason())
                    .isEqualTo(RejectReason.UNKNOWN_CLASS));
    assertThatThrownBy(() -> c.indicesOf(List.of("boat;person")))
        .isInstanceOf(UnknownClassException.class);
  }

  @Test
  void shouldRejectDuplicateAndEmptyNames() {
    assertThatThrownBy(() -> new ClassCatalog(List.of("a", "a"))).hasMessageContaining("twice");
    assertThatThrownBy(() -> new ClassCatalog(List.of())).hasMessageContaining("no class");
  }

  @Test
  void shouldRejectNamesAnExportCannotWriteBeforeAnyWork() {
    for (String bad : List.of("a:b", "#note", "background", "ignored")) {
      assertThatThrownBy(() -> new ClassCatalog(List.of("cat", bad)))
          .as(bad)
          .hasMessageStartingWith("class 2 '" + bad + "' cannot be written to labelmap.txt");
    }
    assertThat(new ClassCatalog(List.of("cat", "ignored-ish", "a#b")).size()).isEqualTo(3);
  }
}
