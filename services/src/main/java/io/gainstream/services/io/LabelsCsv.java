package io.gainstream.services.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The labels CSV of the {@code label} contract: header {@code image,labels}; {@code image} a path
 * relative to the images folder, {@code labels} class names separated by {@code ;}. Fields may be
 * quoted (RFC 4180), so paths with commas work.
 */
public final class LabelsCsv {
  /** One row: the image's relative path and its label names (possibly none). */
  public record Row(int line, String image, List<String> labels) {}

  private LabelsCsv() {}

  /**
   * @throws IllegalArgumentException naming the line when the file is malformed
   */
  public static List<Row> read(Path csv) throws IOException {
    List<Row> rows = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
      String header = r.readLine();
      if (header == null) {
        throw new IllegalArgumentException(csv + " is empty; expected the header 'image,labels'");
      }
      List<String> h = fields(header.replace("\uFEFF", ""), 1);
      if (h.size() != 2 || !h.get(0).trim().equals("image") || !h.get(1).trim().equals("labels")) {
        throw new IllegalArgumentException(
            csv + ": the first line must be the header 'image,labels', got '" + header + "'");
      }
      String line;
      int n = 1;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        List<String> f = fields(line, n);
        if (f.size() != 2) {
          throw new IllegalArgumentException(
              csv + " line " + n + ": expected 2 fields (image,labels), got " + f.size());
        }
        String image = f.get(0).trim();
        if (image.isEmpty()) {
          throw new IllegalArgumentException(csv + " line " + n + ": empty image path");
        }
        List<String> labels = new ArrayList<>();
        for (String l : f.get(1).split(";")) {
          if (!l.isBlank()) {
            labels.add(l.trim());
          }
        }
        rows.add(new Row(n, image, labels));
      }
    }
    return rows;
  }

  static List<String> fields(String line, int n) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cur.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("line " + n + ": unterminated quote");
    }
    out.add(cur.toString());
    return out;
  }
}
