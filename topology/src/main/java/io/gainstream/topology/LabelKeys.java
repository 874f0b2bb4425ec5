package io.gainstream.topology;

import static io.gainstream.topology.PipelineConfig.*;

import io.gainstream.model.labels.CrfRefiner;
import io.gainstream.model.labels.ImageLabeler;
import io.gainstream.model.labels.ProxyLabels;
import io.gainstream.model.labels.Refinement;
import io.gainstream.model.labels.TtaScales;
import io.gainstream.model.labels.WalkRefiner;
import io.gainstream.model.refine.DenseCrf;
import io.gainstream.model.refine.RandomWalk;
import io.gainstream.model.release.LabelRecipe;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The labelling keys of {@link PipelineConfig}: thresholds, soft masks and SeeNet zones, refinement
 * (dense CRF, random walk) and test-time fusion, defined and read in one place. They make the
 * pipeline's side of every release's {@link LabelRecipe}; the key names stay on {@code
 * PipelineConfig}, where users and tests find them.
 */
final class LabelKeys {
  private static final WalkRefiner.Settings WALK = WalkRefiner.Settings.defaults();

  private static final String FOREGROUND_THRESHOLD_DOC =
      "A class is confident where its normalised map is at least this.";
  private static final String BACKGROUND_THRESHOLD_DOC =
      "A pixel is background where every labelled class's map is below this; in between is 255 (ignore).";
  private static final String SOFT_SIGMA_DOC = "σ of the GAIN soft mask sigmoid(ω(A − σ)).";
  private static final String SOFT_OMEGA_DOC = "ω of the GAIN soft mask.";
  private static final String SEENET_HIGH_DOC =
      "SeeNet δ_h relative to the map's max (attention zone above).";
  private static final String SEENET_LOW_DOC =
      "SeeNet δ_l relative to the map's max (background zone below).";
  private static final String REFINE_DOC =
      "Refinement of the proxy label: crf (a dense CRF on the image's colours), walk (a random walk of the attention on "
          + "colour affinities) or none. Unset: what the release names (backbone releases name crf), otherwise none.";
  private static final String TTA_SCALES_DOC =
      "Multi-scale fusion: the input sides to run each batch at, as multiples of the release's (e.g. 1,1.5); 1 alone is "
          + "single-scale. Unset: what the release names (backbone releases name 1,1.5), otherwise 1.";

  private LabelKeys() {}

  static ConfigDef define(ConfigDef d) {
    return d.define(
            FOREGROUND_THRESHOLD_CONFIG,
            Type.DOUBLE,
            0.30,
            Range.between(0.0, 1.0),
            Importance.MEDIUM,
            FOREGROUND_THRESHOLD_DOC)
        .define(
            BACKGROUND_THRESHOLD_CONFIG,
            Type.DOUBLE,
            0.05,
            Range.between(0.0, 1.0),
            Importance.MEDIUM,
            BACKGROUND_THRESHOLD_DOC)
        .define(
            SOFT_SIGMA_CONFIG,
            Type.DOUBLE,
            0.5,
            Range.between(0.0, 1.0),
            Importance.LOW,
            SOFT_SIGMA_DOC)
        .define(
            SOFT_OMEGA_CONFIG,
            Type.DOUBLE,
            10.0,
            Range.between(0.0, 1000.0),
            Importance.LOW,
            SOFT_OMEGA_DOC)
        .define(
            SEENET_HIGH_CONFIG,
            Type.DOUBLE,
            0.7,
            Range.between(0.0, 1.0),
            Importance.LOW,
            SEENET_HIGH_DOC)
        .define(
            SEENET_LOW_CONFIG,
            Type.DOUBLE,
            0.05,
            Range.between(0.0, 1.0),
            Importance.LOW,
            SEENET_LOW_DOC)
        .define(
            REFINE_CONFIG,
            Type.STRING,
            "",
            ConfigDef.ValidString.in("", "none", "crf", "walk"),
            Importance.MEDIUM,
            REFINE_DOC)
        .define(
            TTA_SCALES_CONFIG,
            Type.STRING,
            "",
            LabelKeys::validateScales,
            Importance.MEDIUM,
            TTA_SCALES_DOC)
        .define(
            CRF_ITERATIONS_CONFIG,
            Type.INT,
            10,
            Range.between(0, 100),
            Importance.LOW,
            "Mean-field iterations of the CRF.")
        .define(
            CRF_SMOOTH_WEIGHT_CONFIG,
            Type.DOUBLE,
            3.0,
            Range.between(0.0, 1000.0),
            Importance.LOW,
            "Weight of the CRF's smoothness (position) kernel.")
        .define(
            CRF_SMOOTH_XY_CONFIG,
            Type.DOUBLE,
            3.0,
            Range.between(0.01, 10000.0),
            Importance.LOW,
            "Width of the smoothness kernel, in pixels of the image.")
        .define(
            CRF_APPEARANCE_WEIGHT_CONFIG,
            Type.DOUBLE,
            10.0,
            Range.between(0.0, 1000.0),
            Importance.LOW,
            "Weight of the CRF's appearance (position and colour) kernel.")
        .define(
            CRF_APPEARANCE_XY_CONFIG,
            Type.DOUBLE,
            80.0,
            Range.between(0.01, 10000.0),
            Importance.LOW,
            "Spatial width of the appearance kernel, in pixels of the image.")
        .define(
            CRF_APPEARANCE_RGB_CONFIG,
            Type.DOUBLE,
            13.0,
            Range.between(0.01, 1000.0),
            Importance.LOW,
            "Colour width of the appearance kernel, in 8-bit levels.")
        .define(
            CRF_BACKGROUND_POWER_CONFIG,
            Type.DOUBLE,
            1.0,
            Range.between(0.01, 100.0),
            Importance.LOW,
            "Background unary score (1 - max attention)^power.")
        .define(
            CRF_CONFIDENCE_CONFIG,
            Type.DOUBLE,
            0.0,
            Range.between(0.0, 0.99),
            Importance.LOW,
            "A refined pixel whose most likely label has a marginal below this stays 255 (0: never).")
        .define(
            CRF_GRID_CONFIG,
            Type.INT,
            256,
            Range.between(8, 4096),
            Importance.LOW,
            "Long side, in pixels, of the grid the CRF runs on (its cost is linear in the grid's pixels).")
        .define(
            WALK_RADIUS_CONFIG,
            Type.INT,
            WALK.walk().radius(),
            Range.between(1, 16),
            Importance.LOW,
            "Random walk: pixels closer than this many grid cells are neighbours.")
        .define(
            WALK_BETA_CONFIG,
            Type.DOUBLE,
            (double) WALK.walk().beta(),
            Range.between(0.01, 100),
            Importance.LOW,
            "Random walk: exponent on the affinities (larger: only near-equal colours join).")
        .define(
            WALK_STEPS_CONFIG,
            Type.INT,
            WALK.walk().steps(),
            Range.between(0, 10000),
            Importance.LOW,
            "Random walk: steps (the cost is linear in them).")
        .define(
            WALK_COLOUR_CONFIG,
            Type.DOUBLE,
            (double) WALK.colourWidth(),
            Range.between(0.001, 1),
            Importance.LOW,
            "Random walk: mean colour difference (0-1) at which the affinity falls to 1/e before the exponent.")
        .define(
            WALK_GRID_CONFIG,
            Type.INT,
            WALK.gridSide(),
            Range.between(8, 1024),
            Importance.LOW,
            "Long side, in pixels, of the grid the random walk runs on (its cost is linear in the grid's pixels).");
  }

