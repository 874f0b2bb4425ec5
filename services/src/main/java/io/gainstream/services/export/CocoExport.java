package io.gainstream.services.export;

import io.gainstream.services.io.JsonOut;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Writes proxy labels as one COCO instances JSON file, so COCO tools (pycocotools, detectron2,
 * mmdetection, CVAT/Datumaro) can load them. The labels are semantic, not instances: each image
 * gets one annotation per class present in its class map, holding every pixel of that class.
 *
 * <p>Layout: {@code images} (ids 1..N in item order, {@code file_name} from {@link
 * ExportItem#fileName()}), {@code categories} (id = class index 1..C, supercategory {@code object})
 * and {@code annotations} with {@code segmentation} as uncompressed RLE ({@code
 * {"size":[h,w],"counts":[...]}}, see {@link Rle}), {@code area} (pixel count) and {@code bbox}
 * {@code [x, y, w, h]} in whole pixels, both as pycocotools computes them from the mask. Ignore
 * (255) pixels are in no annotation; COCO has no per-pixel ignore, so consumers see them as
 * background.
 *
 * <p>{@code iscrowd} is 0. The COCO release only uses RLE for crowd regions, but readers pick the
 * decoder from the type of {@code counts} (a list means uncompressed RLE), not from {@code
 * iscrowd}: pycocotools' {@code annToRLE} and Datumaro's COCO importer (used by CVAT) both do.
 * Marking the annotations as crowd instead would make COCOeval treat them as regions to ignore and
 * most training loaders drop them, so the labels would silently vanish. Polygon-only loaders need
 * to be told to read masks (detectron2: {@code INPUT.MASK_FORMAT=bitmask}).
 */
public final class CocoExport {
  private CocoExport() {}

  /** Writes (or replaces) {@code file}, creating its folder. */
  public static void write(Path file, List<String> classes, List<ExportItem> items)
      throws IOException {
    write(file, classes, items, List.of());
  }

  /**
   * The same, naming in the {@code info} block the releases that produced the labels: {@code
   * version} lists their versions (COCO's own field, a string), {@code gainstream_releases} each
   * one's version, method and image count, as {@code manifest.csv} has them per image.
   */
  public static void write(
      Path file,
      List<String> classes,
      List<ExportItem> items,
      List<io.gainstream.services.io.Manifest.Release> releases)
      throws IOException {
    ExportChecks.classes(classes);
    ExportChecks.items(items, classes.size());
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      JsonOut j = new JsonOut(w);
      j.beginObject();
      j.name("info").beginObject().name("description").value("gainstream proxy labels");
      if (!releases.isEmpty()) {
        j.name("version")
            .value(
                String.join(",", releases.stream().map(r -> Long.toString(r.version())).toList()));
        j.name("gainstream_releases").beginArray();
        for (io.gainstream.services.io.Manifest.Release r : releases) {
          j.beginObject()
              .name("version")
              .value(r.version())
              .name("method")
              .value(r.method())
              .name("images")
              .value(r.images())
              .endObject();
        }
        j.endArray();
      }
      j.endObject();
      j.name("licenses").beginArray().endArray();
      j.name("images").beginArray();
      for (int i = 0; i < items.size(); i++) {
        ExportItem it = items.get(i);
        j.beginObject()
            .name("id")
            .value(i + 1)
            .name("file_name")
            .value(it.fileName())
            .name("width")
            .value(it.width())
            .name("height")
            .value(it.height())
            .endObject();
      }
      j.endArray();
      j.name("categories").beginArray();
      for (int k = 1; k <= classes.size(); k++) {
        j.beginObject()
            .name("id")
            .value(k)
            .name("name")
            .value(classes.get(k - 1))
            .name("supercategory")
            .value("object")
            .endObject();
      }
      j.endArray();
      j.name("annotations").beginArray();
      long id = 1;
      for (int i = 0; i < items.size(); i++) {
        id = annotations(j, i + 1, items.get(i), classes.size(), id);
      }
      j.endArray();
      j.endObject();
      w.write('\n');
    }
  }

  /** Writes the annotations of one image; returns the next free annotation id. */
  private static long annotations(
      JsonOut j, int imageId, ExportItem it, int classCount, long nextId) throws IOException {
    int w = it.width();
    int h = it.height();
    byte[] map = it.classMap();
    long[] area = new long[classCount + 1];
    int[] minX = new int[classCount + 1];
    int[] minY = new int[classCount + 1];
    int[] maxX = new int[classCount + 1];
    int[] maxY = new int[classCount + 1];
    Arrays.fill(minX, Integer.MAX_VALUE);
    Arrays.fill(minY, Integer.MAX_VALUE);
    for (int y = 0, i = 0; y < h; y++) {
      for (int x = 0; x < w; x++, i++) {
        int k = map[i] & 0xff;
        if (k == 0 || k == ExportItem.IGNORE) {
          continue;
        }
        area[k]++;
        minX[k] = Math.min(minX[k], x);
        minY[k] = Math.min(minY[k], y);
        maxX[k] = Math.max(maxX[k], x);
        maxY[k] = Math.max(maxY[k], y);
      }
    }
    long id = nextId;
    for (int k = 1; k <= classCount; k++) {
      if (area[k] == 0) {
        continue;
      }
      byte value = (byte) k;
      j.beginObject()
          .name("id")
          .value(id++)
          .name("image_id")
          .value(imageId)
          .name("category_id")
          .value(k)
          .name("segmentation")
          .beginObject()
          .name("size")
          .values(h, w)
          .name("counts")
          .values(Rle.encode(p -> map[p] == value, w, h))
          .endObject()
          .name("area")
          .value(area[k])
          .name("bbox")
          .values(minX[k], minY[k], maxX[k] - minX[k] + 1, maxY[k] - minY[k] + 1)
          .name("iscrowd")
          .value(0)
          .endObject();
    }
    return id;
  }
}
