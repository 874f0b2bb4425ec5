package io.gainstream.topology;

import static io.gainstream.topology.PipelineConfig.*;

import io.gainstream.model.infer.MaskSession;
import io.gainstream.model.labels.AttentionWindow;
import io.gainstream.model.labels.MaskFusion;
import io.gainstream.model.labels.RegionCheck;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The mask-model keys of {@link PipelineConfig} ({@code gainstream.mask.*}): the model file, how
 * images are fed to it, and how its foreground is fused with the attention. Defined and read here;
 * the key names stay on {@code PipelineConfig}.
 */
final class MaskKeys {
  private static final String MASK_MODEL_FILE_DOC =
      "A class-agnostic foreground model (ONNX: RGB [N,3,H,W] in, one channel of foreground probability out; ISNet, "
          + "U2-Net, BASNet style) fused with the class attention: it says where objects end, the attention which one "
          + "each is. Empty: labels from the attention alone.";

  private MaskKeys() {}

  static ConfigDef define(ConfigDef d) {
    return d.define(MASK_MODEL_FILE_CONFIG, Type.STRING, "", Importance.MEDIUM, MASK_MODEL_FILE_DOC)
        .define(
            MASK_SIZE_CONFIG,
            Type.INT,
            0,
            Range.between(0, 4096),
            Importance.MEDIUM,
            "Side of the square input the mask model runs at; 0: the size its graph declares.")
        .define(
            MASK_MEAN_CONFIG,
            Type.STRING,
            "128,128,128",
            Importance.LOW,
            "Per-channel mean (pixel units, RGB) subtracted before the mask model; the shared ISNet's.")
        .define(
            MASK_STD_CONFIG,
            Type.STRING,
            "256,256,256",
            Importance.LOW,
            "Per-channel divisor (pixel units, RGB) applied after the mean; the shared ISNet's.")
        .define(
            MASK_OUTPUT_CONFIG,
            Type.STRING,
            "",
            Importance.LOW,
            "The mask model's probability output; empty: 'output', or its only one-channel output.")
        .define(
            MASK_FUSION_CONFIG,
            Type.STRING,
            "hysteresis",
            ConfigDef.ValidString.in("hysteresis", "threshold", "regions"),
            Importance.MEDIUM,
            "How foreground and attention make the label: hysteresis (foreground where the mask model is sure, or "
                + "weakly sure and the attention is strong; each such pixel takes its most attended class), "
                + "threshold (each foreground pixel takes its most attended class) or regions (each foreground "
                + "region takes the class its attention votes for).")
        .define(
            MASK_FOREGROUND_CONFIG,
            Type.DOUBLE,
            0.5,
            Range.between(0.01, 0.99),
            Importance.LOW,
            "Foreground probability at which a pixel is the mask model's foreground.")
        .define(
            MASK_FLIP_CONFIG,
            Type.BOOLEAN,
            true,
            Importance.LOW,
            "Run the mask model on the image and its mirror image and average the two (twice its cost; "
                + "measured better on both photo folders, docs/QUALITY.md).")
        .define(
            MASK_ZOOM_CONFIG,
            Type.BOOLEAN,
            true,
            Importance.LOW,
            "Show the mask model, a second time, the window around the attention's peak and keep the larger "
                + "foreground of the two looks (twice its cost; finds objects that are not the salient thing "
                + "of the whole picture, docs/QUALITY.md).")
        .define(
            MASK_ZOOM_PEAK_CONFIG,
            Type.DOUBLE,
            (double) AttentionWindow.Settings.defaults().peak(),
            Range.between(0.05, 1.0),
            Importance.LOW,
            "Share of its maximum at which a class's attention is its peak, for the zoomed look.")
        .define(
            MASK_ZOOM_MARGIN_CONFIG,
            Type.DOUBLE,
            (double) AttentionWindow.Settings.defaults().margin(),
            Range.between(0.0, 2.0),
            Importance.LOW,
            "Share of the peak region's width and height added on each side of the zoomed window.")
        .define(
            MASK_CHECK_MODEL_FILE_CONFIG,
            Type.STRING,
            "",
            Importance.MEDIUM,
            "An ImageNet-1k classifier (ONNX, 1000 scores; label sets its --backbone file) that checks the fused "
                + "labels: regions of the animal classes (gainstream.mask.check.classes) whose crop it sees as no "
                + "animal are set to 255 (docs/QUALITY.md, 'The animal check'). Empty: no check.")
        .define(
            MASK_CHECK_CLASSES_CONFIG,
            Type.LIST,
            "",
            Importance.MEDIUM,
            "The classes that are animals, checked (label finds them on its photos with the check model).")
        .define(
            MASK_CHECK_PREPROCESSING_CONFIG,
            Type.STRING,
            "imagenet",
            ConfigDef.ValidString.in("imagenet", "none"),
            Importance.LOW,
            "Normalisation the check model expects: ImageNet mean and std, or pixels in [0, 1].")
        .define(
            MASK_CHECK_REGION_CONFIG,
            Type.DOUBLE,
            (double) RegionCheck.Settings.defaults().region(),
            Range.between(0.0, 0.49),
            Importance.LOW,
            "Animal belief under which a region of an animal class is set to 255.");
  }

