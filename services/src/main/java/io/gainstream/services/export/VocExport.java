package io.gainstream.services.export;

import io.gainstream.model.input.ClassCatalog;
import io.gainstream.model.input.ExifOrientation;
import io.gainstream.model.labels.LabelPng;
import io.gainstream.model.labels.VocPalette;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Writes proxy labels in the PASCAL VOC segmentation layout, the format most segmentation code and
 * CVAT ("Segmentation mask 1.1") read without conversion:
 *
 * <pre>
 * JPEGImages/&lt;stem&gt;.&lt;ext&gt;          original image bytes, as given (any format; a JPEG's EXIF
 *                                  orientation tag cleared, see below)
 * SegmentationClass/&lt;stem&gt;.png    8-bit palette PNG of class indices, VOC colour map
 * ImageSets/Segmentation/&lt;split&gt;.txt, trainval.txt   sorted stems, one per line
 * labelmap.txt                     label:color_rgb:parts:actions lines, as CVAT reads them
 * </pre>
 *
 * <p>Index 255 (ignore) keeps VOC's cream colour, and labelmap.txt ends with a line for it, {@code
 * ignored:224,224,192::}. CVAT imports "Segmentation mask 1.1" through Datumaro, which reads a
 * palette PNG as colours and maps each colour through labelmap.txt; a colour the file does not
 * declare fails the item ("Undeclared color"), so a label with uncertain pixels would not import at
 * all. Datumaro's own VOC label map names index 255 {@code ignored} with this colour; here it is
 * the same. In CVAT the uncertain pixels then arrive as a mask of the label {@code ignored}, to be
 * reviewed or deleted (README, "Output"). Files are written into {@code root} as they are; files of
 * an earlier export that are not rewritten stay.
 *
 * <p>Labels follow an image's pixels as stored. A photo whose EXIF orientation tag turns it on
 * screen (a phone's portrait shot) would otherwise pair with its label in the readers that ignore
 * the tag and be turned against it in those that apply it ({@code cv2.imread}, which MMSegmentation
 * loads with, and PIL's {@code exif_transpose}); its copy here has the tag set to "as stored", one
 * value changed and nothing re-encoded ({@link ExifOrientation#cleared}), so that every reader
 * pairs them.
 */
public final class VocExport {
  /** Split of stems missing from the split map. */
  public static final String DEFAULT_SPLIT = "train";

  private static final String ALL = "trainval";
  private static final Pattern SPLIT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

  private VocExport() {}

  /**
   * Writes the dataset under {@code root}.
   *
   * @param classes class names; class index k (1-based) is {@code classes.get(k - 1)}
   * @param split split name per stem ({@link #DEFAULT_SPLIT} when absent; may be null); stems of no
   *     item are ignored
   */
  public static void write(
      Path root, List<String> classes, List<ExportItem> items, Map<String, String> split)
      throws IOException {
    ExportChecks.classes(classes);
    for (String c : classes) {
      if (c.contains(":") || c.startsWith("#") || c.equals("background") || c.equals(IGNORED)) {
        throw new IllegalArgumentException(
            "class name '" + c + "' cannot be written to labelmap.txt");
      }
    }
    ExportChecks.items(items, classes.size());
    Map<String, List<String>> bySplit = new TreeMap<>();
    List<String> all = new ArrayList<>();
    for (ExportItem it : items) {
      String s = split == null ? DEFAULT_SPLIT : split.getOrDefault(it.stem(), DEFAULT_SPLIT);
      if (s == null || !SPLIT_NAME.matcher(s).matches() || s.equals(ALL)) {
        throw new IllegalArgumentException(
            "bad split name '" + s + "' for " + it.stem() + " (" + ALL + " holds every image)");
      }
      bySplit.computeIfAbsent(s, k -> new ArrayList<>()).add(it.stem());
      all.add(it.stem());
    }

    Path images = Files.createDirectories(root.resolve("JPEGImages"));
    Path masks = Files.createDirectories(root.resolve("SegmentationClass"));
    Path sets = Files.createDirectories(root.resolve("ImageSets").resolve("Segmentation"));
    for (ExportItem it : items) {
      if (it.image() != null) {
        Files.write(images.resolve(it.fileName()), ExifOrientation.cleared(it.image()));
      }
      // the pipeline's PNG is already this palette PNG: written as it is, not decoded and encoded
      // again
      Files.write(
          masks.resolve(it.stem() + ".png"),
          it.classPng() != null
              ? it.classPng()
              : LabelPng.writePalette(it.classMap(), it.width(), it.height()));
    }
    for (Map.Entry<String, List<String>> e : bySplit.entrySet()) {
      writeList(sets.resolve(e.getKey() + ".txt"), e.getValue());
    }
    writeList(sets.resolve(ALL + ".txt"), all);
    Files.writeString(root.resolve("labelmap.txt"), labelmap(classes), StandardCharsets.UTF_8);
  }

  /** The name labelmap.txt gives index 255, as Datumaro's VOC label map does. */
  static final String IGNORED = ClassCatalog.IGNORED;

  /**
   * The labelmap.txt text: header, background, one line per class in index order, then {@link
   * #IGNORED} for index 255.
   */
  static String labelmap(List<String> classes) {
    StringBuilder b = new StringBuilder("# label:color_rgb:parts:actions\n");
    b.append("background:").append(color(0)).append("::\n");
    for (int k = 1; k <= classes.size(); k++) {
      b.append(classes.get(k - 1)).append(':').append(color(k)).append("::\n");
    }
    b.append(IGNORED).append(':').append(color(255)).append("::\n");
    return b.toString();
  }

  private static String color(int k) {
    int c = VocPalette.rgb(k);
    return ((c >> 16) & 0xff) + "," + ((c >> 8) & 0xff) + "," + (c & 0xff);
  }

  private static void writeList(Path file, List<String> stems) throws IOException {
    List<String> sorted = new ArrayList<>(stems);
    sorted.sort(null);
    StringBuilder b = new StringBuilder();
    for (String s : sorted) {
      b.append(s).append('\n');
    }
    Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
  }
}
