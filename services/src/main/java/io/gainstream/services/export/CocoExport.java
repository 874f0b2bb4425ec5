package io.gainstream.services.export;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.gainstream.services.io.Manifest;
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
  private static final JsonFactory JSON = new JsonFactory();

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
      Path file, List<String> classes, List<ExportItem> items, List<Manifest.Release> releases)
      throws IOException {
    ExportChecks.classes(classes);
    ExportChecks.items(items, classes.size());
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        JsonGenerator j = JSON.createGenerator(w)) {
      j.writeStartObject();
      j.writeObjectFieldStart("info");
      j.writeStringField("description", "gainstream proxy labels");
      if (!releases.isEmpty()) {
        j.writeStringField(
            "version",
            String.join(",", releases.stream().map(r -> Long.toString(r.version())).toList()));
        j.writeArrayFieldStart("gainstream_releases");
        for (Manifest.Release r : releases) {
          j.writeStartObject();
          j.writeNumberField("version", r.version());
          j.writeStringField("method", r.method());
          j.writeNumberField("images", r.images());
          j.writeEndObject();
        }
        j.writeEndArray();
      }
      j.writeEndObject();
      j.writeArrayFieldStart("licenses");
      j.writeEndArray();
      j.writeArrayFieldStart("images");
      for (int i = 0; i < items.size(); i++) {
        ExportItem it = items.get(i);
        j.writeStartObject();
        j.writeNumberField("id", i + 1);
        j.writeStringField("file_name", it.fileName());
        j.writeNumberField("width", it.width());
        j.writeNumberField("height", it.height());
        j.writeEndObject();
      }
      j.writeEndArray();
      j.writeArrayFieldStart("categories");
      for (int k = 1; k <= classes.size(); k++) {
        j.writeStartObject();
        j.writeNumberField("id", k);
        j.writeStringField("name", classes.get(k - 1));
        j.writeStringField("supercategory", "object");
        j.writeEndObject();
      }
      j.writeEndArray();
      j.writeArrayFieldStart("annotations");
      long id = 1;
      for (int i = 0; i < items.size(); i++) {
        id = annotations(j, i + 1, items.get(i), classes.size(), id);
      }
      j.writeEndArray();
      j.writeEndObject();
      j.writeRaw('\n');
    }
  }

  /** Writes the annotations of one image; returns the next free annotation id. */
  private static long annotations(
      JsonGenerator j, int imageId, ExportItem it, int classCount, long nextId) throws IOException {
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
      j.writeStartObject();
      j.writeNumberField("id", id++);
      j.writeNumberField("image_id", imageId);
      j.writeNumberField("category_id", k);
      j.writeObjectFieldStart("segmentation");
      j.writeFieldName("size");
      j.writeArray(new int[] {h, w}, 0, 2);
      int[] counts = Rle.encode(p -> map[p] == value, w, h);
      j.writeFieldName("counts");
      j.writeArray(counts, 0, counts.length);
      j.writeEndObject();
      j.writeNumberField("area", area[k]);
      j.writeFieldName("bbox");
      j.writeArray(
          new int[] {minX[k], minY[k], maxX[k] - minX[k] + 1, maxY[k] - minY[k] + 1}, 0, 4);
      j.writeNumberField("iscrowd", 0);
      j.writeEndObject();
    }
    return id;
  }
}
