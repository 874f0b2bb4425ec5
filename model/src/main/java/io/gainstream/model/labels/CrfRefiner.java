package io.gainstream.model.labels;

import io.gainstream.model.image.Letterbox;
import io.gainstream.model.refine.DenseCrf;

/**
 * The proxy label of one image refined by a {@link DenseCrf}: the attention maps and the pixels the
 * model saw (the {@link Letterbox} window of its input, so the stage needs no second copy of the
 * full-size image) are brought to a grid of at most {@code gridSide} pixels on the long side, the
 * CRF runs there, and its marginals are mapped back bilinearly onto the image's own pixels, where
 * each pixel takes the most likely label. A pixel whose most likely label has a marginal below
 * {@code confidence} stays {@link ProxyLabels#IGNORE}.
 */
public final class CrfRefiner implements Refinement.Refiner {
  public static final String CRF = "crf";
  public static final String NONE = Refinement.NONE;

  /**
   * @param crf kernel widths (in pixels of the original image) and weights, iterations
   * @param backgroundPower background unary score {@code (1 − max_c A_c)^power}
   * @param confidence marginal below which a pixel is left at 255 (0: never)
   * @param gridSide long side of the grid the CRF runs on (the cost is linear in its pixels)
   */
  public record Settings(
      DenseCrf.Settings crf, float backgroundPower, float confidence, int gridSide)
      implements Refinement {
    public Settings {
      if (crf == null
          || !(backgroundPower > 0)
          || !(confidence >= 0 && confidence < 1)
          || gridSide < 8) {
        throw new IllegalArgumentException(
            "need a CRF, backgroundPower > 0, 0 <= confidence < 1 and gridSide >= 8, got " + this);
      }
    }

    public static Settings defaults() {
      return new Settings(DenseCrf.Settings.defaults(), 1f, 0f, 256);
    }

    @Override
    public String name() {
      return CRF;
    }

    @Override
    public Refinement.Refiner refiner() {
      return new CrfRefiner(this);
    }
  }

  private final Settings settings;

  public CrfRefiner(Settings settings) {
    this.settings = settings;
  }

  public Settings settings() {
    return settings;
  }

  /**
   * @param maps one {@code mapSize²} normalised attention map per labelled class
   * @param classes class index of each map
   * @param rgb the model's input, {@code mapSize²} interleaved {@code r, g, b} bytes
   * @return class index per pixel of the {@code width × height} image (0 background, 255 ignore)
   */
  public byte[] classMap(
      float[][] maps, int[] classes, int mapSize, byte[] rgb, int width, int height) {
    if (maps.length == 0) {
      return new byte[width * height];
    }
    RefineGrid grid = RefineGrid.of(mapSize, rgb, width, height, settings.gridSide());
    int gw = grid.width();
    int gh = grid.height();
    DenseCrf crf = DenseCrf.of(grid.rgb(), gw, gh, settings.crf().scaled(gw / (double) width));
    float[][] q = crf.infer(DenseCrf.unaries(grid.maps(maps), gw * gh, settings.backgroundPower()));
    float[][] full = new float[q.length][];
    for (int l = 0; l < q.length; l++) {
      full[l] = grid.toImage(q[l]);
    }
    byte[] out = new byte[width * height];
    for (int p = 0; p < out.length; p++) {
      int best = 0;
      float v = full[0][p];
      for (int l = 1; l < full.length; l++) {
        if (full[l][p] > v) {
          v = full[l][p];
          best = l;
        }
      }
      out[p] =
          (byte)
              (v < settings.confidence() ? ProxyLabels.IGNORE : best == 0 ? 0 : classes[best - 1]);
    }
    return out;
  }

  /** The CRF's label ignores the thresholds: its unaries come from the maps themselves. */
  @Override
  public byte[] classMap(
      float[][] maps,
      int[] classes,
      int mapSize,
      byte[] rgb,
      int width,
      int height,
      ProxyLabels.Thresholds thresholds) {
    return classMap(maps, classes, mapSize, rgb, width, height);
  }
}
