package io.gainstream.topology.internals;

import com.google.protobuf.Message;
import io.gainstream.model.infer.BatchAttention;
import io.gainstream.model.net.Prediction;
import io.gainstream.model.release.LabelPath;
import io.gainstream.model.release.LabelRecipe;
import io.gainstream.proto.v1.AttentionResult;
import io.gainstream.proto.v1.ClassAttention;
import io.gainstream.proto.v1.PendingImage;
import java.util.List;

/**
 * What the attention stage hands the thresholding stage for one image. Both run in the same task,
 * so this travels as a plain object: building a Protobuf message with one boxed float per map pixel
 * only to read it back a microsecond later was measurable waste. It becomes an {@link
 * AttentionResult} only when it has to leave the process, as a dead letter.
 *
 * @param modelVersion the release that labelled it
 * @param path how that release's labels are made: its recipe (thresholds, refinement, side of the
 *     maps) and the labeller the threshold stage runs
 * @param scores probability of every class, by class index − 1
 * @param classes labelled class indices
 * @param maps one {@code size²} map per labelled class
 * @param rgb the model's input as interleaved {@code r, g, b} bytes when the label is to be refined
 *     (the refiner runs on it), else null
 * @param image the image as published (encoded) when a mask model runs on it, else null
 * @param relabelled whether the image was labelled before and runs again under a newer release
 */
public record Attended(
    String imageId,
    long modelVersion,
    LabelPath path,
    int originalWidth,
    int originalHeight,
    String source,
    long timestampMs,
    float[] scores,
    int[] classes,
    float[][] maps,
    byte[] rgb,
    byte[] image,
    boolean relabelled) {

  /**
   * Image {@code i} of a batch the attention stage ran.
   *
   * @param classes the image's labelled classes, as the batch ran them
   * @param batch the batch's input tensor (the refiner and the mask model see what the model saw)
   * @param masked whether a mask model fuses the labels (it needs the encoded image)
   */
  static Attended of(
      PendingImage img,
      long version,
      LabelPath path,
      BatchAttention.Result result,
      int i,
      int[] classes,
      float[] batch,
      boolean masked,
      boolean relabelled) {
    Prediction p = result.prediction();
    float[] scores = new float[p.numClasses()];
    for (int k = 1; k <= scores.length; k++) {
      scores[k - 1] = p.probability(i, k);
    }
    int s = path.recipe().inputSize();
    return new Attended(
        img.getImageId(),
        version,
        path,
        img.getWidth(),
        img.getHeight(),
        img.getSource(),
        img.getTimestampMs(),
        scores,
        classes,
        result.maps()[i],
        path.recipe().refinement() != null || masked
            ? LabelPath.modelRgb(
                img.getSize() == s ? img.getRgb().toByteArray() : null, img.getSize(), batch, i, s)
            : null,
        masked && !img.getImage().isEmpty() ? img.getImage().toByteArray() : null,
        relabelled);
  }

  public LabelRecipe recipe() {
    return path.recipe();
  }

  /** Side of the attention maps (the network input). */
  public int size() {
    return recipe().inputSize();
  }

  /** Training method of the release. */
  public String modelMethod() {
    return recipe().method();
  }

  /** The Protobuf form, for dead letters. */
  public Message toProto(List<String> classNames) {
    AttentionResult.Builder b =
        AttentionResult.newBuilder()
            .setImageId(imageId)
            .setModelVersion(modelVersion)
            .setModelMethod(modelMethod())
            .setHeight(size())
            .setWidth(size())
            .setOriginalHeight(originalHeight)
            .setOriginalWidth(originalWidth)
            .setSource(source)
            .setTimestampMs(timestampMs);
    for (float s : scores) {
      b.addScores(s);
    }
    for (int c = 0; c < classes.length; c++) {
      ClassAttention.Builder ca =
          ClassAttention.newBuilder()
              .setClassIndex(classes[c])
              .setClassName(classNames.get(classes[c] - 1))
              .setScore(scores[classes[c] - 1]);
      for (float v : maps[c]) {
        ca.addMap(v);
      }
      b.addClasses(ca);
    }
    return b.build();
  }
}
