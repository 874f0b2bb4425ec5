package io.gainstream.services.view;

import com.google.protobuf.ByteString;
import io.gainstream.proto.v1.ProxyLabel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

  /** Writes the pictures of up to {@link #MAX_IMAGES} items (in stem order). */
  public static void pictures(Path out, List<Item> items) throws IOException {
    Path dir = Files.createDirectories(out.resolve("report"));
    List<Item> sorted = new ArrayList<>(items);
    sorted.sort((a, b) -> a.stem().compareTo(b.stem()));
    for (Item it : sorted.subList(0, Math.min(MAX_IMAGES, sorted.size()))) {
      ProxyLabel l = it.label();
      int w = l.getWidth();
      int h = l.getHeight();
      BufferedImage base = null;
      if (it.image() != null) {
        try {
          base = Overlays.fit(Overlays.decode(it.image()), w, h);
          Files.write(dir.resolve(it.stem() + ".0-image.png"), Overlays.png(base));
        } catch (RuntimeException e) {
          base = null;
        }
      }
      BufferedImage under =
          base != null ? base : new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      for (Map.Entry<String, ByteString> m : new TreeMap<>(l.getSoftMasksMap()).entrySet()) {
        byte[] soft = Overlays.grey(m.getValue().toByteArray());
        Files.write(
            dir.resolve(it.stem() + ".1-" + m.getKey() + ".png"),
            Overlays.png(Overlays.heatmap(under, soft, w, h)));
      }
      if (!l.getUnrefinedClassPng().isEmpty()) {
        // sorts before ".2-label.png": the label before refinement, then the refined one
        Files.write(
            dir.resolve(it.stem() + ".2-label-unrefined.png"),
            l.getUnrefinedClassPng().toByteArray());
      }
      if (!l.getUnfusedClassPng().isEmpty()) {
        // the attention's own label, then the one fused with the mask model
        Files.write(
            dir.resolve(it.stem() + ".2-label-unfused.png"), l.getUnfusedClassPng().toByteArray());
      }
      Files.write(dir.resolve(it.stem() + ".2-label.png"), l.getClassPng().toByteArray());
    }
  }

  /**
   * Writes {@code report.html} from the pictures in {@code report/}; {@code qualityMarkdown} may be
   * null.
   */
  public static Path html(Path out, String title, String qualityMarkdown) throws IOException {
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
    StringBuilder s = new StringBuilder();
    s.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
        .append(esc(title))
        .append("</title><style>")
        .append(
            "body{font:14px system-ui,sans-serif;margin:20px;color:#1d2330}table{border-collapse:collapse}td,th{padding:3px 8px;")
        .append(
            "border-bottom:1px solid #e3e6eb;text-align:right}th:first-child,td:first-child{text-align:left}")
        .append(
            ".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(280px,1fr));gap:12px}")
        .append(
            ".card{border:1px solid #e3e6eb;border-radius:6px;padding:8px}.card img{width:80px;height:80px;object-fit:contain;")
        .append(
            "image-rendering:pixelated;background:#000;margin:2px}figure{display:inline-block;margin:0;text-align:center;font-size:11px}")
        .append("</style></head><body><h1>")
        .append(esc(title))
        .append("</h1>");
    if (qualityMarkdown != null) {
      s.append("<h2>Quality against the ground truth</h2>").append(markdownTable(qualityMarkdown));
    }
    s.append("<h2>Proxy labels (")
        .append(byStem.size())
        .append(" shown)</h2><p>Attention heat maps of each labelled class over the ")
        .append(
            "image, and the proxy label in VOC colours (cream = ignored); where the labels were refined by the dense CRF, the ")
        .append(
            "label before refinement is shown beside it. All labels are in SegmentationClass/.</p><div class=\"grid\">");
    for (Map.Entry<String, List<String>> e : byStem.entrySet()) {
      s.append("<div class=\"card\"><div><b>").append(esc(e.getKey())).append("</b></div>");
      for (String f : e.getValue()) {
        String caption = f.substring(e.getKey().length() + 3, f.length() - 4);
        String cls = f.contains(".0-") ? "image" : f.contains(".1-") ? "overlay" : "label";
        s.append("<figure><img class=\"")
            .append(cls)
            .append("\" src=\"report/")
            .append(esc(f))
            .append("\" alt=\"")
            .append(esc(caption))
            .append("\"><figcaption>")
            .append(esc(caption))
            .append("</figcaption></figure>");
      }
      s.append("</div>");
    }
    s.append("</div></body></html>\n");
    Path file = out.resolve("report.html");
    Files.writeString(file, s.toString(), StandardCharsets.UTF_8);
    return file;
  }

  /** A Markdown pipe table as an HTML table (the form the benchmark and demo print). */
  static String markdownTable(String md) {
    StringBuilder s = new StringBuilder("<table class=\"quality\">");
    boolean header = true;
    for (String line : md.strip().split("\n")) {
      String t = line.strip();
      if (!t.startsWith("|")) {
        continue;
      }
      if (t.replaceAll("[|:\\- ]", "").isEmpty()) {
        header = false;
        continue;
      }
      String[] cells = t.substring(1, t.endsWith("|") ? t.length() - 1 : t.length()).split("\\|");
      s.append("<tr>");
      for (String c : cells) {
        String tag = header ? "th" : "td";
        s.append('<')
            .append(tag)
            .append('>')
            .append(esc(c.strip()))
            .append("</")
            .append(tag)
            .append('>');
      }
      s.append("</tr>");
    }
    return s.append("</table>").toString();
  }

  static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
