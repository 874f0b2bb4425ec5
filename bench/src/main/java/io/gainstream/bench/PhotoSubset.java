package io.gainstream.bench;

import io.gainstream.services.io.LabelsCsv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * A photo folder cut to N photos, in the label contract, for the benchmark: small folders are what
 * users bring, and defaults chosen on a whole folder must hold on a small one too (issue 29). The
 * photos are the first N by a CRC-32 of the file name, so every run and machine cuts the same ones;
 * the folder links the original images and masks rather than copying them.
 */
public final class PhotoSubset {
  private PhotoSubset() {}

  /**
   * Writes {@code <work>/<folder>-<n>/} (labels.csv of the chosen rows, the classes, links to
   * images/, masks/ and given_masks/); empty when the folder has no more than {@code n} photos.
   */
  public static Optional<Path> write(Path folder, int n, Path work) throws IOException {
    Path csv = folder.resolve("labels.csv");
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    List<LabelsCsv.Row> rows = LabelsCsv.read(csv);
    if (rows.size() <= n) {
      return Optional.empty();
    }
    // data lines in the order LabelsCsv read them (the header is line 0; rows skip no line)
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingLong((Integer i) -> crc(rows.get(i).image())));
    List<Integer> chosen = new ArrayList<>(order.subList(0, n));
    chosen.sort(Comparator.naturalOrder());
    Path out = Files.createDirectories(work.resolve(folder.getFileName() + "-" + n));
    List<String> kept = new ArrayList<>(List.of(lines.get(0)));
    chosen.forEach(i -> kept.add(lines.get(i + 1)));
    Files.write(out.resolve("labels.csv"), kept, StandardCharsets.UTF_8);
    Files.copy(folder.resolve("classes.txt"), out.resolve("classes.txt"));
    for (String dir : List.of("images", "masks", "given_masks")) {
      if (Files.isDirectory(folder.resolve(dir))) {
        Files.createSymbolicLink(out.resolve(dir), folder.resolve(dir).toAbsolutePath());
      }
    }
    return Optional.of(out);
  }

  private static long crc(String name) {
    CRC32 c = new CRC32();
    c.update(name.getBytes(StandardCharsets.UTF_8));
    return c.getValue();
  }
}
