package io.gainstream.services.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CocoExportTest {
  private static final List<String> CLASSES = List.of("cat", "dog \"big\"", "boat\\sea");

  @TempDir Path tmp;

  /**
   * Random class maps: each image uses a random subset of the classes, plus background and ignore.
   */
  private static List<ExportItem> randomItems() {
    Random rnd = new Random(7);
    int[][] shapes = {{1, 1}, {7, 5}, {5, 7}, {16, 9}, {1, 13}, {32, 32}};
    List<ExportItem> items = new ArrayList<>();
    for (int n = 0; n < shapes.length; n++) {
      int w = shapes[n][0];
      int h = shapes[n][1];
      List<Integer> values = new ArrayList<>(List.of(0, 255));
      for (int k = 1; k <= CLASSES.size(); k++) {
        if (rnd.nextBoolean()) {
          values.add(k);
        }
      }
      byte[] map = new byte[w * h];
      for (int i = 0; i < map.length; i++) {
        map[i] = (byte) (int) values.get(rnd.nextInt(values.size()));
      }
      byte[] image = n == 1 ? new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff} : null;
      items.add(new ExportItem("img" + n, image, n == 1 ? "jpg" : null, w, h, map));
    }
    items.add(
        new ExportItem(
            "solid", null, ".jpeg", 4, 3, new byte[] {2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2}));
    return items;
  }

  /**
   * Expands uncompressed COCO RLE, written independently of {@link Rle} so both check each other.
   */
  private static boolean[] expand(JsonNode counts, int w, int h) {
    boolean[] m = new boolean[w * h];
    int j = 0;
    for (int r = 0; r < counts.size(); r++) {
      for (int c = 0; c < counts.get(r).asInt(); c++, j++) {
        int x = j / h;
        int y = j % h;
        m[y * w + x] = r % 2 == 1;
      }
    }
    assertThat(j).isEqualTo(w * h);
    return m;
  }

  @Test
  void shouldWriteEveryClassOfEveryImageAsAnExactRleMask() throws Exception {
    List<ExportItem> items = randomItems();
    Path file = tmp.resolve("out/annotations/instances.json");
    CocoExport.write(file, CLASSES, items);
    JsonNode root = new ObjectMapper().readTree(file.toFile());

    JsonNode images = root.get("images");
    assertThat(images).hasSize(items.size());
    for (int i = 0; i < items.size(); i++) {
      JsonNode img = images.get(i);
      assertThat(img.get("id").asInt()).isEqualTo(i + 1);
      assertThat(img.get("width").asInt()).isEqualTo(items.get(i).width());
      assertThat(img.get("height").asInt()).isEqualTo(items.get(i).height());
    }
    assertThat(images.get(0).get("file_name").asText()).isEqualTo("img0.png");
    assertThat(images.get(1).get("file_name").asText()).isEqualTo("img1.jpg");
    assertThat(images.get(items.size() - 1).get("file_name").asText()).isEqualTo("solid.jpeg");

    JsonNode cats = root.get("categories");
    assertThat(cats).hasSize(CLASSES.size());
    for (int k = 1; k <= CLASSES.size(); k++) {
      assertThat(cats.get(k - 1).get("id").asInt()).isEqualTo(k);
      assertThat(cats.get(k - 1).get("name").asText()).isEqualTo(CLASSES.get(k - 1));
      assertThat(cats.get(k - 1).get("supercategory").asText()).isEqualTo("object");
    }

    Set<Long> ids = new HashSet<>();
    Set<String> seen = new HashSet<>();
    for (JsonNode a : root.get("annotations")) {
      assertThat(ids.add(a.get("id").asLong())).as("unique annotation ids").isTrue();
      ExportItem it = items.get(a.get("image_id").asInt() - 1);
      int k = a.get("category_id").asInt();
      int w = it.width();
      int h = it.height();
      assertThat(seen.add(it.stem() + "/" + k)).as("one annotation per image and class").isTrue();
      assertThat(a.get("iscrowd").asInt()).isZero();
      JsonNode seg = a.get("segmentation");
      assertThat(seg.get("size").get(0).asInt()).isEqualTo(h);
      assertThat(seg.get("size").get(1).asInt()).isEqualTo(w);
      int[] counts = new int[seg.get("counts").size()];
      for (int r = 0; r < counts.length; r++) {
        counts[r] = seg.get("counts").get(r).asInt();
      }

      boolean[] expected = new boolean[w * h];
      long area = 0;
      int x0 = w;
      int y0 = h;
      int x1 = -1;
      int y1 = -1;
      for (int i = 0; i < expected.length; i++) {
        expected[i] = (it.classMap()[i] & 0xff) == k;
        if (expected[i]) {
          area++;
          x0 = Math.min(x0, i % w);
          y0 = Math.min(y0, i / w);
          x1 = Math.max(x1, i % w);
          y1 = Math.max(y1, i / w);
        }
      }
      String what = it.stem() + " class " + k;
      assertThat(expand(seg.get("counts"), w, h)).as(what).containsExactly(expected);
      assertThat(Rle.decode(counts, w, h)).as(what).containsExactly(expected);
      assertThat(a.get("area").asLong()).as(what).isEqualTo(area);
      assertThat(
              List.of(
                  a.get("bbox").get(0).asInt(),
                  a.get("bbox").get(1).asInt(),
                  a.get("bbox").get(2).asInt(),
                  a.get("bbox").get(3).asInt()))
          .as(what)
          .containsExactly(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
    }

    // every class present in a class map (ignore and background excluded) has its annotation
    Set<String> present = new HashSet<>();
    for (ExportItem it : items) {
      for (byte b : it.classMap()) {
        int v = b & 0xff;
        if (v != 0 && v != 255) {
          present.add(it.stem() + "/" + v);
        }
      }
    }
    assertThat(seen).isEqualTo(present);
    assertThat(seen).contains("solid/2");
  }

  @Test
  void shouldWriteAValidFileWithoutAnyItems() throws Exception {
    Path file = tmp.resolve("empty.json");
    CocoExport.write(file, CLASSES, List.of());
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    assertThat(root.get("images")).isEmpty();
    assertThat(root.get("annotations")).isEmpty();
    assertThat(root.get("categories")).hasSize(3);
  }

  @Test
  void shouldRefuseClassIndicesBeyondTheClassList() {
    ExportItem bad = new ExportItem("x", null, null, 2, 1, new byte[] {1, 4});
    assertThatThrownBy(() -> CocoExport.write(tmp.resolve("bad.json"), CLASSES, List.of(bad)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("value 4 at x=1, y=0");
    ExportItem a = new ExportItem("x", null, null, 1, 1, new byte[] {0});
    assertThatThrownBy(() -> CocoExport.write(tmp.resolve("dup.json"), CLASSES, List.of(a, a)))
        .hasMessageContaining("same files");
  }
}
