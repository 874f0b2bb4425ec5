package io.gainstream.services.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.csv.CSVPrinter;

/**
 * {@code OUT/manifest.csv}: which release labelled each exported image, and when. Labels follow the
 * newest release over time, so an export mixes versions; the manifest is how a user tells which
 * labels came from which model (and re-exports, or drops, the old ones).
 *
 * <p>Columns {@code image,model_version,model_method,labelled_at,mask_model,fusion}: the image id
 * as published, the release version and method, the label time in ISO-8601 UTC (empty when the
 * label predates the field), and, where a mask model was fused into the label, its file name with
 * the first 12 hex digits of its SHA-256 and the fusion rule (both empty otherwise). A manifest of
 * the four older columns still reads. Fields are quoted as Commons CSV's minimal quoting does (the
 * dialect of {@link LabelsCsv}): when they hold a comma, a quote or a line break — the fusion
 * always does — or begin with a space or one of {@code !"#}, or end in a space.
 */
public final class Manifest {
  public static final String FILE = "manifest.csv";
  static final String HEADER = "image,model_version,model_method,labelled_at,mask_model,fusion";

  private static final String OLD_HEADER = "image,model_version,model_method,labelled_at";

  /** One exported label's provenance. */
  public record Row(
      String image,
      long modelVersion,
      String modelMethod,
      long labelledMs,
      String maskModel,
      String fusion) {
    /** A label from the attention alone. */
    public Row(String image, long modelVersion, String modelMethod, long labelledMs) {
      this(image, modelVersion, modelMethod, labelledMs, "", "");
    }
  }

  /**
   * One release and how many exported labels it produced: the COCO {@code info} block names them.
   */
  public record Release(long version, String method, int images) {}

  private Manifest() {}

  public static void write(Path file, List<Row> rows) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        CSVPrinter out = new CSVPrinter(w, LabelsCsv.FORMAT)) {
      out.printRecord((Object[]) HEADER.split(","));
      for (Row r : rows) {
        out.printRecord(
            r.image(),
            r.modelVersion(),
            r.modelMethod(),
            r.labelledMs() > 0 ? Instant.ofEpochMilli(r.labelledMs()).toString() : "",
            r.maskModel(),
            r.fusion());
      }
    }
  }

  /**
   * The rows of a manifest, in file order; a malformed file is an {@link IllegalArgumentException}
   * naming the line.
   */
  public static List<Row> read(Path file) throws IOException {
    List<LabelsCsv.Record> records = LabelsCsv.records(file);
    String header = records.isEmpty() ? "" : String.join(",", records.get(0).fields());
    if (!(header.equals(HEADER) || header.equals(OLD_HEADER))) {
      throw new IllegalArgumentException(file + ": first line must be '" + HEADER + "'");
    }
    int columns = records.get(0).fields().size();
    List<Row> rows = new ArrayList<>();
    for (LabelsCsv.Record r : records.subList(1, records.size())) {
      List<String> f = r.fields();
      if (f.size() != columns) {
        throw new IllegalArgumentException(
            file + " line " + r.line() + ": expected " + columns + " fields, got " + f.size());
      }
      rows.add(
          new Row(
              f.get(0),
              Long.parseLong(f.get(1)),
              f.get(2),
              f.get(3).isEmpty() ? 0 : Instant.parse(f.get(3)).toEpochMilli(),
              columns > 4 ? f.get(4) : "",
              columns > 4 ? f.get(5) : ""));
    }
    return rows;
  }

  /** The releases behind {@code rows}, by version. */
  public static List<Release> releases(List<Row> rows) {
    Map<Long, Release> by = new TreeMap<>();
    for (Row r : rows) {
      by.merge(
          r.modelVersion(),
          new Release(r.modelVersion(), r.modelMethod(), 1),
          (a, b) -> new Release(a.version(), a.method(), a.images() + 1));
    }
    return List.copyOf(by.values());
  }
}
