package io.gainstream.services.view;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.google.protobuf.ByteString;
import io.gainstream.proto.v1.ProxyLabel;
import java.awt.Dimension;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The static report {@code label} and {@code demo} leave beside their output: {@code report.html}
 * with a grid of images, their attention overlays and proxy labels, and the quality table when
 * ground truth was given. Pictures go to {@code report/} as files, so the page opens offline and
 * {@link #html} can be rewritten later (the demo adds its quality table after scoring).
 */
public final class ReportWriter {
  /** Images shown in the report. */
  public static final int MAX_IMAGES = 48;

  /** One labelled image: its output stem, original bytes (or null) and label. */
  public record Item(String stem, byte[] image, ProxyLabel label) {}

  private ReportWriter() {}

  /**
   * Writes the pictures of up to {@link #MAX_IMAGES} items (in stem order), each at most {@link
   * Overlays#SHOWN} on its longer side.
   */
  public static void pictures(Path out, List<Item> items) throws IOException {
    Path dir = Files.createDirectories(out.resolve("report"));
    List<Item> sorted = new ArrayList<>(items);
    sorted.sort((a, b) -> a.stem().compareTo(b.stem()));
    for (Item it : sorted.subList(0, Math.min(MAX_IMAGES, sorted.size()))) {
      ProxyLabel l = it.label();
      int w = l.getWidth();
      int h = l.getHeight();
      Dimension d = Overlays.shown(w, h);
      BufferedImage base = null;
      if (it.image() != null) {
        try {
          base = Overlays.fit(Overlays.decode(it.image()), d.width, d.height);
          Files.write(dir.resolve(it.stem() + ".0-image.png"), Overlays.png(base));
        } catch (RuntimeException e) {
          base = null;
        }
      }
      BufferedImage under =
          base != null ? base : new BufferedImage(d.width, d.height, BufferedImage.TYPE_INT_RGB);
      for (Map.Entry<String, ByteString> m : new TreeMap<>(l.getSoftMasksMap()).entrySet()) {
        byte[] soft = Overlays.sampled(Overlays.grey(m.getValue().toByteArray()), w, h, d);
        Files.write(
            dir.resolve(it.stem() + ".1-" + m.getKey() + ".png"),
            Overlays.png(Overlays.heatmap(under, soft, d.width, d.height)));
      }
      if (!l.getUnrefinedClassPng().isEmpty()) {
        // sorts before ".2-label.png": the label before refinement, then the refined one
        Files.write(
            dir.resolve(it.stem() + ".2-label-unrefined.png"),
            Overlays.shownLabel(l.getUnrefinedClassPng().toByteArray(), w, h));
      }
      if (!l.getUnfusedClassPng().isEmpty()) {
        // the attention's own label, then the one fused with the mask model
        Files.write(
            dir.resolve(it.stem() + ".2-label-unfused.png"),
            Overlays.shownLabel(l.getUnfusedClassPng().toByteArray(), w, h));
      }
      Files.write(
          dir.resolve(it.stem() + ".2-label.png"),
          Overlays.shownLabel(l.getClassPng().toByteArray(), w, h));
    }
  }

  /**
   * A small table of figures: its header and rows of cells, as text.
   *
   * @param header column names
   * @param rows cells of each row, as many as the header has names
   */
  public record Table(List<String> header, List<List<String>> rows) {
    public Table {
      for (List<String> r : rows) {
        if (r.size() != header.size()) {
          throw new IllegalArgumentException("a row of " + r.size() + " cells under " + header);
        }
      }
    }

    /**
     * The table as a Markdown pipe table (numbers right-aligned), as the demo prints and saves it.
     */
    public String markdown() {
      StringBuilder s = new StringBuilder("| ").append(String.join(" | ", header)).append(" |\n|");
      for (int c = 0; c < header.size(); c++) {
        s.append(c == 0 ? "---|" : "---:|");
      }
      s.append('\n');
      for (List<String> r : rows) {
        s.append("| ").append(String.join(" | ", r)).append(" |\n");
      }
      return s.toString();
    }
  }

  /** The report's page, compiled once; Mustache escapes every value for HTML. */
  private static final Mustache PAGE =
      new DefaultMustacheFactory().compile("report/report.mustache");

  /** One picture on a card: its file in {@code report/}, its caption and what kind it is. */
  record Figure(String file, String caption, String kind) {}

  /** The pictures of one image. */
  record Card(String stem, List<Figure> figures) {}

  /**
   * Writes {@code report.html} from the pictures in {@code report/}; {@code quality} may be null.
   */
  public static Path html(Path out, String title, Table quality) throws IOException {
    Map<String, List<String>> byStem = new TreeMap<>();
    Path dir = out.resolve("report");
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.sorted().toList()) {
          String name = f.getFileName().toString();
          int dot =
              name.indexOf(".0-") > 0
                  ? name.indexOf(".0-")
                  : name.indexOf(".1-") > 0 ? name.indexOf(".1-") : name.indexOf(".2-");
          if (dot > 0) {
            byStem.computeIfAbsent(name.substring(0, dot), k -> new ArrayList<>()).add(name);
          }
        }
      }
    }
    List<Card> cards = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : byStem.entrySet()) {
      List<Figure> figures = new ArrayList<>();
      for (String f : e.getValue()) {
        String caption = f.substring(e.getKey().length() + 3, f.length() - 4);
        String kind = f.contains(".0-") ? "image" : f.contains(".1-") ? "overlay" : "label";
        figures.add(new Figure(f, caption, kind));
      }
      cards.add(new Card(e.getKey(), figures));
    }
    Map<String, Object> page = new HashMap<>();
    page.put("title", title);
    page.put("quality", quality == null ? List.of() : List.of(quality));
    page.put("shown", cards.size());
    page.put("cards", cards);
    Path file = out.resolve("report.html");
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      PAGE.execute(w, page);
    }
    return file;
  }
}
