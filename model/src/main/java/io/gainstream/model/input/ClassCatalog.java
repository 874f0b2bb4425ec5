package io.gainstream.model.input;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The class names of a labelling job: class index k (1-based) is the k-th name; 0 is background. A
 * classes file lists one name per line; a first line naming the background ({@code background},
 * {@code _background_}, {@code __background__}), as VOC label maps do, is accepted and skipped.
 */
public final class ClassCatalog {
  private final List<String> names;
  private final Map<String, Integer> index = new HashMap<>();

  /** The name of index 255 (ignore) in exports' labelmap.txt, as in Datumaro's VOC label map. */
  public static final String IGNORED = "ignored";

  public ClassCatalog(List<String> names) {
    if (names.isEmpty()) {
      throw new IllegalArgumentException("no class names given");
    }
    if (names.size() > 254) {
      throw new IllegalArgumentException(
          "at most 254 classes fit a VOC label, got " + names.size());
    }
    this.names = List.copyOf(names);
    for (int i = 0; i < names.size(); i++) {
      String n = names.get(i).trim();
      if (n.isEmpty() || n.contains(";")) {
        throw new IllegalArgumentException("class " + (i + 1) + " has an invalid name '" + n + "'");
      }
      if (n.contains(":") || n.startsWith("#") || isBackgroundName(n) || n.equals(IGNORED)) {
        // refused here, before any work, rather than when the export writes labelmap.txt
        throw new IllegalArgumentException(
            "class "
                + (i + 1)
                + " '"
                + n
                + "' cannot be written to labelmap.txt: no ':', no leading '#', and 'background'"
                + " and '"
                + IGNORED
                + "' (index 255) are taken");
      }
      if (index.put(n, i + 1) != null) {
        throw new IllegalArgumentException("class name '" + n + "' appears twice");
      }
    }
  }

  /** Reads a classes file (UTF-8, blank lines skipped). */
  public static ClassCatalog read(Path file) throws IOException {
    List<String> lines = new ArrayList<>();
    for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!l.isBlank()) {
        lines.add(l.strip());
      }
    }
    if (!lines.isEmpty() && isBackgroundName(lines.get(0))) {
      lines.remove(0);
    }
    return new ClassCatalog(lines);
  }

  private static boolean isBackgroundName(String s) {
    return s.equalsIgnoreCase("background")
        || s.equals("_background_")
        || s.equals("__background__");
  }

  public int size() {
    return names.size();
  }

  /** Names, index k − 1 holding class k. */
  public List<String> names() {
    return names;
  }

  public String name(int classIndex) {
    return names.get(classIndex - 1);
  }

  /** Index of a class name; throws {@link UnknownClassException} listing the valid names. */
  public int indexOf(String name) {
    Integer i = index.get(name.trim());
    if (i == null) {
      throw new UnknownClassException(
          "unknown class '" + name.trim() + "', expected one of " + names);
    }
    return i;
  }

  /**
   * Parses a {@code ;}-separated label list into ascending, distinct class indices. Empty means no
   * labelled object: the whole image is background.
   */
  public int[] parseLabels(String labels) {
    TreeSet<Integer> out = new TreeSet<>();
    if (labels != null) {
      for (String part : labels.split(";")) {
        if (!part.isBlank()) {
          out.add(indexOf(part));
        }
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Indices of a list of names (e.g. a Protobuf event's labels). */
  public int[] indicesOf(List<String> labels) {
    TreeSet<Integer> out = new TreeSet<>();
    for (String l : labels) {
      out.add(indexOf(l));
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }
}
