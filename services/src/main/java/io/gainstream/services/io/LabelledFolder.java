package io.gainstream.services.io;

import io.gainstream.model.image.ImageBytes;
import io.gainstream.model.labels.LabelPng;
import io.gainstream.model.synthetic.SyntheticDataset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Writes generated samples as a folder in the {@code label} contract ({@code images/}, {@code
 * labels.csv}, {@code classes.txt}, {@code masks/} for the pixel-labelled few, {@code truth/} with
 * every exact mask), so the demo and the quality benchmark feed {@code label} exactly what a user
 * would.
 */
public final class LabelledFolder {
  /** Paths of a written folder and the exact masks by image stem. */
  public record Written(
      Path images, Path labelsCsv, Path classesFile, Path masks, Map<String, byte[]> truth) {}

  private LabelledFolder() {}

  /**
   * @param withMask which samples get a pixel label in {@code masks/} (gain-ext's few)
   */
  public static Written write(
      Path dir,
      List<String> classes,
      List<SyntheticDataset.Sample> samples,
      Predicate<SyntheticDataset.Sample> withMask)
      throws IOException {
    Path img = Files.createDirectories(dir.resolve("images"));
    Path truthDir = Files.createDirectories(dir.resolve("truth"));
    Path maskDir = Files.createDirectories(dir.resolve("masks"));
    Path classesFile = dir.resolve("classes.txt");
    Files.writeString(classesFile, String.join("\n", classes) + "\n");
    List<String> csv = new ArrayList<>();
    csv.add("image,labels");
    Map<String, byte[]> truth = new LinkedHashMap<>();
    for (SyntheticDataset.Sample s : samples) {
      int w = s.image().getWidth();
      int h = s.image().getHeight();
      Files.write(img.resolve(s.id() + ".png"), ImageBytes.encode(s.image(), "png"));
      byte[] png = LabelPng.writePalette(s.mask(), w, h);
      Files.write(truthDir.resolve(s.id() + ".png"), png);
      if (withMask.test(s)) {
        Files.write(maskDir.resolve(s.id() + ".png"), png);
      }
      List<String> names = new ArrayList<>();
      for (int k : s.classes()) {
        names.add(classes.get(k - 1));
      }
      csv.add(s.id() + ".png," + String.join(";", names));
      truth.put(s.id(), s.mask());
    }
    Path labels = dir.resolve("labels.csv");
    Files.write(labels, csv, StandardCharsets.UTF_8);
    return new Written(img, labels, classesFile, maskDir, truth);
  }
}
