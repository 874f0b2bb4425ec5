package io.gainstream.topology;

import static io.gainstream.topology.PipelineConfig.*;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The trainer's backbone keys ({@code gainstream.backbone.*}): read by the trainer only, so that
 * one properties file can configure a whole stack; the pipeline needs none of them, because each
 * release carries its own network. The key names stay on {@code PipelineConfig}.
 */
final class BackboneKeys {
  private static final String BACKBONE_FILE_DOC =
      "Read by the trainer: an ImageNet classifier exported to ONNX whose last spatial feature map becomes the feature extractor "
          + "(as trainer --backbone, which wins when given). Empty: the built-in network. The pipeline needs none of it: each release carries its own.";
  private static final String BACKBONE_FINE_TUNE_DOC =
      "Read by the trainer with a backbone: the layers that train (all, last, none), as --fine-tune.";
  private static final String BACKBONE_PREPROCESSING_DOC =
      "Read by the trainer with a backbone: the normalisation it was trained with (imagenet, none).";
  private static final String BACKBONE_DILATE_DOC =
      "Read by the trainer with a backbone: dilate its last stage (stride 1, dilation 2), as --dilate.";

  private BackboneKeys() {}

  static ConfigDef define(ConfigDef d) {
    return d.define(BACKBONE_FILE_CONFIG, Type.STRING, "", Importance.MEDIUM, BACKBONE_FILE_DOC)
        .define(
            BACKBONE_FINE_TUNE_CONFIG,
            Type.STRING,
            "last",
            ConfigDef.ValidString.in("all", "last", "none"),
            Importance.LOW,
            BACKBONE_FINE_TUNE_DOC)
        .define(
            BACKBONE_PREPROCESSING_CONFIG,
            Type.STRING,
            "imagenet",
            ConfigDef.ValidString.in("imagenet", "none"),
            Importance.LOW,
            BACKBONE_PREPROCESSING_DOC)
        .define(BACKBONE_DILATE_CONFIG, Type.BOOLEAN, false, Importance.LOW, BACKBONE_DILATE_DOC);
  }
}
