package io.gainstream.services.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.input.ExifJpegs;
import io.gainstream.model.input.ExifOrientation;
import io.gainstream.model.labels.LabelPng;
import io.gainstream.model.labels.VocPalette;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocExportTest {
  private static final List<String> CLASSES = List.of("cat", "dog", "boat");

  @TempDir Path root;

  private static final byte X = (byte) 255;
  private static final byte[] JPEG = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0, 1, 2, 3};

  private static List<ExportItem> items() {
    return List.of(
        new ExportItem("b", JPEG, "jpg", 4, 3, new byte[] {0, 1, 1, 0, 2, 2, X, 0, 3, 0, 0, X}),
        new ExportItem("a", null, null, 5, 2, new byte[] {0, 0, 0, 0, 0, 1, 1, 1, 1, 1}),
        new ExportItem("c", new byte[] {9, 9}, "png", 1, 3, new byte[] {X, X, X}));
  }

  @Test
  void shouldWriteTheVocLayoutThatReadsBackToTheSameClassIndices() throws Exception {
    List<ExportItem> items = items();
    VocExport.write(root, CLASSES, items, Map.of("b", "val"));

    assertThat(Files.readAllBytes(root.resolve("JPEGImages/b.jpg"))).isEqualTo(JPEG);
    assertThat(Files.readAllBytes(root.resolve("JPEGImages/c.png"))).containsExactly(9, 9);
    assertThat(root.resolve("JPEGImages/a.png")).doesNotExist();

    for (ExportItem it : items) {
      byte[] png = Files.readAllBytes(root.resolve("SegmentationClass/" + it.stem() + ".png"));
      LabelPng.Decoded d = LabelPng.read(png, DecodeLimits.defaults());
      assertThat(d.palette()).as(it.stem()).isTrue();
      assertThat(d.width()).as(it.stem()).isEqualTo(it.width());
      assertThat(d.height()).as(it.stem()).isEqualTo(it.height());
      assertThat(d.values()).as(it.stem()).isEqualTo(it.classMap());

      BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
      assertThat(img.getColorModel()).isInstanceOf(IndexColorModel.class);
      IndexColorModel cm = (IndexColorModel) img.getColorModel();
      assertThat(cm.getPixelSize()).isEqualTo(8);
      assertThat(cm.getMapSize()).isEqualTo(256);
      for (int k = 0; k < 256; k++) {
        assertThat(cm.getRGB(k) & 0xffffff).as("palette entry %d", k).isEqualTo(VocPalette.rgb(k));
      }
    }
    IndexColorModel cm =
        (IndexColorModel)
            ImageIO.read(root.resolve("SegmentationClass/c.png").toFile()).getColorModel();
    assertThat(cm.getRGB(255) & 0xffffff).as("ignore is VOC's cream").isEqualTo(0xe0e0c0);
    assertThat(cm.getRGB(1) & 0xffffff).as("class 1 is VOC's dark red").isEqualTo(0x800000);

    Path sets = root.resolve("ImageSets/Segmentation");
    assertThat(Files.readAllLines(sets.resolve("train.txt"))).containsExactly("a", "c");
    assertThat(Files.readAllLines(sets.resolve("val.txt"))).containsExactly("b");
    assertThat(Files.readAllLines(sets.resolve("trainval.txt"))).containsExactly("a", "b", "c");
    try (var files = Files.list(sets)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("train.txt", "val.txt", "trainval.txt");
    }

    assertThat(Files.readAllLines(root.resolve("labelmap.txt")))
        .containsExactly(
            "# label:color_rgb:parts:actions",
            "background:0,0,0::",
            "cat:128,0,0::",
            "dog:0,128,0::",
            "boat:128,128,0::",
            "ignored:224,224,192::");
  }

  @Test
  void shouldClearAJpegsExifOrientationSoThatEveryReaderPairsItWithItsLabel() throws Exception {
    byte[] turned = ExifJpegs.tagged(ExifJpegs.jpeg(2, 1), 6, false, false);
    VocExport.write(
        root, CLASSES, List.of(new ExportItem("p", turned, "jpg", 2, 1, new byte[] {0, 1})), null);

    byte[] written = Files.readAllBytes(root.resolve("JPEGImages/p.jpg"));
    assertThat(ExifOrientation.of(turned)).isEqualTo(6);
    assertThat(ExifOrientation.of(written)).isEqualTo(ExifOrientation.AS_STORED);
    assertThat(written).hasSameSizeAs(turned);
    int differing = 0;
    for (int i = 0; i < turned.length; i++) {
      differing += turned[i] != written[i] ? 1 : 0;
    }
    assertThat(differing).as("one value rewritten, nothing re-encoded").isEqualTo(1);
  }

  @Test
  void shouldPutEveryStemInTrainWithoutASplitMap() throws Exception {
    VocExport.write(root, CLASSES, items(), null);
    Path sets = root.resolve("ImageSets/Segmentation");
    assertThat(Files.readAllLines(sets.resolve("train.txt"))).containsExactly("a", "b", "c");
    assertThat(Files.readAllLines(sets.resolve("trainval.txt"))).containsExactly("a", "b", "c");
  }

  @Test
  void shouldWriteThePipelinesLabelPngAsItIs() throws Exception {
    byte[] map = {0, 1, 1, 0, 2, 2};
    // the pipeline's PNG for this map, with an extra text chunk a re-encoding would drop
    byte[] png = withComment(io.gainstream.model.labels.LabelPng.writePalette(map, 3, 2));
    VocExport.write(root, CLASSES, List.of(new ExportItem("p", null, null, 3, 2, map, png)), null);
    assertThat(Files.readAllBytes(root.resolve("SegmentationClass/p.png"))).isEqualTo(png);
  }

  /** The PNG with a tEXt chunk inserted after IHDR (8-byte signature + 25-byte IHDR chunk). */
  private static byte[] withComment(byte[] png) {
    byte[] text = "Comment\0kept".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update("tEXt".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    crc.update(text);
    java.nio.ByteBuffer chunk = java.nio.ByteBuffer.allocate(12 + text.length);
    chunk
        .putInt(text.length)
        .put("tEXt".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))
        .put(text)
        .putInt((int) crc.getValue());
    byte[] out = new byte[png.length + chunk.capacity()];
    System.arraycopy(png, 0, out, 0, 33);
    System.arraycopy(chunk.array(), 0, out, 33, chunk.capacity());
    System.arraycopy(png, 33, out, 33 + chunk.capacity(), png.length - 33);
    return out;
  }

  @Test
  void shouldRefuseWhatTheLayoutCannotHold() {
    assertThatThrownBy(() -> VocExport.write(root, List.of("a:b"), List.of(), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("labelmap");
    assertThatThrownBy(() -> VocExport.write(root, List.of("background"), List.of(), Map.of()))
        .hasMessageContaining("labelmap");
    assertThatThrownBy(() -> VocExport.write(root, List.of("ignored"), List.of(), Map.of()))
        .hasMessageContaining("labelmap");
    assertThatThrownBy(() -> VocExport.write(root, List.of("cat", "cat"), List.of(), Map.of()))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> VocExport.write(root, List.of("cat"), items(), Map.of()))
        .hasMessageContaining("value 2");
    assertThatThrownBy(() -> VocExport.write(root, CLASSES, items(), Map.of("a", "../x")))
        .hasMessageContaining("bad split name");
    assertThatThrownBy(() -> VocExport.write(root, CLASSES, items(), Map.of("a", "trainval")))
        .hasMessageContaining("bad split name");
    assertThatThrownBy(() -> new ExportItem("x/y", null, null, 1, 1, new byte[1]))
        .hasMessageContaining("stem");
    assertThatThrownBy(() -> new ExportItem("x", new byte[1], null, 1, 1, new byte[1]))
        .hasMessageContaining("extension");
    assertThatThrownBy(() -> new ExportItem("x", null, null, 2, 2, new byte[3]))
        .hasMessageContaining("must hold 4");
    assertThat(root.resolve("labelmap.txt")).doesNotExist();
  }
}