  /** The mask model settings, empty when no mask model is set. */
  static Optional<MaskSettings> mask(AbstractConfig c) {
    String file = c.getString(MASK_MODEL_FILE_CONFIG).trim();
    if (file.isEmpty()) {
      return Optional.empty();
    }
    MaskFusion.Settings d = MaskFusion.Settings.defaults();
    float sure = c.getDouble(MASK_FOREGROUND_CONFIG).floatValue();
    return Optional.of(
        new MaskSettings(
            Path.of(file),
            new MaskSession.Options(
                c.getInt(MASK_SIZE_CONFIG),
                triple(c, MASK_MEAN_CONFIG),
                triple(c, MASK_STD_CONFIG),
                c.getString(MASK_OUTPUT_CONFIG)),
            new MaskFusion.Settings(
                MaskFusion.Rule.parse(c.getString(MASK_FUSION_CONFIG)),
                sure,
                // a sure level below the default weak one leaves no weak band
                Math.min(d.weak(), sure),
                d.supported(),
                d.attended(),
                d.share()),
            c.getBoolean(MASK_FLIP_CONFIG),
            new AttentionWindow.Settings(
                c.getBoolean(MASK_ZOOM_CONFIG),
                c.getDouble(MASK_ZOOM_PEAK_CONFIG).floatValue(),
                c.getDouble(MASK_ZOOM_MARGIN_CONFIG).floatValue()),
            check(c)));
  }

  /** The animal check, empty when no check model is set. */
  private static Optional<MaskSettings.Check> check(AbstractConfig c) {
    String file = c.getString(MASK_CHECK_MODEL_FILE_CONFIG).trim();
    if (file.isEmpty()) {
      return Optional.empty();
    }
    List<String> all = c.getList(CLASSES_CONFIG);
    List<String> animals = c.getList(MASK_CHECK_CLASSES_CONFIG);
    int[] indices = new int[animals.size()];
    for (int i = 0; i < indices.length; i++) {
      indices[i] = all.indexOf(animals.get(i).trim()) + 1;
      if (indices[i] == 0) {
        throw new ConfigException(
            MASK_CHECK_CLASSES_CONFIG
                + " names '"
                + animals.get(i).trim()
                + "', not one of "
                + all);
      }
    }
    RegionCheck.Settings d = RegionCheck.Settings.defaults();
    return Optional.of(
        new MaskSettings.Check(
            Path.of(file),
            c.getString(MASK_CHECK_PREPROCESSING_CONFIG).equals("imagenet"),
            List.copyOf(animals),
            indices,
            new RegionCheck.Settings(
                c.getDouble(MASK_CHECK_REGION_CONFIG).floatValue(), d.minArea(), d.margin())));
  }

  private static float[] triple(AbstractConfig c, String key) {
    String[] parts = c.getString(key).split(",");
    float[] out = new float[3];
    try {
      for (int i = 0; i < 3; i++) {
        out[i] = Float.parseFloat(parts[parts.length == 1 ? 0 : i].trim());
      }
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      throw new ConfigException(
          key + " needs one number or three (R,G,B), got '" + c.getString(key) + "'");
    }
    return out;
  }
}
