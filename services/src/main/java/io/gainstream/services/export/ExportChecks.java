package io.gainstream.services.export;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Input checks shared by the exporters, run before anything is written so a bad item does not leave
 * half a dataset behind.
 */
final class ExportChecks {
  /** Class indices 1..254 are usable: 0 is background and 255 ignore. */
  static final int MAX_CLASSES = 254;

  private ExportChecks() {}

  /** Class names: unique, non-blank, without surrounding whitespace or control characters. */
  static void classes(List<String> classes) {
    if (classes == null) {
      throw new IllegalArgumentException("classes must not be null");
    }
    if (classes.size() > MAX_CLASSES) {
      throw new IllegalArgumentException(
          "at most " + MAX_CLASSES + " classes fit in an 8-bit class map, got " + classes.size());
    }
    Set<String> seen = new HashSet<>();
    for (String c : classes) {
      if (c == null
          || c.isBlank()
          || !c.equals(c.strip())
          || c.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
        throw new IllegalArgumentException("bad class name '" + c + "'");
      }
      if (!seen.add(c)) {
        throw new IllegalArgumentException("class '" + c + "' is listed twice");
      }
    }
  }

  /** Items: non-null, unique stems and file names, class-map values 0, 1..classCount or 255. */
  static void items(List<ExportItem> items, int classCount) {
    if (items == null) {
      throw new IllegalArgumentException("items must not be null");
    }
    Set<String> stems = new HashSet<>();
    Set<String> files = new HashSet<>();
    for (ExportItem it : items) {
      if (it == null) {
        throw new IllegalArgumentException("items must not contain null");
      }
      if (!stems.add(it.stem()) || !files.add(it.fileName())) {
        throw new IllegalArgumentException("two items would write the same files: " + it.stem());
      }
      byte[] m = it.classMap();
      for (int i = 0; i < m.length; i++) {
        int v = m[i] & 0xff;
        if (v > classCount && v != ExportItem.IGNORE) {
          throw new IllegalArgumentException(
              "class map of "
                  + it.stem()
                  + " has value "
                  + v
                  + " at x="
                  + i % it.width()
                  + ", y="
                  + i / it.width()
                  + " but there are only "
                  + classCount
                  + " classes");
        }
      }
    }
  }
}
