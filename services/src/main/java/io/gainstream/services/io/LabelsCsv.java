package io.gainstream.services.io;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The labels CSV of the {@code label} contract: header {@code image,labels}; {@code image} a path
 * relative to the images folder, {@code labels} class names separated by {@code ;}. Fields may be
 * quoted (RFC 4180, read by Commons CSV), so paths with commas, quotes or line breaks work.
 */
public final class LabelsCsv {
  /** One row: the image's relative path and its label names (possibly none). */
  public record Row(int line, String image, List<String> labels) {}

  /** One record of a CSV file and the line it starts on (1-based). */
  record Record(int line, List<String> fields) {}

  /**
   * The RFC 4180 dialect of both CSV files of the contract (this and {@link Manifest}): quoted
   * fields may hold commas, quotes and line breaks; written lines end in {@code \n}, and either
   * line ending is read.
   */
  static final CSVFormat FORMAT =
      CSVFormat.RFC4180.builder().setRecordSeparator('\n').setIgnoreEmptyLines(true).get();

  private LabelsCsv() {}

  /**
   * @throws IllegalArgumentException naming the line when the file is malformed
   */
  public static List<Row> read(Path csv) throws IOException {
    List<Record> records = records(csv);
    if (records.isEmpty()) {
      throw new IllegalArgumentException(csv + " is empty; expected the header 'image,labels'");
    }
    List<String> h = records.get(0).fields();
    if (h.size() != 2 || !h.get(0).trim().equals("image") || !h.get(1).trim().equals("labels")) {
      throw new IllegalArgumentException(
          csv
              + ": the first line must be the header 'image,labels', got '"
              + String.join(",", h)
              + "'");
    }
    List<Row> rows = new ArrayList<>();
    for (Record r : records.subList(1, records.size())) {
      List<String> f = r.fields();
      if (f.size() != 2) {
        throw new IllegalArgumentException(
            csv + " line " + r.line() + ": expected 2 fields (image,labels), got " + f.size());
      }
      String image = f.get(0).trim();
      if (image.isEmpty()) {
        throw new IllegalArgumentException(csv + " line " + r.line() + ": empty image path");
      }
      List<String> labels = new ArrayList<>();
      for (String l : f.get(1).split(";")) {
        if (!l.isBlank()) {
          labels.add(l.trim());
        }
      }
      rows.add(new Row(r.line(), image, labels));
    }
    return rows;
  }

  /**
   * Every non-empty record of a CSV file in {@link #FORMAT}, a leading byte-order mark dropped.
   *
   * @throws IllegalArgumentException naming the line of a field whose quote never closes
   */
  static List<Record> records(Path csv) throws IOException {
    String text = Files.readString(csv, StandardCharsets.UTF_8);
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    List<Record> out = new ArrayList<>();
    try (CSVParser p = CSVParser.parse(new StringReader(text), FORMAT)) {
      // the line a record starts on: one past the line the previous record ended on, and past any
      // empty lines the parser skipped (counted from the text itself)
      String[] lines = text.split("\r\n|\r|\n", -1);
      long ended = 0;
      for (CSVRecord r : p) {
        int start = (int) ended + 1;
        while (start <= lines.length && lines[start - 1].isBlank()) {
          start++;
        }
        List<String> fields = r.toList();
        if (fields.stream().allMatch(String::isBlank)) {
          // a line of spaces: empty, as a line with nothing on it is
          ended = p.getCurrentLineNumber();
          continue;
        }
        out.add(new Record(start, fields));
        ended = p.getCurrentLineNumber();
      }
    } catch (UncheckedIOException e) {
      throw new IllegalArgumentException(
          csv
              + ": unterminated quote or malformed quoted field ("
              + e.getCause().getMessage()
              + ")");
    }
    return out;
  }
}
