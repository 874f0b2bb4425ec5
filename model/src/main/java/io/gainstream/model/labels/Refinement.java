package io.gainstream.model.labels;

/**
 * How a proxy label is refined after thresholding: the settings of one refiner. A release names its
 * refinement by {@link #name()} ({@code LabelRecipe.Named}); {@code gainstream.refine} overrides
 * it.
 */
public sealed interface Refinement permits CrfRefiner.Settings, WalkRefiner.Settings {
  /** No refinement: the thresholded label. */
  String NONE = "none";

  /** The name the CLI, the config and a release's extras use: crf or walk. */
  String name();

  /** A refiner with these settings (thread-confined: refiners may keep scratch buffers). */
  Refiner refiner();

  /** One image's refined label from its attention maps and the pixels the model saw. */
  interface Refiner {
    /**
     * @param maps one {@code mapSize²} normalised attention map per labelled class
     * @param classes class index of each map
     * @param mapSize side of the maps (the model's input)
     * @param rgb the model's input, {@code mapSize²} interleaved {@code r, g, b} bytes
     * @param width the image's width
     * @param height the image's height
     * @param thresholds the thresholds the unrefined label used
     * @return class index per pixel of the image (0 background, 255 ignore)
     */
    byte[] classMap(
        float[][] maps,
        int[] classes,
        int mapSize,
        byte[] rgb,
        int width,
        int height,
        ProxyLabels.Thresholds thresholds);
  }
}
