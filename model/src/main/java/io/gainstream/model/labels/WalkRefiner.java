package io.gainstream.model.labels;

import io.gainstream.model.refine.RandomWalk;
import java.util.List;

/**
 * The proxy label of one image refined by a {@link RandomWalk} on colour affinities: each labelled
 * class's attention map spreads over pixels of the same colour as where it is high and stops at
 * colour edges, as in AffinityNet and IRN but with the affinity taken from the image's colours
 * rather than learned. (A learned affinity, trained from the thresholded labels as AffinityNet
 * does, was measured against this and lost on our sets; docs/QUALITY.md has the figures.)
 *
 * <p>The walk runs on a grid of at most {@code gridSide} pixels on the long side of the image's
 * window in the model's input. Afterwards each class's map is divided by its maximum (IRN) and a
 * pixel takes the class with the highest map, or background where none reaches the release's
 * foreground threshold. Every pixel gets a label: the walk leaves nothing at 255.
 */
public final class WalkRefiner implements Refinement.Refiner {
  public static final String WALK = "walk";

  /**
   * @param walk neighbourhood radius (grid cells), exponent β on the affinities, steps
   * @param colourWidth colour difference (mean over r, g, b, in [0, 1]) at which the affinity falls
   *     to {@code 1/e} before the exponent
   * @param gridSide long side of the grid the walk runs on (the cost is linear in its pixels)
   */
  public record Settings(RandomWalk.Settings walk, float colourWidth, int gridSide)
      implements Refinement {
    public Settings {
      if (walk == null || !(colourWidth > 0) || gridSide < 8) {
        throw new IllegalArgumentException(
            "need a walk, colourWidth > 0 and gridSide >= 8, got " + this);
      }
    }

    /** AffinityNet's radius 5, β = 8 and 256 steps; the CRF's colour width; a 32-pixel grid. */
    public static Settings defaults() {
      return new Settings(RandomWalk.Settings.defaults(), 13f / 255f, 32);
    }

    @Override
    public String name() {
      return WALK;
    }

    @Override
    public Refinement.Refiner refiner() {
      return new WalkRefiner(this);
    }
  }

  private final Settings settings;
  private final List<int[]> offsets;

  public WalkRefiner(Settings settings) {
    this.settings = settings;
    this.offsets = RandomWalk.halfOffsets(settings.walk().radius());
  }

  public Settings settings() {
    return settings;
  }

  @Override
  public byte[] classMap(
      float[][] maps,
      int[] classes,
      int mapSize,
      byte[] rgb,
      int width,
      int height,
      ProxyLabels.Thresholds thresholds) {
    if (maps.length == 0) {
      return new byte[width * height];
    }
    RefineGrid grid = RefineGrid.of(mapSize, rgb, width, height, settings.gridSide());
    int n = grid.width() * grid.height();
    float[] colour = new float[3 * n];
    byte[] g = grid.rgb();
    for (int i = 0; i < n; i++) {
      for (int ch = 0; ch < 3; ch++) {
        colour[ch * n + i] = (g[3 * i + ch] & 0xff) / 255f / settings.colourWidth();
      }
    }
    float[][] walked =
        RandomWalk.walk(
            RandomWalk.affinities(colour, 3, grid.width(), grid.height(), offsets),
            offsets,
            grid.width(),
            grid.height(),
            grid.maps(maps),
            settings.walk());
    float[][] full = new float[walked.length][];
    for (int c = 0; c < walked.length; c++) {
      float max = 0;
      for (float v : walked[c]) {
        max = Math.max(max, v);
      }
      float[] m = walked[c];
      for (int i = 0; i < m.length; i++) {
        m[i] /= max + 1e-5f;
      }
      full[c] = grid.toImage(m);
    }
    byte[] out = new byte[width * height];
    for (int p = 0; p < out.length; p++) {
      float best = thresholds.foreground();
      int k = 0;
      for (int c = 0; c < full.length; c++) {
        if (full[c][p] > best) {
          best = full[c][p];
          k = classes[c];
        }
      }
      out[p] = (byte) k;
    }
    return out;
  }
}