  static LabelRecipe.Settings recipe(AbstractConfig c) {
    String refine = c.getString(REFINE_CONFIG);
    String scales = c.getString(TTA_SCALES_CONFIG);
    return new LabelRecipe.Settings(
        thresholds(c),
        c.originals().containsKey(FOREGROUND_THRESHOLD_CONFIG)
            || c.originals().containsKey(BACKGROUND_THRESHOLD_CONFIG),
        refine.isEmpty() ? Optional.empty() : Optional.of(refine),
        scales.isBlank() ? Optional.empty() : Optional.of(TtaScales.parse(scales)),
        c.getBoolean(FLIP_TTA_CONFIG),
        refinements(c));
  }

  static ProxyLabels.Thresholds thresholds(AbstractConfig c) {
    return new ProxyLabels.Thresholds(
        c.getDouble(FOREGROUND_THRESHOLD_CONFIG).floatValue(),
        c.getDouble(BACKGROUND_THRESHOLD_CONFIG).floatValue());
  }

  static ImageLabeler.Settings labeler(AbstractConfig c) {
    return new ImageLabeler.Settings(
        thresholds(c),
        c.getDouble(SOFT_SIGMA_CONFIG).floatValue(),
        c.getDouble(SOFT_OMEGA_CONFIG).floatValue(),
        c.getDouble(SEENET_HIGH_CONFIG).floatValue(),
        c.getDouble(SEENET_LOW_CONFIG).floatValue());
  }

  static CrfRefiner.Settings crf(AbstractConfig c) {
    return new CrfRefiner.Settings(
        new DenseCrf.Settings(
            c.getInt(CRF_ITERATIONS_CONFIG),
            c.getDouble(CRF_SMOOTH_WEIGHT_CONFIG).floatValue(),
            c.getDouble(CRF_SMOOTH_XY_CONFIG).floatValue(),
            c.getDouble(CRF_APPEARANCE_WEIGHT_CONFIG).floatValue(),
            c.getDouble(CRF_APPEARANCE_XY_CONFIG).floatValue(),
            c.getDouble(CRF_APPEARANCE_RGB_CONFIG).floatValue()),
        c.getDouble(CRF_BACKGROUND_POWER_CONFIG).floatValue(),
        c.getDouble(CRF_CONFIDENCE_CONFIG).floatValue(),
        c.getInt(CRF_GRID_CONFIG));
  }

  static WalkRefiner.Settings walk(AbstractConfig c) {
    return new WalkRefiner.Settings(
        new RandomWalk.Settings(
            c.getInt(WALK_RADIUS_CONFIG),
            c.getDouble(WALK_BETA_CONFIG).floatValue(),
            c.getInt(WALK_STEPS_CONFIG)),
        c.getDouble(WALK_COLOUR_CONFIG).floatValue(),
        c.getInt(WALK_GRID_CONFIG));
  }

  /**
   * Every refinement the threshold stage can run, by name, at its {@code gainstream.*} settings.
   */
  private static Map<String, Refinement> refinements(AbstractConfig c) {
    Refinement crf = crf(c);
    Refinement walk = walk(c);
    return Map.of(crf.name(), crf, walk.name(), walk);
  }

  static void validateScales(String name, Object value) {
    String v = (String) value;
    if (v != null && !v.isBlank()) {
      try {
        TtaScales.parse(v);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(name, value, e.getMessage());
      }
    }
  }
}
