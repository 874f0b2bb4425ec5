package io.gainstream.services.label;

import io.gainstream.model.infer.ClassifierSession;
import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.input.ImageDecoder;
import io.gainstream.model.labels.RegionCheck;
import io.gainstream.services.io.LabelsCsv;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which of a folder's classes are animals, as an ImageNet classifier sees its photos: what the
 * animal check ({@link RegionCheck}) needs to know before it labels.
 *
 * <p>Only photos with exactly one label say anything about their class. A photo shows an animal
 * when one of {@link RegionCheck#photoCrops} does (an animal small in a wide scene fills a
 * quarter); a class is an animal when more than half of at least {@link #MIN_PHOTOS} such photos
 * show one. On the two shared folders this split the classes cleanly: animal 7 of 7, horse 207 of
 * 207, person 1 of 18, car 0 of 76 (docs/QUALITY.md, "The animal check").
 */
public final class AnimalClasses {
  /** Single-label photos a class needs before it is judged. */
  public static final int MIN_PHOTOS = 3;

  /**
   * @param animals the classes found to be animals, in the order first seen
   * @param counts per class: single-label photos, and of them those that show an animal
   * @param unreadable single-label photos that did not decode (within the image limits) or run
   */
  public record Found(List<String> animals, Map<String, int[]> counts, int unreadable) {
    /** e.g. {@code animal 7 of 7, person 1 of 18}: how each class was judged. */
    public String describe() {
      if (counts.isEmpty()) {
        return unreadable > 0
            ? "none of its " + unreadable + " photos with one label decodes within the image limits"
            : "no photo has exactly one listed label";
      }
      List<String> parts = new ArrayList<>();
      counts.forEach((c, n) -> parts.add(c + " " + n[1] + " of " + n[0]));
      return String.join(", ", parts);
    }
  }

  private AnimalClasses() {}

  /**
   * Judges the classes of {@code rows} (a photo that does not decode, lies outside {@code images}
   * or names a class not in {@code classes} is skipped: the pipeline refuses it on its own).
   */
  public static Found find(
      ClassifierSession classifier,
      Path images,
      List<LabelsCsv.Row> rows,
      List<String> classes,
      DecodeLimits limits) {
    Map<String, int[]> counts = new LinkedHashMap<>();
    int unreadable = 0;
    Path root = images.toAbsolutePath().normalize();
    for (LabelsCsv.Row row : rows) {
      // as the publisher: a file outside the folder or a class not in the list is not published
      Path file = root.resolve(row.image()).normalize();
      if (row.labels().size() != 1
          || !file.startsWith(root)
          || !classes.contains(row.labels().get(0).trim())) {
        continue;
      }
      boolean animal;
      try {
        BufferedImage img = ImageDecoder.decodeRaw(Files.readAllBytes(file), limits);
        animal =
            RegionCheck.animalPhoto(
                img.getWidth(), img.getHeight(), boxes -> classifier.animalShares(img, boxes));
      } catch (IOException | RuntimeException e) {
        unreadable++;
        continue;
      }
      int[] n = counts.computeIfAbsent(row.labels().get(0).trim(), c -> new int[2]);
      n[0]++;
      if (animal) {
        n[1]++;
      }
    }
    List<String> animals = new ArrayList<>();
    counts.forEach(
        (c, n) -> {
          if (n[0] >= MIN_PHOTOS && 2 * n[1] > n[0]) {
            animals.add(c);
          }
        });
    return new Found(List.copyOf(animals), counts, unreadable);
  }
}
