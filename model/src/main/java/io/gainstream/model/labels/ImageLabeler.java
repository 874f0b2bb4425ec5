package io.gainstream.model.labels;

import io.gainstream.model.image.Letterbox;
import io.gainstream.model.labels.ProxyLabels.Thresholds;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Post-processing of one image, a pure function of its attention maps: maps mapped back to the
 * image's own size (the {@link Letterbox} window cut out and resized), then the proxy label (class
 * per pixel), GAIN soft masks and SeeNet zones of every labelled class.
 */
public final class ImageLabeler {
  /**
   * Post-processing settings.
   *
   * @param thresholds proxy-label foreground/background thresholds
   * @param sigma soft-mask σ
   * @param omega soft-mask ω
   * @param seeNetHigh SeeNet δ_h relative to the map's max
   * @param seeNetLow SeeNet δ_l relative to the map's max
   * @param refine refinement of the proxy label (dense CRF or random walk), or null for none (the
   *     soft and SeeNet masks are maps, not labels, and stay unrefined)
   */
  public record Settings(
      Thresholds thresholds,
      float sigma,
      float omega,
      float seeNetHigh,
      float seeNetLow,
      Refinement refine) {
    public Settings(
        Thresholds thresholds, float sigma, float omega, float seeNetHigh, float seeNetLow) {
      this(thresholds, sigma, omega, seeNetHigh, seeNetLow, null);
    }

    public static Settings defaults() {
      return new Settings(
          Thresholds.defaults(), 0.5f, 10f, SeeNetZones.DEFAULT_HIGH, SeeNetZones.DEFAULT_LOW);
    }

    public Settings withThresholds(Thresholds t) {
      return new Settings(t, sigma, omega, seeNetHigh, seeNetLow, refine);
    }

    public Settings withRefine(Refinement r) {
      return new Settings(thresholds, sigma, omega, seeNetHigh, seeNetLow, r);
    }
  }

  /**
   * Labels of one image at its own size.
   *
   * @param classMap class index per pixel, 0 background, 255 ignore
   * @param softMasks per class index: T(A) quantised to 8-bit grey
   * @param zones per class index: {@link Zone} codes
   * @param unrefinedClassMap the thresholded label when {@code classMap} was refined, else null
   * @param maps the attention map of each labelled class at the image's size (what a mask model's
   *     foreground is fused with)
   */
  public record Result(
      int width,
      int height,
      byte[] classMap,
      Map<Integer, byte[]> softMasks,
      Map<Integer, byte[]> zones,
      byte[] unrefinedClassMap,
      float[][] maps) {}

  private final Settings settings;
  private final Refinement.Refiner refiner;

  public ImageLabeler(Settings settings) {
    this.settings = settings;
    this.refiner = settings.refine() == null ? null : settings.refine().refiner();
  }

  public Settings settings() {
    return settings;
  }

  /**
   * @param maps one {@code mapSize²} attention map per labelled class
   * @param classes class index of each map
   * @param width the image's width
   * @param height the image's height
   */
  public Result label(float[][] maps, int[] classes, int mapSize, int width, int height) {
    return label(maps, classes, mapSize, width, height, null);
  }

  /**
   * As {@link #label(float[][], int[], int, int, int)}, with the model's input (interleaved {@code
   * r, g, b} bytes, {@code mapSize²}) so that a refining labeler can refine; without it (null) the
   * label stays unrefined.
   */
  public Result label(
      float[][] maps, int[] classes, int mapSize, int width, int height, byte[] rgb) {
    float[][] full = new float[maps.length][];
    Map<Integer, byte[]> soft = new LinkedHashMap<>();
    Map<Integer, byte[]> zones = new LinkedHashMap<>();
    Letterbox box = Letterbox.of(width, height, mapSize);
    for (int c = 0; c < maps.length; c++) {
      full[c] = box.mapBack(maps[c], width, height);
      soft.put(classes[c], SoftMasks.gray(full[c], settings.sigma(), settings.omega()));
      zones.put(
          classes[c], SeeNetZones.zones(full[c], settings.seeNetHigh(), settings.seeNetLow()));
    }
    byte[] classMap = ProxyLabels.assign(full, classes, width * height, settings.thresholds());
    if (refiner != null && rgb != null) {
      // an image without classes is all background either way; it still gets both forms, so that
      // refined and unrefined labels cover the same images
      byte[] refined =
          maps.length == 0
              ? classMap
              : refiner.classMap(maps, classes, mapSize, rgb, width, height, settings.thresholds());
      return new Result(width, height, refined, soft, zones, classMap, full);
    }
    return new Result(width, height, classMap, soft, zones, null, full);
  }
}
