package io.gainstream.services.label;

import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.labels.ConfusionMatrix;
import io.gainstream.model.labels.LabelPng;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Scores a folder of label PNGs against ground-truth label maps of the same images. */
public final class Evaluation {
  /** Scores and how many images had a label to score. */
  public record Score(ConfusionMatrix matrix, int scored, int missing) {}

  private Evaluation() {}

  /**
   * @param labels folder of {@code <stem>.png} class-index PNGs
   * @param truth per stem, the true class map at the image's size
   */
  public static Score score(Path labels, Map<String, byte[]> truth, int numClasses)
      throws IOException {
    ConfusionMatrix m = new ConfusionMatrix(numClasses);
    int scored = 0;
    int missing = 0;
    for (Map.Entry<String, byte[]> e : truth.entrySet()) {
      Path f = labels.resolve(e.getKey() + ".png");
      if (!Files.exists(f)) {
        missing++;
        continue;
      }
      LabelPng.Decoded d = LabelPng.read(Files.readAllBytes(f), DecodeLimits.defaults());
      m.add(d.values(), e.getValue());
      scored++;
    }
    return new Score(m, scored, missing);
  }
}
