package io.gainstream.topology;

import io.gainstream.model.infer.MaskSession;
import io.gainstream.model.labels.AttentionWindow;
import io.gainstream.model.labels.MaskFusion;
import io.gainstream.model.labels.RegionCheck;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The mask model and its fusion, when {@code gainstream.mask.model.file} names one.
 *
 * @param file the ONNX file
 * @param options how images are fed to it
 * @param fusion how its foreground and the attention make the label
 * @param flip whether it also sees the mirror image
 * @param zoom whether and where it looks a second time
 * @param check the animal check of the fused label, when a classifier is set for it
 */
public record MaskSettings(
    Path file,
    MaskSession.Options options,
    MaskFusion.Settings fusion,
    boolean flip,
    AttentionWindow.Settings zoom,
    Optional<Check> check) {
  /**
   * The ImageNet-1k classifier that checks fused labels ({@link RegionCheck}).
   *
   * @param file its ONNX file
   * @param imagenet whether it takes ImageNet's mean and std (else pixels in [0, 1])
   * @param animals the names of the classes that are animals
   * @param animalIndices their class indices
   * @param settings the check's levels
   */
  public record Check(
      Path file,
      boolean imagenet,
      java.util.List<String> animals,
      int[] animalIndices,
      RegionCheck.Settings settings) {}

  /** Without the check: as before it existed. */
  public MaskSettings(
      Path file,
      MaskSession.Options options,
      MaskFusion.Settings fusion,
      boolean flip,
      AttentionWindow.Settings zoom) {
    this(file, options, fusion, flip, zoom, Optional.empty());
  }

  /**
   * What a label records about how it was fused, e.g. {@code hysteresis(fg 0.50, weak 0.20 where
   * attention >= 0.50), zoom(attention >= 0.80, margin 0.30)}; the check, when on, is added by the
   * stage that knows its model's hash.
   */
  public String describe() {
    return zoom.on() ? fusion.describe() + ", " + zoom.describe() : fusion.describe();
  }
}
