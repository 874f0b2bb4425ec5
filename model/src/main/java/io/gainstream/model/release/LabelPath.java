package io.gainstream.model.release;

import io.gainstream.model.image.Letterbox;
import io.gainstream.model.image.Tensors;
import io.gainstream.model.infer.AttentionSession;
import io.gainstream.model.infer.BatchAttention;
import io.gainstream.model.labels.ImageLabeler;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * How one release labels an image, as three pure parts in the manner of a DJL translator: {@link
 * #prepare} (a decoded image → the model's letterboxed input), {@link #attend} (a batch of inputs →
 * one attention map per labelled class, at the recipe's scales and mirror) and {@link #label} (maps
 * → class map, soft masks and SeeNet zones at the image's own size, at the recipe's thresholds and
 * refinement). The pipeline runs the parts in three processors (validation prepares, the attention
 * stage attends, the threshold stage labels); {@code bench throughput}'s plain loop and the quality
 * harness run them back to back, so all three measure the same labelling.
 *
 * <p>Pixels keep one form from preparation to the label: packed 8-bit {@code r, g, b} at the input
 * side, unpacked to floats only inside a batch; an image prepared at another side (before the
 * release that labels it arrived) is re-boxed from those bytes once, in {@link #intoBatch}.
 */
public final class LabelPath {
  /**
   * One image ready for the model.
   *
   * @param width its own width
   * @param height its own height
   * @param side the side it is letterboxed at
   * @param rgb {@code side²} interleaved {@code r, g, b} bytes
   */
  public record Input(int width, int height, int side, byte[] rgb) {}

  private final LabelRecipe recipe;
  private final ImageLabeler labeler;

  /**
   * @param recipe the release's recipe
   * @param base soft-mask and SeeNet settings (the thresholds and refinement are the recipe's)
   */
  public LabelPath(LabelRecipe recipe, ImageLabeler.Settings base) {
    this.recipe = recipe;
    this.labeler =
        new ImageLabeler(base.withThresholds(recipe.thresholds()).withRefine(recipe.refinement()));
  }

  public LabelRecipe recipe() {
    return recipe;
  }

  /** Pre-processing: a decoded image letterboxed at {@code side}. */
  public static Input prepare(BufferedImage img, int side) {
    return new Input(img.getWidth(), img.getHeight(), side, Tensors.packRgb(img, side));
  }

  /**
   * Writes one prepared image into a batch at {@code side} (CHW floats in [0, 1] at {@code
   * offset}): as packed when it was prepared at that side, otherwise re-boxed bilinearly with the
   * same {@link Letterbox} geometry the labels are mapped back with.
   *
   * @param rgb its packed bytes at {@code preparedSide}
   */
  public static void intoBatch(
      ByteBuffer rgb, int preparedSide, int width, int height, int side, float[] dst, int offset) {
    if (preparedSide == side) {
      Tensors.unpackRgb(rgb, dst, offset, side * side);
      return;
    }
    int ps = preparedSide;
    float[] packed = new float[3 * ps * ps];
    Tensors.unpackRgb(rgb, packed, 0, ps * ps);
    Letterbox from = Letterbox.of(width, height, ps);
    Letterbox to = Letterbox.of(width, height, side);
    for (int ch = 0; ch < 3; ch++) {
      float[] plane = Arrays.copyOfRange(packed, ch * ps * ps, (ch + 1) * ps * ps);
      from.reframe(plane, to, Letterbox.PAD[ch], dst, offset + ch * side * side);
    }
  }

  /** Prepared images as one batch at the recipe's side. */
  public float[] batch(List<Input> inputs) {
    int s = recipe.inputSize();
    float[] out = new float[inputs.size() * 3 * s * s];
    for (int i = 0; i < inputs.size(); i++) {
      Input in = inputs.get(i);
      intoBatch(
          ByteBuffer.wrap(in.rgb()), in.side(), in.width(), in.height(), s, out, i * 3 * s * s);
    }
    return out;
  }

  /**
   * The model's input of image {@code i} of a batch as packed bytes: what a refiner runs on. The
   * prepared bytes when they are at the batch's side; otherwise read back from the batch (then
   * {@code prepared} is not read and may be null, so callers need not copy it).
   */
  public static byte[] modelRgb(byte[] prepared, int preparedSide, float[] batch, int i, int side) {
    if (preparedSide == side) {
      return prepared;
    }
    int plane = side * side;
    int offset = i * 3 * plane;
    byte[] out = new byte[3 * plane];
    for (int q = 0; q < plane; q++) {
      for (int ch = 0; ch < 3; ch++) {
        out[3 * q + ch] = (byte) Math.round(batch[offset + ch * plane + q] * 255f);
      }
    }
    return out;
  }

  /**
   * The model run: a batch through the release's session at its own side and, for multi-scale
   * fusion, at its other sides ({@code scaled}), mirror-fused when the recipe says so.
   */
  public BatchAttention.Result attend(
      AttentionSession session,
      List<AttentionSession> scaled,
      float[] batch,
      int n,
      int[][] classes) {
    return BatchAttention.run(session, scaled, batch, n, classes, recipe.flip());
  }

  /**
   * Post-processing: one image's label at its own size from its maps; {@code rgb} (the model's
   * input) lets a refining recipe refine, null leaves the label unrefined.
   */
  public ImageLabeler.Result label(
      float[][] maps, int[] classes, int width, int height, byte[] rgb) {
    return labeler.label(maps, classes, recipe.inputSize(), width, height, rgb);
  }
}
