package io.gainstream.model.train;

import io.gainstream.model.image.Letterbox;
import io.gainstream.model.image.MapResize;
import io.gainstream.model.image.Tensors;
import io.gainstream.model.labels.FlipFusion;
import java.util.Arrays;
import java.util.Random;

/**
 * Training-time augmentation of one example: a horizontal flip and a random square crop resized
 * back to the input size, the image bilinearly and its pixel label (if any) by nearest neighbour.
 *
 * <p>Why: a backbone fine-tuned on a few dozen photos learns them by heart within a few hundred
 * steps (training loss 5e-5 on coco-dev), and its class maps turn into one blob per image. Seeing
 * each photo mirrored and at other scales and offsets is what keeps the maps on the object. Crops
 * keep at least {@code minCrop} of the side, so an object that fills part of the photo stays in
 * view far more often than not and the image-level label stays true. The built-in network on its
 * synthetic shapes trains without it ({@link #NONE}): a crop there can cut a shape off.
 *
 * @param flip mirror half of the examples
 * @param minCrop smallest crop side as a share of the image side, in (0, 1]; 1 means no crop
 * @param cutout share of the examples that get one black rectangle (a quarter to half of each side,
 *     anywhere), after the flip and crop; 0: none. It keeps a black patch from meaning "not this
 *     class" (GainSettings#cutout)
 */
public record Augmentation(boolean flip, float minCrop, float cutout) {
  /** No augmentation: the example as it is. */
  public static final Augmentation NONE = new Augmentation(false, 1f, 0f);

  /** For photographs under a pretrained backbone. */
  public static final Augmentation PHOTOS = new Augmentation(true, 0.7f, 0f);

  public Augmentation {
    if (!(minCrop > 0 && minCrop <= 1)) {
      throw new IllegalArgumentException("minCrop must be in (0, 1], got " + minCrop);
    }
    if (!(cutout >= 0 && cutout <= 1)) {
      throw new IllegalArgumentException("cutout must be in [0, 1], got " + cutout);
    }
  }

  /** Flips and crops without cutout. */
  public Augmentation(boolean flip, float minCrop) {
    this(flip, minCrop, 0f);
  }

  /** The same with cutout on {@code share} of the examples. */
  public Augmentation withCutout(float share) {
    return new Augmentation(flip, minCrop, share);
  }

  /** The example as training sees it this time; the same example when there is nothing to do. */
  public Example apply(Example e, int size, Random rnd) {
    Example moved = flipAndCrop(e, size, rnd);
    if (cutout <= 0 || rnd.nextFloat() >= cutout) {
      return moved;
    }
    int w = Math.max(1, Math.round(size * (0.25f + 0.25f * rnd.nextFloat())));
    int h = Math.max(1, Math.round(size * (0.25f + 0.25f * rnd.nextFloat())));
    int x0 = rnd.nextInt(size - w + 1);
    int y0 = rnd.nextInt(size - h + 1);
    float[] out = moved.chw().clone();
    int plane = size * size;
    for (int c = 0; c < 3; c++) {
      for (int y = y0; y < y0 + h; y++) {
        Arrays.fill(out, c * plane + y * size + x0, c * plane + y * size + x0 + w, 0f);
      }
    }
    // the pixel label keeps the object's pixels: under the patch they are still the object's
    return new Example(moved.id(), out, moved.classes(), moved.mask());
  }

  private Example flipAndCrop(Example e, int size, Random rnd) {
    if (!flip && minCrop >= 1) {
      return e;
    }
    boolean mirror = flip && rnd.nextBoolean();
    int side =
        minCrop >= 1
            ? size
            : Math.max(1, Math.round(size * (minCrop + (1 - minCrop) * rnd.nextFloat())));
    int x0 = rnd.nextInt(size - side + 1);
    int y0 = rnd.nextInt(size - side + 1);
    if (!mirror && side == size) {
      return e;
    }
    // the crop is a square window of the input, cut out and resized back as a map is
    Letterbox crop = new Letterbox(x0, y0, side, side, size);
    int plane = size * size;
    float[] out = new float[3 * plane];
    for (int c = 0; c < 3; c++) {
      float[] channel = Arrays.copyOfRange(e.chw(), c * plane, (c + 1) * plane);
      float[] r = MapResize.bilinear(crop.window(channel), side, side, size, size);
      System.arraycopy(
          mirror ? FlipFusion.flipHorizontal(r, size, size) : r, 0, out, c * plane, plane);
    }
    byte[] mask = e.mask() == null ? null : labels(e.mask(), crop, mirror);
    return new Example(e.id(), out, e.classes(), mask);
  }

  /**
   * The pixel label cut to the same window, resized by nearest neighbour, mirrored with the image.
   */
  private static byte[] labels(byte[] mask, Letterbox crop, boolean mirror) {
    int size = crop.size();
    int side = crop.width();
    byte[] window = new byte[side * side];
    for (int r = 0; r < side; r++) {
      System.arraycopy(mask, (crop.y() + r) * size + crop.x(), window, r * side, side);
    }
    byte[] out = Tensors.resizeLabels(window, side, side, size, size);
    if (mirror) {
      for (int y = 0; y < size; y++) {
        for (int a = y * size, b = a + size - 1; a < b; a++, b--) {
          byte t = out[a];
          out[a] = out[b];
          out[b] = t;
        }
      }
    }
    return out;
  }
}
